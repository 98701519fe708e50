#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Testing
@testable import Appliance
import Imaging
import Radiomics

@Suite struct FingerprintTests {
    /// Test vectors of the FNV specification (draft-eastlake-fnv, FNV-1a 64-bit).
    @Test func fnv1a64MatchesPublishedVectors() {
        func h(_ s: String) -> String { var f = FNV1a64(); f.addBytes(s.utf8); return f.hex }
        #expect(h("") == "cbf29ce484222325")
        #expect(h("a") == "af63dc4c8601ec8c")
        #expect(h("foobar") == "85944171f73967e8")
    }

    @Test func fingerprintFollowsContentNotPlace() throws {
        let t = TempDir()
        try makeFakeStudy(t.sub("a/p1")); try makeFakeStudy(t.sub("b/other-name"))
        try makeFakeStudy(t.sub("c/p1"), content: "abd")
        let fa = try Fingerprint.study(#require(StudyLocator.study(at: t.sub("a/p1"))))
        let fb = try Fingerprint.study(#require(StudyLocator.study(at: t.sub("b/other-name"))))
        let fc = try Fingerprint.study(#require(StudyLocator.study(at: t.sub("c/p1"))))
        #expect(fa == fb)
        #expect(fa != fc)
    }

    @Test func fileThatShrinksWhileListedIsRefused() throws {
        let t = TempDir()
        try makeFakeStudy(t.sub("p1"), content: "0123456789")
        let s = try #require(StudyLocator.study(at: t.sub("p1")))
        try writeText(t.sub("p1/venous.nii.gz"), "01")
        #expect(throws: ApplianceError.self) { try Fingerprint.study(s) }
    }
}

@Suite struct StudyLocatorTests {
    @Test func findsPairsManifestsAndNestedStudies() throws {
        let t = TempDir()
        try makeFakeStudy(t.sub("root/patients/p1"))
        try writeText(t.sub("root/p2/arterial.nii"), "a"); try writeText(t.sub("root/p2/arterial_seg.nii"), "b")
        try writeText(t.sub("root/p3/study.json"), "{}")
        try writeText(t.sub("root/p3/series/img.nii.gz"), "x")
        try writeText(t.sub("root/notes/readme.txt"), "no study here")
        try makeFakeStudy(t.sub("root/hccedge-results/p1-0000"))       // our own copy-back: never a study
        try makeFakeStudy(t.sub("root/.Trash/p9"))
        let found = StudyLocator.studies(in: t.sub("root"))
        #expect(found.map(\.name) == ["p2", "p3", "p1"])
        #expect(found[0].pairs.map(\.name) == ["arterial"])
        #expect(found[1].hasManifest && found[1].files.map(\.relativePath) == ["series/img.nii.gz", "study.json"])
        #expect(StudyLocator.studies(in: t.sub("root"), maxDepth: 1).map(\.name) == ["p2", "p3"])
    }

    @Test func symlinksAndHiddenFilesAreNotPartOfAStudy() throws {
        let t = TempDir()
        try makeFakeStudy(t.sub("p1"))
        try writeText(t.sub("secret.txt"), "outside")
        symlink(t.sub("secret.txt"), t.sub("p1/link.txt"))
        try writeText(t.sub("p1/.DS_Store"), "junk")
        let s = try #require(StudyLocator.study(at: t.sub("p1")))
        #expect(s.files.map(\.relativePath) == ["venous.nii.gz", "venous_mask.nii.gz"])
    }

    @Test func jpegSliceFoldersPairToo() throws {
        let t = TempDir()
        try writeText(t.sub("us1/us/001.jpg"), "x"); try writeText(t.sub("us1/us_mask.nii.gz"), "m")
        try writeText(t.sub("us1/notes/readme.txt"), "x")
        let s = try #require(StudyLocator.study(at: t.sub("us1")))
        #expect(s.pairs.map(\.name) == ["us"] && s.pairs[0].mask == t.sub("us1/us_mask.nii.gz"))
    }

    /// Manifest paths leaving the study folder are refused by the study reader the processors use.
    @Test func processorsRefuseManifestEscapes() throws {
        let t = TempDir()
        try writeText(t.sub("p1/study.json"), #"{"phases": [{"name": "venous", "image": "../x.nii.gz", "mask": "m.nii.gz"}]}"#)
        try writeText(t.sub("x.nii.gz"), "outside"); try writeText(t.sub("p1/m.nii.gz"), "m")
        let p = FeatureExtractionProcessor(settings: ExtractionSettings.presets["ibsi-digital-phantom"]!)
        #expect(throws: (any Error).self) { try p.process(studyDir: t.sub("p1"), outputDir: t.sub("out")) }
        #expect(throws: (any Error).self) { try AssessmentProcessor().process(studyDir: t.sub("p1"), outputDir: t.sub("out")) }
    }
}

@Suite struct JournalTests {
    func entry(_ e: StudyState, _ fp: String) -> JournalEntry {
        JournalEntry(event: e, fingerprint: fp, study: "s", source: "/x", time: "t")
    }

    @Test func tornLastLineIsIgnoredAndCutOff() throws {
        let t = TempDir()
        let j = try Journal(directory: t.path)
        try j.append(entry(.seen, "A")); try j.append(entry(.running, "A")); try j.append(entry(.done, "A"))
        try j.append(entry(.seen, "B")); try j.append(entry(.running, "B"))
        appendText(j.path, #"{"event":"done","fingerprint":"B","sou"#)     // power cut mid-write
        let j2 = try Journal(directory: t.path)
        #expect(j2.ignoredLines == 1)
        #expect(j2.record("A")?.last.event == .done)
        #expect(j2.record("B")?.last.event == .running)
        #expect(!Journal.needsWork(j2.record("A"), maxAttempts: 3))
        #expect(Journal.needsWork(j2.record("B"), maxAttempts: 3))
        try j2.append(entry(.done, "B"))                                  // lands on a fresh line
        let j3 = try Journal(directory: t.path)
        #expect(j3.ignoredLines == 0 && j3.record("B")?.last.event == .done)
        #expect(j3.counts.done == 2)
    }

    /// The index keeps only where each study's last line is: what `record` gives back must be that line exactly,
    /// in the same journal object and after a reopen; listings lead to their fingerprint; attempts and order count.
    @Test func recordsAreReadBackExactlyFromTheFile() throws {
        let t = TempDir()
        let j = try Journal(directory: t.path)
        var last: [String: JournalEntry] = [:]
        for i in 0..<300 {
            let fp = String(repeating: "0", count: 12) + String(format4(i))          // 16 hex digits
            let listing = "listing-\(i)"                                           // not hex: hashed key
            for ev in [StudyState.seen, .running] { try j.append(JournalEntry(event: ev, fingerprint: fp, study: "s\(i)", source: "/m/\(i)", time: "t")) }
            let done = JournalEntry(event: i % 7 == 0 ? .failed : .done, fingerprint: fp, study: "s\(i)", source: "/m/\(i)", time: "t\(i)",
                                    category: "green", reason: "r\(i)", result: "/out/\(i)", transient: i % 7 == 0 ? true : nil,
                                    listing: listing)
            try j.append(done); last[fp] = done
        }
        try j.append(JournalEntry(event: .running, fingerprint: "0000000000000005", study: "s5", source: "/m/5", time: "u"))
        last["0000000000000005"] = JournalEntry(event: .running, fingerprint: "0000000000000005", study: "s5", source: "/m/5", time: "u")
        for journal in [j, try Journal(directory: t.path)] {
            #expect(journal.latestOrder == 900)
            for (fp, e) in last { #expect(journal.record(fp)?.last == e) }
            #expect(journal.record("0000000000000005")?.attempts == 2)
            #expect(journal.record("0000000000000005")?.order == 900)
            #expect(journal.record("0000000000000006")?.order == 20)
            #expect(journal.record(forListing: "listing-42")?.last.fingerprint == "000000000000002a")
            #expect(journal.record("000000000000ffff") == nil)
            #expect(journal.counts.done == 256 && journal.counts.failed == 43)
        }
    }

    func format4(_ i: Int) -> String { let h = String(i, radix: 16); return String(repeating: "0", count: 4 - h.count) + h }

    @Test func failedIsFinalUnlessTransientWithAttemptsLeft() {
        var r = JournalRecord(last: entry(.failed, "A"), attempts: 1)
        #expect(!Journal.needsWork(r, maxAttempts: 3))
        r.last.transient = true
        #expect(Journal.needsWork(r, maxAttempts: 3))
        r.attempts = 3
        #expect(!Journal.needsWork(r, maxAttempts: 3))
        #expect(Journal.needsWork(nil, maxAttempts: 3))
    }
}

@Suite struct StatusFileTests {
    /// A reader hammers the file while the writer loops: every read must be a complete, parseable status.
    @Test func statusIsParseableAtEveryMoment() throws {
        let t = TempDir()
        let path = t.sub("run/status.json")
        let w = StatusWriter(path: path, softwareVersion: "test")
        w.update { $0.state = .idle }
        final class Tally: @unchecked Sendable { var reads = 0, bad = 0, stop = false; let lock = Lock() }
        let tally = Tally()
        let reader = startThread {
            while !tally.lock.locked({ tally.stop }) {
                let ok: Bool
                if let b = try? FileIO.readBytes(path), let s = try? JSONDecoder().decode(ApplianceStatus.self, from: Data(b)) {
                    ok = s.researchUseOnly == Appliance.researchUseOnly
                } else { ok = false }
                tally.lock.locked { tally.reads += 1; if !ok { tally.bad += 1 } }
            }
        }
        for i in 0..<400 {
            w.update {
                $0.state = i % 2 == 0 ? .busy : .result
                $0.currentStudy = String(repeating: "x", count: i % 97)     // sizes vary
                $0.counts.done = i
            }
        }
        tally.lock.locked { tally.stop = true }
        if let r = reader { pthread_join(r, nil) }
        #expect(tally.reads > 0)
        #expect(tally.bad == 0)
        let final = try JSONDecoder().decode(ApplianceStatus.self, from: Data(FileIO.readBytes(path)))
        #expect(final.counts.done == 399 && final.softwareVersion == "test")
        #expect(try FS.list(t.sub("run")).count == 1)                         // no temp files left
    }

    @Test func timestampsAreISO8601UTC() {
        #expect(Clock.iso(seconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Clock.iso(seconds: 1_700_000_000, millis: 5) == "2023-11-14T22:13:20.005Z")
    }
}

@Suite struct InotifyTests {
    /// A file created in a watched folder is queued by the kernel at once: `wait(0)` sees it, and the queue drains.
    @Test func createdFileWakesTheLoop() throws {
        let t = TempDir()
        let i = try #require(Inotify())
        i.watch(t.path)
        #expect(!i.wait(millis: 0))
        try writeText(t.sub("venous.nii.gz"), "x")
        #expect(i.wait(millis: 0))
        #expect(!i.wait(millis: 0))                                       // drained
        try FS.makeDirectories(t.sub("sub"))
        i.watch(t.sub("sub"))
        #expect(i.wait(millis: 0))                                        // the mkdir itself
        try writeText(t.sub("sub/study.json"), "{}")
        #expect(i.wait(millis: 0))
    }
}
