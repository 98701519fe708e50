#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Testing
@testable import Appliance
import Imaging

/// The built `hccedge` binary (`swift build` / `swift test` put it in .build/debug).
let hccedgeBinary = packageRoot + "/.build/debug/hccedge"

/// Starts `hccedge serve --config <config>` with stdout+stderr to `logPath`; returns the pid.
func spawnServe(config: String, logPath: String) throws -> pid_t {
    try spawnHCCEdge(["serve", "--config", config], logPath: logPath)
}

/// Runs `hccedge ARGS…` to the end; returns its exit status.
func runHCCEdge(_ args: [String], logPath: String) throws -> Int32 {
    let pid = try spawnHCCEdge(args, logPath: logPath)
    var st: Int32 = 0
    waitpid(pid, &st, 0)
    return (st & 0x7f) == 0 ? (st >> 8) & 0xff : -1
}

/// Starts `hccedge ARGS…` with stdout+stderr to `logPath`; returns the pid.
func spawnHCCEdge(_ arguments: [String], logPath: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let args = [hccedgeBinary] + arguments
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var env: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
    defer { for p in env { free(p) } }
    var pid = pid_t()
    let rc = posix_spawn(&pid, hccedgeBinary, &actions, nil, &argv, &env)
    if rc != 0 { throw ApplianceError("posix_spawn \(hccedgeBinary): \(String(cString: strerror(rc)))") }
    return pid
}

/// Polls `cond` every 50 ms for up to `seconds`; true when it became true (a deadline, not a speed assertion).
func waitFor(seconds: Int, _ cond: () -> Bool) -> Bool {
    for _ in 0..<(seconds * 20) { if cond() { return true }; Clock.sleep(millis: 50) }
    return cond()
}

@Suite(.serialized) struct KillTests {
    /// kill -9 while a study is being processed, restart: exactly one result, journal parseable, done once.
    /// Then SIGTERM stops the daemon cleanly (exit 0).
    @Test(.enabled(if: FS.exists(hccedgeBinary), "needs the built binary (.build/debug/hccedge)"))
    func killDuringStudyThenRestartGivesExactlyOneResult() throws {
        let t = TempDir()
        let conf = t.sub("conf.json")
        try writeText(conf, """
        {"watch": [{"path": "\(t.sub("usb"))/*", "kind": "usb"}], "state_dir": "\(t.sub("state"))",
         "output_dir": "\(t.sub("out"))", "status_file": "\(t.sub("run/status.json"))", "quiet_seconds": 0.5,
         "rescan_seconds": 0.2, "self_test_at_start": false, "processor": "features", "preset": "ibsi-ct-a"}
        """)
        try FS.makeDirectories(t.sub("usb/STICK"))
        // The CT phantom: big enough that the daemon is still inside the study when it is killed.
        let study = t.sub("usb/STICK/pat1")
        try FS.makeDirectories(study)
        try FS.copyTree(sharedIBSI + "/ct_phantom/image.nii.gz", FS.join(study, "venous.nii.gz"))
        try FS.copyTree(sharedIBSI + "/ct_phantom/mask.nii.gz", FS.join(study, "venous_mask.nii.gz"))
        let journal = t.sub("state/journal.jsonl")
        func journalText() -> String { (try? FileIO.readText(journal)) ?? "" }

        let first = try spawnServe(config: conf, logPath: t.sub("log1"))
        let sawRunning = waitFor(seconds: 120) { journalText().contains("\"event\":\"running\"") }
        kill(first, SIGKILL)
        var st: Int32 = 0
        waitpid(first, &st, 0)
        #expect(sawRunning)
        let doneBeforeRestart = journalText().contains("\"event\":\"done\"")

        let second = try spawnServe(config: conf, logPath: t.sub("log2"))
        let finished = waitFor(seconds: 300) { journalText().contains("\"event\":\"done\"") }
        _ = waitFor(seconds: 10) { ((try? FileIO.readText(t.sub("run/status.json"))) ?? "").contains("\"result\"") }
        kill(second, SIGTERM)
        waitpid(second, &st, 0)
        #expect(finished)
        #expect((st & 0x7f) == 0 && ((st >> 8) & 0xff) == 0)            // exited normally with status 0

        let results = try FS.list(t.sub("out"))
        #expect(results.count == 1 && results[0].hasPrefix("pat1-"))  // one result, no partial left
        let lines = journalText().split(separator: "\n")
        let entries = lines.compactMap { try? JSONDecoder().decode(JournalEntry.self, from: Data($0.utf8)) }
        #expect(entries.count == lines.count)                           // every line parses
        #expect(entries.filter { $0.event == .done }.count == 1)
        if !doneBeforeRestart { #expect(entries.filter { $0.event == .running }.count == 2) }   // redone once
        let status = try JSONDecoder().decode(ApplianceStatus.self, from: Data(FileIO.readBytes(t.sub("run/status.json"))))
        #expect(status.counts.done == 1 && status.message == "stopped")
        let log2 = (try? FileIO.readText(t.sub("log2"))) ?? ""
        #expect(log2.contains("LEDs would show: result: amber solid"))
    }

    /// The daemon's default processor gives the same answer as `hccedge assess` (run by `hccedge demo` on the built-in
    /// synthetic sample study): same traffic light, byte-identical features.csv.
    @Test(.enabled(if: FS.exists(hccedgeBinary), "needs the built binary (.build/debug/hccedge)"))
    func serveAnswersLikeAssessOnTheSampleStudy() throws {
        let t = TempDir()
        #expect(try runHCCEdge(["demo", "--dir", t.sub("demo")], logPath: t.sub("demo.log")) == 0)
        try FS.makeDirectories(t.sub("usb/STICK"))
        try FS.copyTree(t.sub("demo/sample-study"), t.sub("usb/STICK/sample"))
        let conf = t.sub("conf.json")
        try writeText(conf, """
        {"watch": [{"path": "\(t.sub("usb"))/*", "kind": "usb"}], "state_dir": "\(t.sub("state"))",
         "output_dir": "\(t.sub("out"))", "status_file": "\(t.sub("run/status.json"))", "quiet_seconds": 0.5,
         "rescan_seconds": 0.2, "self_test_at_start": false}
        """)
        let pid = try spawnServe(config: conf, logPath: t.sub("serve.log"))
        let done = waitFor(seconds: 300) { ((try? FileIO.readText(t.sub("run/status.json"))) ?? "").contains("\"result\"") }
        kill(pid, SIGTERM)
        var st: Int32 = 0
        waitpid(pid, &st, 0)
        #expect(done)
        let out = try #require(try FS.list(t.sub("out")).first)
        struct Verdict: Decodable { var category: String }
        let fromServe = try JSONDecoder().decode(Verdict.self, from: Data(FileIO.readBytes(t.sub("out/\(out)/result.json"))))
        let fromDemo = try JSONDecoder().decode(Verdict.self, from: Data(FileIO.readBytes(t.sub("demo/result/result.json"))))
        #expect(fromServe.category == fromDemo.category)
        #expect(try FileIO.readBytes(t.sub("out/\(out)/features.csv")) == FileIO.readBytes(t.sub("demo/result/features.csv")))
        let status = try JSONDecoder().decode(ApplianceStatus.self, from: Data(FileIO.readBytes(t.sub("run/status.json"))))
        #expect(status.lastCategory == fromDemo.category)
    }
}
