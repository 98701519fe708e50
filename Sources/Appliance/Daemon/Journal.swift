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
public final class Journal: @unchecked Sendable {
    public let path: String
    private let lock = Lock()
    private var fd: Int32
    private var records: [String: JournalRecord] = [:]
    private var byListing: [String: String] = [:]
    private var lastOrder = -1
    /// Lines that could not be parsed on open (a torn tail counts as one).
    public private(set) var ignoredLines = 0

    public init(directory: String) throws {
        try FS.makeDirectories(directory)
        path = FS.join(directory, "journal.jsonl")
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ApplianceError("\(path): cannot open journal: \(FileIO.errnoText())") }
        let bytes = try FileIO.readBytes(path, limit: 512 << 20)
        let (recs, ignored, goodLength) = Journal.replay(bytes)
        records = recs; ignoredLines = ignored
        lastOrder = recs.values.map(\.order).max() ?? -1
        for r in recs.values { if let l = r.last.listing { byListing[l] = r.last.fingerprint } }
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

    /// Parses journal bytes: records by fingerprint, unparseable lines, and the length up to the last newline.
    public static func replay(_ bytes: [UInt8]) -> (records: [String: JournalRecord], ignored: Int, goodLength: Int) {
        var recs: [String: JournalRecord] = [:]
        var ignored = 0
        var start = 0, order = 0
        let dec = JSONDecoder()
        let lastNewline = bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        if lastNewline < bytes.count { ignored += 1 }
        for i in 0..<lastNewline where bytes[i] == 0x0A {
            let line = bytes[start..<i]
            start = i + 1
            if line.isEmpty { continue }
            guard let e = try? dec.decode(JournalEntry.self, from: Data(line)) else { ignored += 1; continue }
            var r = recs[e.fingerprint] ?? JournalRecord(last: e, attempts: 0)
            r.last = e; r.order = order; order += 1
            if e.event == .running { r.attempts += 1 }
            recs[e.fingerprint] = r
        }
        return (recs, ignored, lastNewline)
    }

    /// Appends one event durably (write + fsync) and updates the in-memory state.
    public func append(_ e: JournalEntry) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Array(try enc.encode(e)) + [0x0A]
        try lock.locked {
            try FS.writeAll(fd, line, path: path)
            if fsync(fd) != 0 { throw ApplianceError("\(path): fsync failed: \(FileIO.errnoText())") }
            var r = records[e.fingerprint] ?? JournalRecord(last: e, attempts: 0)
            lastOrder += 1
            r.last = e; r.order = lastOrder
            if e.event == .running { r.attempts += 1 }
            records[e.fingerprint] = r
            if let l = e.listing { byListing[l] = e.fingerprint }
        }
    }

    /// Order of the newest event (-1 for an empty journal); see `JournalRecord.order`.
    public var latestOrder: Int { lock.locked { lastOrder } }

    /// The fingerprint last recorded for a listing hash, nil when unknown.
    public func fingerprint(forListing l: String) -> String? { lock.locked { byListing[l] } }

    /// The record of a fingerprint, nil when never seen.
    public func record(_ fingerprint: String) -> JournalRecord? { lock.locked { records[fingerprint] } }

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
            for r in records.values { if r.last.event == .done { d += 1 } else if r.last.event == .failed { f += 1 } }
            return (d, f)
        }
    }
}
