#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Appliance
import Imaging

/// Journal write faults in the middle of a study (found by tools/reliability/media-faults, scenario state-full).
@Suite struct JournalFaultTests {
    /// Points the open descriptor of `path` at /dev/full: every further write fails with ENOSPC.
    static func redirectToDevFull(_ path: String) {
        guard let dir = opendir("/proc/self/fd") else { return }
        defer { closedir(dir) }
        var buf = [CChar](repeating: 0, count: 4096)
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name) else { continue }
            let n = readlink("/proc/self/fd/" + name, &buf, buf.count - 1)
            guard n > 0, String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) == path else { continue }
            let full = open("/dev/full", O_WRONLY)
            if full >= 0 { dup2(full, fd); close(full) }
        }
    }

    final class Once: @unchecked Sendable {
        private let lock = Lock(); private var done = false
        func first() -> Bool { lock.locked { defer { done = true }; return !done } }
    }

    /// The state disk fills up while a study is processed: its result is published but the `done` line cannot be
    /// written. The daemon used to mark the study settled anyway, so the journal said `running` until a restart.
    /// Now it is redone once the journal can be written: exactly one `done` line, exactly one result folder.
    @Test func doneLostToAFullStateDiskIsRedoneWhenTheJournalRecovers() throws {
        let rig = Rig(quiet: 0)
        try makeFakeStudy(rig.tmp.sub("share/p1"))
        let journal = FS.join(rig.config.stateDir, "journal.jsonl")
        let once = Once()
        let p = CountingProcessor(hook: { _ in if once.first() { Self.redirectToDevFull(journal) } })
        let (d, _, status) = rig.daemon(p)
        d.step(now: 0)
        #expect(p.calls.count == 1)
        #expect(rig.log.lines.contains { $0.contains("journal cannot be written") })
        #expect(!rig.journalLines.contains { $0.contains("\"event\":\"done\"") })
        d.step(now: 1_000)
        d.step(now: 2_000)
        #expect(p.calls.count == 2)
        #expect(rig.journalLines.filter { $0.contains("\"event\":\"done\"") }.count == 1)
        #expect(rig.results.count == 1)
        #expect(status.current.counts.done == 1)
        d.step(now: 3_000)
        #expect(p.calls.count == 2)
    }
}
