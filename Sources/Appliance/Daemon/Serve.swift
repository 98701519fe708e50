#if canImport(Glibc)
import Glibc
#endif
import Clinical
import Radiomics

/// SIGTERM / SIGINT / SIGHUP as a polled flag: the signals are blocked in every thread (call `init` before any
/// thread starts) and collected with `sigtimedwait`, so no handler and no global state are needed.
public final class StopSignal: @unchecked Sendable {
    private var set = sigset_t()
    private var requested = false
    private let lock = Lock()
    public init() {
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }
    /// True once a stop signal arrived.
    public func isRequested() -> Bool {
        lock.locked {
            if requested { return true }
            var zero = timespec()
            var info = siginfo_t()
            if sigtimedwait(&set, &info, &zero) > 0 { requested = true }
            return requested
        }
    }
}

extension Appliance {
    /// The LED sink the config asks for: libgpiod when a chip is configured and present, otherwise a sink that logs
    /// the patterns (the reason — e.g. "no GPIO chip (/dev/gpiochip* absent), LEDs off" — goes to the log and status).
    public static func makeLEDSink(_ config: ApplianceConfig, log: ApplianceLog) -> LEDSink {
        guard let l = config.leds else {
            log.info("no LEDs configured (leds missing in the config), LEDs off")
            return LogLEDSink(log: log, reason: "no LEDs configured, LEDs off")
        }
        do {
            let s = try GPIODLEDSink(l)
            log.info("LEDs on \(s.summary)")
            return s
        } catch {
            log.warning("\(error)")
            let roles = Set(l.lines.keys.compactMap(LEDRole.init(rawValue:)))
            return LogLEDSink(log: log, reason: "\(error)", wired: roles.isEmpty ? [.green, .amber, .red] : roles)
        }
    }

    /// The processor the config names: `assess` (with the configured frozen model when it is a sealed `sha256:` one)
    /// or `features` (the preset's IBSI features only).
    public static func defaultProcessor(_ config: ApplianceConfig, log: ApplianceLog) -> StudyProcessor {
        if config.processor == "features" {
            return FeatureExtractionProcessor(settings: ExtractionSettings.presets[config.preset] ?? ExtractionSettings.presets["ibsi-ct-c"]!,
                                              label: config.label, marginMM: config.marginMM)
        }
        var model: FrozenModel? = nil
        if let m = config.model, m.hash.lowercased().hasPrefix("sha256:") {
            do { model = try FrozenModel.load(path: m.path) } catch { log.error("model not loaded: \(error)") }
        }
        return AssessmentProcessor(options: AssessmentOptions(label: config.label, model: model))
    }

    /// `hccedge serve`: runs the appliance until SIGTERM/SIGINT. Returns the exit status.
    /// `processor` nil = `FeatureExtractionProcessor` with the config's preset (the lead plugs `assess` in here).
    public static func serve(config: ApplianceConfig, processor: StudyProcessor? = nil, softwareVersion: String,
                             modelVerifier: ModelVerifier = StandardModelVerifier()) -> Int32 {
        let stop = StopSignal()                     // before any thread exists
        let log = ApplianceLog()
        let notifier = SystemdNotifier()
        let sink = makeLEDSink(config, log: log)
        let watchdog = Watchdog(stallMillis: max(60_000, Int64(config.rescanSeconds * 3000)),
                                maxStudyMillis: Int64(config.maxStudySeconds * 1000))
        let driver = LEDDriver(sink: sink, resultTimeoutMillis: Int64(config.resultTimeoutSeconds * 1000),
                               onTick: { watchdog.ping($0, notifier: notifier) })
        let status = StatusWriter(path: config.statusFile, softwareVersion: softwareVersion, log: log)
        status.update { $0.leds = sink.summary; $0.modelID = config.model?.id }
        driver.start()
        let proc = processor ?? defaultProcessor(config, log: log)
        log.info("hccedge \(softwareVersion) starting — \(researchUseOnly)")
        let daemon = Daemon(config: config, processor: proc, status: status, leds: driver, log: log,
                            softwareVersion: softwareVersion, watchdog: watchdog)
        var ok = daemon.startUp(modelVerifier: modelVerifier)
        notifier.notify("READY=1\nSTATUS=\(status.current.message ?? status.current.state.rawValue)")
        if !ok {
            log.error("not processing studies: \(status.current.message ?? "self-test failed") — retrying the self-test every minute")
        }
        var lastTry = Clock.monotonicMillis()
        while !ok && !stop.isRequested() {            // a folder fault may clear; a feature mismatch will not
            watchdog.beat(Clock.monotonicMillis())
            Clock.sleep(millis: 500)
            if Clock.monotonicMillis() - lastTry >= 60_000 {
                lastTry = Clock.monotonicMillis()
                ok = daemon.startUp(modelVerifier: modelVerifier, retry: true)
            }
        }
        if ok && !stop.isRequested() { daemon.run(shouldStop: stop.isRequested) }
        notifier.notify("STOPPING=1")
        log.info("stopping")
        status.update { $0.message = "stopped" }
        driver.stop()
        return 0
    }
}
