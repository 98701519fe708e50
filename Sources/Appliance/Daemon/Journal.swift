#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Imaging

/// The life of a study in the journal.
public enum StudyState: String, Codable, Sendable { case seen, running, done, failed }

/// One journal line (JSON, sorted keys).
public struct JournalEntry: Codable, Sendable, Equatable {
    public var event: StudyState
    /// Content fingerprint (`Fingerprint.study`): the identity of the study.
    public var fingerprint: String
    public var study: String
    public var source: String
    public var time: String
    public var category: String?
    public var reason: String?
    /// Result folder (done) .
    public var result: String?
    /// Failure caused by the medium or the output disk, not by the study itself: retried (up to `max_attempts`).
    public var transient: Bool?
    /// Hash of the folder path and its listing (names, sizes, mtimes) when the fingerprint was taken: lets a restart
    /// recognise a finished study without reading its bytes again.
    public var listing: String?

    public init(event: StudyState, fingerprint: String, study: String, source: String, time: String = Clock.isoNow(),
                category: String? = nil, reason: String? = nil, result: String? = nil, transient: Bool? = nil,
                listing: String? = nil) {
        self.event = event; self.fingerprint = fingerprint; self.study = study; self.source = source; self.time = time
        self.category = category; self.reason = reason; self.result = result; self.transient = transient
        self.listing = listing
    }
}

/// What the journal knows about one fingerprint after replay.
public struct JournalRecord: Sendable, Equatable {
    public var last: JournalEntry
    /// Number of `running` events (attempts started).
    public var attempts: Int
    /// Position of `last` among the journal's events (0, 1, 2 … in file order): which of two events is newer.
    public var order: Int = 0
}

/// Append-only journal (`journal.jsonl` in the state folder): one JSON line per event, each written with a single
/// `write` and followed by `fsync`. On open, a torn last line (power cut mid-write) is cut off and ignored;
/// the last event of each fingerprint decides its state. A study left `running` is redone; `done` is never redone.
///
/// In memory it keeps, per study ever seen, only where its last line is in the file and what decides its state
/// (about 60 bytes); `record(_:)` reads that line back. A box that has seen thousands of studies stays small.
public final class Journal: @unchecked Sendable {
    public let path: String
    private let lock = Lock()
    private var fd: Int32
    /// Per fingerprint key: its last event's line in the file and what decides its state.
    private var slots: [UInt64: Slot] = [:]
    /// Listing key → fingerprint key (the fingerprint text is on the slot's line).
    private var byListing: [UInt64: UInt64] = [:]
    private var lastOrder = -1
    /// Length of the file's complete lines (where the next line starts).
    private var length: Int64 = 0
    /// Lines that could not be parsed on open (a torn tail counts as one).
    public private(set) var ignoredLines = 0

    struct Slot {
        var offset: Int64
        var bytes: Int32
        var attempts: Int32
        var order: Int32
        var event: StudyState
        var transient: Bool
    }

    public init(directory: String) throws {
        try FS.makeDirectories(directory)
        path = FS.join(directory, "journal.jsonl")
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ApplianceError("\(path): cannot open journal: \(FileIO.errnoText())") }
        let bytes = try FileIO.readBytes(path, limit: 512 << 20)
        var start = 0
        let dec = JSONDecoder()
        let goodLength = bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        if goodLength < bytes.count { ignoredLines += 1 }
        for i in 0..<goodLength where bytes[i] == 0x0A {
            let line = bytes[start..<i]
            defer { start = i + 1 }
            if line.isEmpty { continue }
            guard let e = try? dec.decode(JournalEntry.self, from: Data(line)) else { ignoredLines += 1; continue }
            note(e, offset: Int64(start), bytes: line.count + 1)
        }
        length = Int64(goodLength)
        if goodLength < bytes.count {
            // Cut the torn tail so the next line starts on a fresh line.
            if ftruncate(fd, off_t(goodLength)) != 0 || fsync(fd) != 0 {
                let e = FileIO.errnoText(); close(fd)
                throw ApplianceError("\(path): cannot repair torn journal: \(e)")
            }
        }
        FileIO.syncDirectory(of: path)
    }

    deinit { close(fd) }

    /// 64-bit key of a fingerprint or listing hash: the value of its 16 hex digits, else an FNV-1a hash of the text.
    static func key(_ s: String) -> UInt64 {
        if s.utf8.count == 16, let v = UInt64(s, radix: 16) { return v }
        var h = FNV1a64(); h.addString(s); return h.value
    }

    /// Updates the index with the event whose line starts at `offset` (caller holds the lock or is `init`).
    private func note(_ e: JournalEntry, offset: Int64, bytes: Int) {
        let k = Journal.key(e.fingerprint)
        lastOrder += 1
        var slot = slots[k] ?? Slot(offset: 0, bytes: 0, attempts: 0, order: 0, event: e.event, transient: false)
        slot.offset = offset; slot.bytes = Int32(clamping: bytes); slot.order = Int32(clamping: lastOrder)
        slot.event = e.event; slot.transient = e.transient ?? false
        if e.event == .running { slot.attempts += 1 }
        slots[k] = slot
        if let l = e.listing { byListing[Journal.key(l)] = k }
    }

    /// Appends one event durably (write + fsync) and updates the in-memory state.
    public func append(_ e: JournalEntry) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Array(try enc.encode(e)) + [0x0A]
        try lock.locked {
            try FS.writeAll(fd, line, path: path)
            if fsync(fd) != 0 { throw ApplianceError("\(path): fsync failed: \(FileIO.errnoText())") }
            note(e, offset: length, bytes: line.count)
            length += Int64(line.count)
        }
    }

    /// Order of the newest event (-1 for an empty journal); see `JournalRecord.order`.
    public var latestOrder: Int { lock.locked { lastOrder } }

    /// The record of the study last recorded with this listing hash (one read of its line), nil when unknown.
    public func record(forListing l: String) -> JournalRecord? {
        lock.locked {
            guard let k = byListing[Journal.key(l)], let s = slots[k], let last = entry(at: s) else { return nil }
            return JournalRecord(last: last, attempts: Int(s.attempts), order: Int(s.order))
        }
    }

    /// The record of a fingerprint, nil when never seen. Its last event is read back from the file; should that
    /// read fail, the event carries only what decides the state (kind, transient) and no names.
    public func record(_ fingerprint: String) -> JournalRecord? {
        lock.locked {
            guard let s = slots[Journal.key(fingerprint)] else { return nil }
            let last = entry(at: s) ?? JournalEntry(event: s.event, fingerprint: fingerprint, study: "", source: "", time: "",
                                                    transient: s.transient ? true : nil)
            guard last.fingerprint == fingerprint else { return nil }          // 64-bit key collision: not this study
            return JournalRecord(last: last, attempts: Int(s.attempts), order: Int(s.order))
        }
    }

    /// The line of a slot, decoded (nil when it cannot be read back).
    private func entry(at s: Slot) -> JournalEntry? {
        var buf = [UInt8](repeating: 0, count: Int(s.bytes))
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(s.bytes), off_t(s.offset)) }
        guard n == Int(s.bytes), buf.last == 0x0A else { return nil }
        return try? JSONDecoder().decode(JournalEntry.self, from: Data(buf.dropLast()))
    }

    /// Whether a study with this record must be (re)processed: never seen, seen, left running by a crash, or failed
    /// for a transient reason with attempts left.
    public static func needsWork(_ r: JournalRecord?, maxAttempts: Int) -> Bool {
        guard let r else { return true }
        switch r.last.event {
        case .seen, .running: return true
        case .done: return false
        case .failed: return (r.last.transient ?? false) && r.attempts < maxAttempts
        }
    }

    /// Counts of done and failed studies.
    public var counts: (done: Int, failed: Int) {
        lock.locked {
            var d = 0, f = 0
            for s in slots.values { if s.event == .done { d += 1 } else if s.event == .failed { f += 1 } }
            return (d, f)
        }
    }
}
