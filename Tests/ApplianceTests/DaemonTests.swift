#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Testing
@testable import Appliance
import Imaging
import Radiomics

/// Daemon behaviour in temporary folders. Time is passed explicitly to `step(now:)` (milliseconds), so the
/// quiet-period logic is tested without sleeping.
@Suite struct DaemonTests {
    @Test func studyCopiedSlowlyIsNotTakenEarly() throws {
        let rig = Rig(quiet: 5)
        let p = CountingProcessor()
        let (d, _, _) = rig.daemon(p)
        let study = rig.tmp.sub("usb/STICK/p1")
        try writeText(FS.join(study, "venous.nii.gz"), "part one")
        #expect(d.step(now: 0) == 0)                       // image only: not a study yet
        try writeText(FS.join(study, "venous_mask.nii.gz"), "m")
        #expect(d.step(now: 1_000) == 0)                   // complete pair, but just appeared
        appendText(FS.join(study, "venous_mask.nii.gz"), "ore mask bytes")   // copy still running
        #expect(d.step(now: 5_500) == 0)                   // listing changed: quiet period restarts
        #expect(d.step(now: 9_000) == 0)                   // 3.5 s quiet < 5 s
        #expect(p.calls.isEmpty)
        #expect(d.step(now: 10_600) == 1)                  // 5.1 s quiet
        #expect(p.calls == [study])
        #expect(rig.results.count == 1)
    }

    @Test func readyMarkerTakesStudyAtOnce() throws {
        let rig = Rig(quiet: 3600)
        let p = CountingProcessor()
        let (d, _, _) = rig.daemon(p)
        try makeFakeStudy(rig.tmp.sub("share/p2"))
        #expect(d.step(now: 0) == 0)
        try writeText(rig.tmp.sub("share/p2/READY"), "")
        #expect(d.step(now: 10) == 1)
    }

    @Test func studySeenOnManyScansRunsOnce() throws {
        let rig = Rig(quiet: 1)
        let p = CountingProcessor()
        let (d, _, status) = rig.daemon(p)
        try makeFakeStudy(rig.tmp.sub("usb/S/p1"))
        try makeFakeStudy(rig.tmp.sub("share/copy-of-p1"))            // same content elsewhere: same study
        for t in stride(from: Int64(0), through: 10_000, by: 500) { d.step(now: t) }
        #expect(p.calls.count == 1)
        #expect(rig.results.count == 1)
        // A new daemon on the same state folder (restart) does not run it again either.
        let (d2, _, _) = rig.daemon(p)
        for t in stride(from: Int64(0), through: 5_000, by: 1_000) { d2.step(now: t) }
        #expect(p.calls.count == 1)
        #expect(status.current.counts.done == 1)
        #expect(rig.journalLines.filter { $0.contains("\"event\":\"done\"") }.count == 1)
    }

    @Test func crashMidStudyIsRedoneOnceAfterRestart() throws {
        let rig = Rig(quiet: 0)
        try makeFakeStudy(rig.tmp.sub("usb/S/p1"))
        // What a kill -9 during processing leaves: seen + running in the journal, a torn line,
        // a half-written result folder — and, from a crash just after publishing, a complete one.
        let s = try #require(StudyLocator.study(at: rig.tmp.sub("usb/S/p1")))
        let fp = try Fingerprint.study(s)
        let j = try Journal(directory: rig.config.stateDir)
        try j.append(JournalEntry(event: .seen, fingerprint: fp, study: "p1", source: s.directory))
        try j.append(JournalEntry(event: .running, fingerprint: fp, study: "p1", source: s.directory))
        appendText(j.path, "{\"event\":\"done\",\"fingerpr")
        let name = "p1-" + fp.prefix(8)
        try writeText(FS.join(rig.config.outputDir, ".partial-\(name)/features.csv"), "half")
        try writeText(FS.join(rig.config.outputDir, "\(name)/result.txt"), "old")
        try writeText(FS.join(rig.config.outputDir, ".old-\(name)-999/result.txt"), "replaced before the crash")
        try writeText(FS.join(rig.config.outputDir, "other.old-study-12345678/result.txt"), "a study's real result")

        let p = CountingProcessor()
        let (d, _, _) = rig.daemon(p)
        d.step(now: 0); d.step(now: 1)
        #expect(p.calls.count == 1)
        #expect(rig.results.sorted() == [name, "other.old-study-12345678"].sorted())     // crash leftovers gone, real results kept
        #expect(try FileIO.readText(FS.join(rig.config.outputDir, "\(name)/result.txt")) == "result of p1\n")
        #expect(!FS.exists(FS.join(rig.config.outputDir, ".partial-\(name)")))
        let lines = rig.journalLines
        #expect(lines.allSatisfy { (try? JSONDecoder().decode(JournalEntry.self, from: Data($0.utf8))) != nil })
        #expect(lines.last?.contains("\"event\":\"done\"") == true)
        // Restart again: done is not redone.
        let (d2, _, _) = rig.daemon(p)
        d2.step(now: 0)
        #expect(p.calls.count == 1)
    }

    @Test func studyThatKeepsCrashingTheDaemonIsGivenUp() throws {
        var rig = Rig(quiet: 0)
        rig.config.maxAttempts = 2
        try makeFakeStudy(rig.tmp.sub("share/p1"))
        let s = try #require(StudyLocator.study(at: rig.tmp.sub("share/p1")))
        let fp = try Fingerprint.study(s)
        let j = try Journal(directory: rig.config.stateDir)
        for _ in 0..<2 { try j.append(JournalEntry(event: .running, fingerprint: fp, study: "p1", source: s.directory)) }
        let p = CountingProcessor()
        let (d, _, status) = rig.daemon(p)
        d.step(now: 0)
        #expect(p.calls.isEmpty)
        #expect(status.current.lastReason?.contains("interrupted 2 times") == true)
    }

    @Test func malformedStudyFailsWithReasonAndNextStudyIsProcessed() throws {
        let rig = Rig(quiet: 0)
        let bad = rig.tmp.sub("share/a-bad"), good = rig.tmp.sub("share/b-good")
        try writeText(FS.join(bad, "venous.nii.gz"), "this is not a NIfTI file")
        try writeText(FS.join(bad, "venous_mask.nii.gz"), "nor is this")
        try makePhantomStudy(good)
        let proc = FeatureExtractionProcessor(settings: ExtractionSettings.presets["ibsi-digital-phantom"]!, marginMM: 0)
        let (d, driver, status) = rig.daemon(proc)
        d.step(now: 0)
        #expect(rig.results.count == 1)
        #expect(rig.results.first?.hasPrefix("b-good-") == true)
        let failed = rig.journalLines.first { $0.contains("\"event\":\"failed\"") }
        #expect(failed?.contains("venous.nii.gz") == true)           // the reason names the file
        #expect(status.current.counts.failed == 1 && status.current.counts.done == 1)
        #expect(rig.log.lines.contains { $0.contains("a-bad: FAILED") })
        #expect(rig.sink.patterns.contains(.error))
        #expect(driver.current == .result(.amber))                   // the good study's result shows last
        let out = FS.join(rig.config.outputDir, rig.results[0])
        let result = try FileIO.readText(FS.join(out, "result.json"))
        #expect(result.contains("no assessment module yet"))
        #expect(FS.exists(FS.join(out, "features.csv")) && FS.exists(FS.join(out, "outcome.json")))
        // The bad one is not retried on later scans (its failure is the study's own fault).
        d.step(now: 10_000)
        #expect(rig.journalLines.filter { $0.contains("\"event\":\"running\"") }.count == 2)
    }

    @Test func stickPulledMidReadIsATransientFailure() throws {
        let rig = Rig(quiet: 0)
        let study = rig.tmp.sub("usb/S/p1")
        try makeFakeStudy(study)
        let p = CountingProcessor(hook: { dir in
            FS.removeTree(dir)                                            // the stick goes away…
            throw ApplianceError("\(dir)/venous.nii.gz: read failed: Input/output error")
        })
        let (d, _, status) = rig.daemon(p)
        d.step(now: 0)
        #expect(status.current.state == .error)
        #expect(status.current.lastReason?.contains("vanished") == true)
        #expect(rig.results.isEmpty)
        let failed = rig.journalLines.last ?? ""
        #expect(failed.contains("\"transient\":true"))
        // The daemon keeps serving: the stick comes back, the study is done.
        try makeFakeStudy(study)
        let p2 = CountingProcessor()
        let (d2, _, _) = rig.daemon(p2)
        d2.step(now: 0)
        #expect(p2.calls.count == 1 && rig.results.count == 1)
    }

    @Test func resultsCopiedBackToWritableStickOnly() throws {
        let rig = Rig(quiet: 0, copyBack: true)
        try makeFakeStudy(rig.tmp.sub("usb/RW/p1"))
        try makeFakeStudy(rig.tmp.sub("usb/RO/p2"), content: "other")
        // Tests run as root, which ignores permission bits: the read-only stick is simulated through the
        // medium probe (in production: statvfs ST_RDONLY, access(W_OK), free space).
        let ro = rig.tmp.sub("usb/RO")
        let (d, _, _) = rig.daemon(CountingProcessor(), mediumProblem: { path, bytes in
            path == ro ? "medium is read-only" : FS.writeProblem(path, bytes: bytes)
        })
        d.step(now: 0)
        #expect(rig.results.count == 2)
        let back = (try? FS.list(rig.tmp.sub("usb/RW/hccedge-results"))) ?? []
        #expect(back.count == 1 && back[0].hasPrefix("p1-"))
        #expect(FS.exists(rig.tmp.sub("usb/RW/hccedge-results/\(back[0])/result.txt")))
        #expect(!FS.exists(rig.tmp.sub("usb/RO/hccedge-results")))
        #expect(rig.log.lines.contains { $0.contains("warning") && $0.contains("RO") && $0.contains("read-only") })
        // The copied-back results are not taken for a new study.
        #expect(d.step(now: 1) == 0)
    }

    @Test func fullOutputDiskFailsTransiently() throws {
        let rig = Rig(quiet: 0)
        try makeFakeStudy(rig.tmp.sub("share/p1"))
        let out = rig.config.outputDir
        let p = CountingProcessor(hook: { _ in throw ApplianceError("write failed: No space left on device") })
        let (d, _, status) = rig.daemon(p, mediumProblem: { path, b in path == out ? "medium is full" : nil })
        d.step(now: 0)
        #expect(status.current.lastReason?.hasPrefix("output folder: medium is full") == true)
        #expect(rig.journalLines.last?.contains("\"transient\":true") == true)
        d.step(now: 1)                                                    // retried, up to max_attempts (3)
        d.step(now: 2); d.step(now: 3); d.step(now: 4)
        #expect(p.calls.count == 3)
    }

    @Test func failedSelfTestMeansErrorStatusAndLEDs() throws {
        var rig = Rig()
        rig.config.selfTestAtStart = true
        let (d, driver, status) = rig.daemon(CountingProcessor())
        let ok = d.startUp(expectedFingerprint: "0000000000000000")
        #expect(!ok)
        #expect(status.current.state == .error)
        #expect(status.current.message?.contains("feature fingerprint") == true)
        #expect(driver.current == .error)
        #expect(rig.sink.patterns.first == .selfTest)
    }

    @Test func selfTestRetrySucceedsOnceTheFolderFaultClears() throws {
        var rig = Rig()
        rig.config.selfTestAtStart = true
        let blocker = rig.tmp.sub("not-a-folder")
        try writeText(blocker, "x")
        rig.config.outputDir = blocker + "/results"
        let (d, driver, status) = rig.daemon(CountingProcessor())
        #expect(!d.startUp())
        #expect(status.current.message?.contains("output folder") == true)
        FS.removeTree(blocker)
        #expect(d.startUp(retry: true))
        #expect(status.current.state == .idle && driver.current == .idle)
        #expect(rig.sink.patterns.filter { $0 == .selfTest }.count == 1)     // the retry does not flash the lamp test
    }

    @Test func unwritableStateFolderPausesAndRecovers() throws {
        var rig = Rig(quiet: 0)
        let blocker = rig.tmp.sub("state-is-a-file")
        try writeText(blocker, "x")
        rig.config.stateDir = blocker + "/state"                          // cannot be created
        try makeFakeStudy(rig.tmp.sub("share/p1"))
        let p = CountingProcessor()
        let (d, _, status) = rig.daemon(p)
        #expect(d.step(now: 0) == 0)
        #expect(status.current.state == .error && status.current.message?.hasPrefix("state folder") == true)
        FS.removeTree(blocker)                                            // the fault clears
        #expect(d.step(now: 1) == 1)
        #expect(p.calls.count == 1)
    }

    /// After a restart a finished study is recognised by its listing (path, names, sizes, mtimes) without reading its
    /// bytes: shown by swapping content under an identical listing — it is not run again.
    @Test func restartRecognisesFinishedStudyByListing() throws {
        let rig = Rig(quiet: 0)
        let study = rig.tmp.sub("share/p1")
        try makeFakeStudy(study, content: "abc")
        let p = CountingProcessor()
        let (d, _, _) = rig.daemon(p)
        d.step(now: 0)
        #expect(p.calls.count == 1)
        let f = FS.join(study, "venous.nii.gz")
        let before = try #require(FS.info(f))
        try writeText(f, "xyz")                                            // same size…
        var times = [timespec(tv_sec: Int(before.mtimeNanos / 1_000_000_000), tv_nsec: Int(before.mtimeNanos % 1_000_000_000)),
                     timespec(tv_sec: Int(before.mtimeNanos / 1_000_000_000), tv_nsec: Int(before.mtimeNanos % 1_000_000_000))]
        #expect(utimensat(AT_FDCWD, f, &times, 0) == 0)                  // …same mtime
        let (d2, _, status) = rig.daemon(p)
        d2.step(now: 0)
        #expect(p.calls.count == 1)
        #expect(status.current.state == .result && status.current.lastStudy == "p1")   // its result is shown again
    }

    /// After a restart the scan finishes the interrupted study and then meets an older finished one (here journaled
    /// red): the newer result stays on display (status and LEDs); the older one is only logged.
    @Test func restartKeepsTheNewestResultOnDisplay() throws {
        let rig = Rig(quiet: 0)
        try makeFakeStudy(rig.tmp.sub("share/b-done"), content: "old")
        try makeFakeStudy(rig.tmp.sub("share/a-interrupted"), content: "new")
        let old = try #require(StudyLocator.study(at: rig.tmp.sub("share/b-done")))
        let new = try #require(StudyLocator.study(at: rig.tmp.sub("share/a-interrupted")))
        let (fpOld, fpNew) = (try Fingerprint.study(old), try Fingerprint.study(new))
        let j = try Journal(directory: rig.config.stateDir)
        try j.append(JournalEntry(event: .seen, fingerprint: fpOld, study: "b-done", source: old.directory))
        try j.append(JournalEntry(event: .running, fingerprint: fpOld, study: "b-done", source: old.directory))
        try j.append(JournalEntry(event: .done, fingerprint: fpOld, study: "b-done", source: old.directory,
                                  category: "red", reason: "earlier result", result: "/nowhere"))
        try j.append(JournalEntry(event: .seen, fingerprint: fpNew, study: "a-interrupted", source: new.directory))
        try j.append(JournalEntry(event: .running, fingerprint: fpNew, study: "a-interrupted", source: new.directory))
        let p = CountingProcessor()
        let (d, _, status) = rig.daemon(p)
        d.step(now: 0)
        #expect(p.calls == [new.directory])
        #expect(status.current.state == .result && status.current.lastStudy == "a-interrupted")
        #expect(status.current.lastCategory == "green")
        #expect(!rig.sink.patterns.contains(.result(.red)))
        // A later pass that meets the older study again (stick re-inserted) shows it again.
        FS.removeTree(old.directory)
        d.step(now: 1)
        try makeFakeStudy(rig.tmp.sub("share/b-done"), content: "old")
        d.step(now: 2)
        #expect(status.current.lastStudy == "b-done" && status.current.lastCategory == "red")
    }
}
