#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Imaging

/// The serving loop: scan the watched folders, take each complete study exactly once, publish its result,
/// keep the status file and the LEDs current. Faults fail the study (or pause processing), never the daemon.
public final class Daemon: @unchecked Sendable {
    public let config: ApplianceConfig
    let processor: StudyProcessor
    let status: StatusWriter
    let leds: LEDDriver
    let log: ApplianceLog
    let version: String
    /// Can `path` take `bytes` more bytes? nil = yes, else the reason (injectable: tests simulate a read-only stick).
    let mediumProblem: @Sendable (String, Int64) -> String?
    public let watchdog: Watchdog
    private(set) var journal: Journal?
    private var inotify: Inotify?
    /// Per study folder: the listing (names, sizes, mtimes) and since when it has not changed.
    private var stability: [String: (files: [StudyFile], since: Int64)] = [:]
    /// Study folders whose current listing has been dealt with (done, failed for good, or a duplicate).
    private var settled: [String: [StudyFile]] = [:]
    /// Unreadable studies (no fingerprint possible): attempts per folder.
    private var unreadable: [String: Int] = [:]
    private var resultShownAt: Int64?
    /// Scan passes so far, and the pass and journal order of the outcome on display: within one pass an older
    /// finished study seen again never replaces a newer outcome (after a restart the scan meets every done study
    /// still on the medium); in a later pass (a stick re-inserted) it is shown again.
    private var pass = 0
    private var shown: (pass: Int, order: Int)?
    /// Failures the journal could not record (unreadable studies have no fingerprint).
    private var unjournaledFailures = 0

    public init(config: ApplianceConfig, processor: StudyProcessor, status: StatusWriter, leds: LEDDriver,
                log: ApplianceLog, softwareVersion: String, watchdog: Watchdog = Watchdog(),
                mediumProblem: @escaping @Sendable (String, Int64) -> String? = { FS.writeProblem($0, bytes: $1) }) {
        self.config = config; self.processor = processor; self.status = status; self.leds = leds; self.log = log
        self.version = softwareVersion; self.mediumProblem = mediumProblem; self.watchdog = watchdog
        if config.useInotify && config.watch.contains(where: { $0.kind != .share }) { inotify = Inotify() }
        openJournal()
        cleanOutput()
    }

    // MARK: start-up

    /// Self-test (when configured) and first status; returns false when the box must not process studies.
    /// `retry`: a quiet re-run after a failure (no self-test LED pattern, checks logged only when they now pass).
    public func startUp(modelVerifier: ModelVerifier = StandardModelVerifier(),
                        expectedFingerprint: String = SelfTest.expectedFeatureFingerprint, retry: Bool = false) -> Bool {
        if !retry { status.update { $0.state = .starting; $0.message = "starting" } }
        guard config.selfTestAtStart else { goIdle("self-test skipped (self_test_at_start = false)"); return true }
        if !retry {
            status.update { $0.state = .selfTest; $0.message = "self-test running" }
            leds.show(.selfTest)
        }
        let r = SelfTest.run(config: config, modelVerifier: modelVerifier, expectedFingerprint: expectedFingerprint)
        if !retry || r.passed {
            for c in r.checks { log.log(c.ok ? .info : .error, "self-test \(c.ok ? "ok" : "FAILED"): \(c.name): \(c.detail)") }
        }
        status.update { $0.modelID = r.modelID; $0.modelHash = r.modelHash }
        if let f = r.failure {
            status.update { $0.state = .error; $0.message = "self-test failed: \(f)" }
            leds.show(.error)
            return false
        }
        goIdle("self-test passed")
        return true
    }

    func goIdle(_ message: String) {
        let c = journal?.counts
        status.update {
            $0.state = .idle; $0.message = message; $0.currentStudy = nil
            if let c { $0.counts.done = c.done; $0.counts.failed = c.failed + unjournaledFailures }
        }
        leds.show(.idle)
    }

    // MARK: one scan

    /// Scans every watched folder once at time `now` (monotonic ms) and processes the studies that are complete.
    /// Returns how many studies were processed (run, not skipped). `shouldStop` is checked between studies.
    @discardableResult
    public func step(now: Int64, shouldStop: () -> Bool = { false }) -> Int {
        watchdog.beat(now)
        pass += 1
        if journal == nil { openJournal(); if journal == nil { return 0 } }
        if let t = resultShownAt, config.resultTimeoutSeconds > 0, now - t >= Int64(config.resultTimeoutSeconds * 1000) {
            resultShownAt = nil
            if status.current.state == .result { goIdle("idle") }
        }
        let quiet = Int64(config.quietSeconds * 1000)
        var ready: [(LocatedStudy, ApplianceConfig.Watch.Kind, String)] = []
        var present = Set<String>()
        for (root, kind) in roots() {
            if let i = inotify, kind != .share { watchTree(i, root, depth: 0) }
            for s in StudyLocator.studies(in: root, maxDepth: config.scanDepth, readyMarker: config.readyMarker) {
                present.insert(s.directory)
                if settled[s.directory] == s.files { continue }
                settled[s.directory] = nil
                if let st = stability[s.directory], st.files == s.files {
                    if s.hasReadyMarker || now - st.since >= quiet { ready.append((s, kind, root)) }
                } else {
                    stability[s.directory] = (s.files, now)
                    if s.hasReadyMarker || quiet == 0 { ready.append((s, kind, root)) }
                }
            }
        }
        for k in stability.keys where !present.contains(k) { stability[k] = nil }
        for k in settled.keys where !present.contains(k) { settled[k] = nil }
        var processed = 0
        for (n, (s, kind, root)) in ready.enumerated() {
            if shouldStop() { break }
            status.update { $0.counts.queued = ready.count - n - 1 }
            if take(s, kind: kind, root: root, now: now) { processed += 1 }
            watchdog.beat(Clock.monotonicMillis())
        }
        if !ready.isEmpty { status.update { $0.counts.queued = 0 } }
        return processed
    }

    /// Whether some study is waiting for its quiet period (the loop then wakes up sooner).
    public var hasPendingStudies: Bool { !stability.isEmpty && stability.keys.contains { settled[$0] == nil } }

    /// Watched roots: glob matches that are folders, with their kind.
    func roots() -> [(String, ApplianceConfig.Watch.Kind)] {
        var out: [(String, ApplianceConfig.Watch.Kind)] = []
        for w in config.watch {
            if let i = inotify, w.kind != .share, let parent = Daemon.staticParent(w.path), FS.isDirectory(parent) { i.watch(parent) }
            for p in FS.expand(w.path) where FS.isDirectory(p) { out.append((p, w.kind)) }
        }
        return out
    }

    /// `/media/hccedge/*` → `/media/hccedge` (nil when the path has no wildcard).
    static func staticParent(_ pattern: String) -> String? {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard let i = parts.firstIndex(where: { $0.contains(where: { "*?[".contains($0) }) }), i > 0 else { return nil }
        let p = parts[..<i].joined(separator: "/")
        return p.isEmpty ? "/" : p
    }

    func watchTree(_ i: Inotify, _ dir: String, depth: Int) {
        i.watch(dir)
        guard depth <= config.scanDepth, let names = try? FS.list(dir) else { return }
        for n in names where !n.hasPrefix(".") && !StudyLocator.skipped.contains(n) {
            let p = FS.join(dir, n)
            if FS.isDirectory(p) { watchTree(i, p, depth: depth + 1) }
        }
    }

    // MARK: one study

    /// Takes one complete study: fingerprint, journal, process, publish, copy back. True when it was processed.
    func take(_ s: LocatedStudy, kind: ApplianceConfig.Watch.Kind, root: String, now: Int64) -> Bool {
        guard let journal else { return false }
        let listing = Daemon.listingHash(s)
        // Known listing whose study needs no work (e.g. after a restart): no need to read its bytes again.
        if let r = journal.record(forListing: listing), !Journal.needsWork(r, maxAttempts: config.maxAttempts) {
            alreadyHandled(s, r, now: now)
            return false
        }
        let fp: String
        do { fp = try Fingerprint.study(s) } catch {
            let n = (unreadable[s.directory] ?? 0) + 1
            unreadable[s.directory] = n
            stability[s.directory] = nil
            log.warning("\(s.directory): cannot read study (attempt \(n) of \(config.maxAttempts)): \(error)")
            if n >= config.maxAttempts {
                settled[s.directory] = s.files; unreadable[s.directory] = nil
                unjournaledFailures += 1
                fail(s.name, reason: "cannot read study: \(error)")
            }
            return false
        }
        unreadable[s.directory] = nil
        // The listing must not have moved while we read it.
        guard let again = StudyLocator.study(at: s.directory, readyMarker: config.readyMarker), again.files == s.files else {
            stability[s.directory] = nil
            return false
        }
        let rec = journal.record(fp)
        if let r = rec, r.last.event == .running, r.attempts >= config.maxAttempts {
            settled[s.directory] = s.files
            let reason = "interrupted \(r.attempts) times while processing (crash or power cut) — not retried"
            record(JournalEntry(event: .failed, fingerprint: fp, study: s.name, source: s.directory, reason: reason))
            fail(s.name, reason: reason)
            return false
        }
        guard let rec0 = rec, !Journal.needsWork(rec0, maxAttempts: config.maxAttempts) else {
            return run(s, fp: fp, isNew: rec == nil, listing: listing, kind: kind, root: root)
        }
        alreadyHandled(s, rec0, now: now)
        return false
    }

    /// A study the journal already finished: settle it; a re-inserted done study shows its result again.
    func alreadyHandled(_ s: LocatedStudy, _ r: JournalRecord, now: Int64) {
        settled[s.directory] = s.files
        log.info("\(s.directory): already \(r.last.event.rawValue) (fingerprint \(r.last.fingerprint)) — not run again")
        if let sh = shown, sh.pass == pass, r.order <= sh.order { return }
        if r.last.event == .done, let c = r.last.category.flatMap(ResultCategory.init(rawValue:)) {
            shown = (pass, r.order)
            status.update { $0.state = .result; $0.lastStudy = r.last.study; $0.lastCategory = c.rawValue
                            $0.lastReason = r.last.reason; $0.lastResult = r.last.result }
            leds.show(.result(c)); resultShownAt = now
        }
    }

    /// Runs one study that needs work: journal, process, publish, copy back. True when the processor ran.
    func run(_ s: LocatedStudy, fp: String, isNew: Bool, listing: String, kind: ApplianceConfig.Watch.Kind, root: String) -> Bool {
        guard let journal else { return false }
        let outName = Daemon.safeName(s.name) + "-" + String(fp.prefix(8))
        let final = FS.join(config.outputDir, outName), partial = FS.join(config.outputDir, ".partial-" + outName)
        do {
            if isNew { try journal.append(JournalEntry(event: .seen, fingerprint: fp, study: s.name, source: s.directory)) }
            try journal.append(JournalEntry(event: .running, fingerprint: fp, study: s.name, source: s.directory))
        } catch {
            journalFault(error); return false
        }
        log.info("\(s.directory): processing study \(s.name) (fingerprint \(fp))")
        status.update { $0.state = .busy; $0.currentStudy = s.name; $0.message = "processing \(s.name)" }
        leds.show(.busy)
        watchdog.busy(since: Clock.monotonicMillis())
        defer { watchdog.busy(since: nil) }
        let started = Clock.isoNow()
        var outcome: StudyOutcome
        do {
            FS.removeTree(partial)
            try FS.makeDirectories(partial)
            outcome = try processor.process(studyDir: s.directory, outputDir: partial)
            let record = OutcomeRecord(study: s.name, source: s.directory, fingerprint: fp, category: outcome.category.rawValue,
                                       reason: outcome.reason, summary: outcome.summary, started: started,
                                       finished: Clock.isoNow(), softwareVersion: version)
            let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try FS.writeFile(Array(try enc.encode(record)) + [0x0A], to: FS.join(partial, "outcome.json"))
            try publish(partial, final)
        } catch {
            FS.removeTree(partial)
            let transient = transientCause(s)
            let reason = (transient.map { $0 + ": " } ?? "") + "\(error)"
            record(JournalEntry(event: .failed, fingerprint: fp, study: s.name, source: s.directory, reason: reason,
                                transient: transient != nil, listing: listing))
            if self.journal == nil || (transient != nil && Journal.needsWork(journal.record(fp), maxAttempts: config.maxAttempts)) {
                stability[s.directory] = nil   // retried after another quiet period (or once the journal is writable)
            } else {
                settled[s.directory] = s.files
            }
            fail(s.name, reason: reason)
            return true
        }
        record(JournalEntry(event: .done, fingerprint: fp, study: s.name, source: s.directory,
                            category: outcome.category.rawValue, reason: outcome.reason, result: final, listing: listing))
        // `done` not recorded (state disk full or read-only): the journal still says `running`, so the study is
        // redone (and republished in one rename) once the journal can be written again — not settled here.
        if self.journal == nil { stability[s.directory] = nil; return true }
        settled[s.directory] = s.files
        log.info("\(s.name): \(outcome.category.rawValue) — \(outcome.reason); \(outcome.summary); result in \(final)")
        if kind == .usb && config.copyBackToUSB { copyBack(final, to: root, name: outName) }
        let c = journal.counts
        status.update {
            $0.state = .result; $0.currentStudy = nil; $0.lastStudy = s.name; $0.lastCategory = outcome.category.rawValue
            $0.lastReason = outcome.reason; $0.lastResult = final; $0.message = outcome.summary
            $0.counts.done = c.done; $0.counts.failed = c.failed + unjournaledFailures
        }
        leds.show(.result(outcome.category))
        resultShownAt = Clock.monotonicMillis()
        shown = (pass, journal.latestOrder)
        return true
    }

    struct OutcomeRecord: Codable {
        var study, source, fingerprint, category, reason, summary, started, finished, softwareVersion: String
        var researchUseOnly = Appliance.researchUseOnly
        enum CodingKeys: String, CodingKey {
            case study, source, fingerprint, category, reason, summary, started, finished
            case softwareVersion = "software_version", researchUseOnly = "research_use_only"
        }
    }

    /// Makes the finished folder visible in one rename; an older result of the same study is replaced.
    func publish(_ partial: String, _ final: String) throws {
        FS.syncTree(partial)
        let slash = final.lastIndex(of: "/").map { final.index(after: $0) } ?? final.startIndex
        let old = String(final[..<slash]) + ".old-" + String(final[slash...]) + "-\(getpid())"
        if FS.exists(final) {
            FS.removeTree(old)
            if rename(final, old) != 0 { throw ApplianceError("\(final): cannot replace: \(FileIO.errnoText())") }
        }
        if rename(partial, final) != 0 { throw ApplianceError("\(final): cannot publish: \(FileIO.errnoText())") }
        FileIO.syncDirectory(of: final)
        FS.removeTree(old)
    }

    /// Why a failure is not the study's fault (stick pulled, files changed, output disk full), or nil.
    func transientCause(_ s: LocatedStudy) -> String? {
        guard let now = StudyLocator.study(at: s.directory, readyMarker: config.readyMarker) else { return "study folder vanished during reading" }
        if now.files != s.files { return "study changed during reading" }
        if let p = mediumProblem(config.outputDir, 0) { return "output folder: \(p)" }
        return nil
    }

    /// Copies a published result to `<stick>/hccedge-results/<name>/`; any problem is a warning.
    func copyBack(_ final: String, to root: String, name: String) {
        let size = dirSize(final)
        if let p = mediumProblem(root, size) {
            log.warning("\(root): results not copied back to the stick: \(p)")
            return
        }
        let dir = FS.join(root, "hccedge-results"), dest = FS.join(dir, name), tmp = FS.join(dir, ".partial-" + name)
        do {
            try FS.makeDirectories(dir)
            FS.removeTree(tmp)
            try FS.copyTree(final, tmp)
            FS.syncTree(tmp)
            FS.removeTree(dest)
            if rename(tmp, dest) != 0 { throw ApplianceError("\(dest): rename failed: \(FileIO.errnoText())") }
            FileIO.syncDirectory(of: dest)
            log.info("result copied back to \(dest)")
        } catch {
            FS.removeTree(tmp)
            log.warning("\(root): results not copied back to the stick: \(error)")
        }
    }

    func dirSize(_ p: String) -> Int64 {
        guard let i = FS.info(p) else { return 0 }
        if i.kind != .directory { return i.size }
        return ((try? FS.list(p)) ?? []).reduce(0) { $0 + dirSize(FS.join(p, $1)) }
    }

    func record(_ e: JournalEntry) {
        do { try journal?.append(e) } catch { journalFault(error) }
    }

    func fail(_ study: String, reason: String) {
        log.error("\(study): FAILED: \(reason)")
        let c = journal?.counts
        status.update {
            $0.state = .error; $0.currentStudy = nil; $0.lastStudy = study; $0.lastCategory = "failed"; $0.lastReason = reason
            $0.lastResult = nil; $0.message = "study failed: \(reason)"
            if let c { $0.counts.done = c.done; $0.counts.failed = c.failed + unjournaledFailures }
        }
        leds.show(.error)
        resultShownAt = nil
        shown = (pass, journal?.latestOrder ?? Int.max)
    }

    func journalFault(_ error: Error) {
        log.error("journal cannot be written (\(error)) — processing paused until the state folder is writable")
        journal = nil
        status.update { $0.state = .error; $0.message = "state folder: \(error)" }
        leds.show(.error)
    }

    func openJournal() {
        do {
            journal = try Journal(directory: config.stateDir)
            if let j = journal, j.ignoredLines > 0 { log.warning("\(j.path): \(j.ignoredLines) torn or unreadable line(s) ignored") }
        } catch {
            journal = nil
            if status.current.message != "state folder: \(error)" {
                log.error("journal unavailable: \(error)")
                status.update { $0.state = .error; $0.message = "state folder: \(error)" }
                leds.show(.error)
            }
        }
    }

    /// Removes half-written results left by a crash.
    func cleanOutput() {
        try? FS.makeDirectories(config.outputDir)
        for n in (try? FS.list(config.outputDir)) ?? [] where n.hasPrefix(".partial-") || n.hasPrefix(".old-") {
            FS.removeTree(FS.join(config.outputDir, n))
        }
    }

    /// FNV-1a over the folder path and every file's relative path, size and mtime.
    static func listingHash(_ s: LocatedStudy) -> String {
        var h = FNV1a64()
        h.addString(s.directory)
        for f in s.files {
            h.addString(f.relativePath); h.addWord(UInt64(bitPattern: f.size)); h.addWord(UInt64(bitPattern: f.mtimeNanos))
        }
        return h.hex
    }

    /// Folder-safe study name: letters, digits, `.`, `-`, `_` (others become `_`).
    static func safeName(_ s: String) -> String {
        let ok = s.unicodeScalars.map { c -> Character in
            (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "-" || c == "_")) ? Character(c) : "_"
        }
        let t = String(ok).trimmingPrefix(while: { $0 == "." })
        return t.isEmpty ? "study" : String(t.prefix(80))
    }

    // MARK: the loop

    /// Serves until `shouldStop` says so: scan, then sleep until an inotify event or the next rescan.
    public func run(shouldStop: () -> Bool) {
        let rescan = Int64(config.rescanSeconds * 1000)
        log.info("serving: \(config.watch.map { "\($0.path) (\($0.kind.rawValue))" }.joined(separator: ", ")); "
                 + "inotify \(inotify != nil ? "on" : "off"); rescan every \(config.rescanSeconds) s; quiet \(config.quietSeconds) s")
        while !shouldStop() {
            step(now: Clock.monotonicMillis(), shouldStop: shouldStop)
            let wait = hasPendingStudies ? min(rescan, 1000) : rescan
            var waited: Int64 = 0
            while waited < wait && !shouldStop() {
                let slice = min(500, wait - waited)
                if let i = inotify {
                    if i.wait(millis: slice) { Clock.sleep(millis: 200); break }   // let a burst of events settle
                } else {
                    Clock.sleep(millis: slice)
                }
                waited += slice
                watchdog.beat(Clock.monotonicMillis())
            }
        }
    }
}

/// systemd watchdog policy: the LED thread pings (`WATCHDOG=1`) only while the main loop is alive — it beat within
/// `stallMillis`, or it is inside one study for less than `maxStudyMillis`.
public final class Watchdog: @unchecked Sendable {
    private let lock = Lock()
    private var lastBeat = Clock.monotonicMillis()
    private var busySince: Int64?
    private var lastPing: Int64 = 0
    let stallMillis: Int64, maxStudyMillis: Int64
    public init(stallMillis: Int64 = 60_000, maxStudyMillis: Int64 = 1_800_000) {
        self.stallMillis = stallMillis; self.maxStudyMillis = maxStudyMillis
    }
    public func beat(_ now: Int64) { lock.locked { lastBeat = now } }
    public func busy(since: Int64?) { lock.locked { busySince = since } }
    /// Whether the daemon looks alive at `now`.
    public func healthy(_ now: Int64) -> Bool {
        lock.locked {
            if let b = busySince { return now - b < maxStudyMillis }
            return now - lastBeat < stallMillis
        }
    }
    /// Sends `WATCHDOG=1` when healthy and `interval` has passed since the last ping.
    public func ping(_ now: Int64, notifier: SystemdNotifier) {
        guard let iv = notifier.watchdogIntervalMillis, healthy(now) else { return }
        let due: Bool = lock.locked { if now - lastPing >= iv { lastPing = now; return true }; return false }
        if due { notifier.notify("WATCHDOG=1") }
    }
}
