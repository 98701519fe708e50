#if canImport(Glibc)
import Glibc
#endif

/// Drives an `LEDSink` from one small timer thread (50 ms tick, `nanosleep`). `show` only swaps the pattern under a
/// lock, so feature work never waits for an LED. A result pattern falls back to idle after `resultTimeoutMillis`
/// (0 = stays until the next `show`).
public final class LEDDriver: @unchecked Sendable {
    public let sink: LEDSink
    private let lock = Lock()
    private var pattern: LEDPattern = .off
    private var started: Int64 = 0
    private var levels: [LEDRole: Bool] = [:]
    private var fresh = true
    private var running = false
    private var thread: pthread_t?
    private let resultTimeoutMillis: Int64
    private let tickMillis: Int64
    private let clock: @Sendable () -> Int64
    /// Called on every tick from the timer thread (systemd watchdog ping).
    private let onTick: (@Sendable (Int64) -> Void)?

    public init(sink: LEDSink, resultTimeoutMillis: Int64, tickMillis: Int64 = 50,
                clock: @escaping @Sendable () -> Int64 = { Clock.monotonicMillis() },
                onTick: (@Sendable (Int64) -> Void)? = nil) {
        self.sink = sink; self.resultTimeoutMillis = resultTimeoutMillis; self.tickMillis = tickMillis
        self.clock = clock; self.onTick = onTick
    }

    /// The pattern shown now.
    public var current: LEDPattern { lock.locked { pattern } }

    /// Switches pattern (returns at once).
    public func show(_ p: LEDPattern) {
        let changed: Bool = lock.locked {
            if p == pattern { return false }
            pattern = p; started = clock()
            return true
        }
        if changed { sink.patternChanged(p) }
    }

    /// Applies the pattern's levels at time `now` (the timer thread calls this; tests call it directly).
    public func tick(now: Int64) {
        lock.locked {
            if case .result = pattern, resultTimeoutMillis > 0, now - started >= resultTimeoutMillis {
                pattern = .idle; started = now
                sink.patternChanged(.idle)
            }
            if let r = sink as? RecordingLEDSink { r.now = now }
            let t = max(0, now - started)
            for role in LEDRole.allCases where sink.wired.contains(role) {
                let on = pattern.isOn(role, atMillis: t, wired: sink.wired)
                if fresh || levels[role] != on { sink.set(role, on: on); levels[role] = on }
            }
            fresh = false
        }
    }

    /// Starts the timer thread.
    public func start() {
        let go: Bool = lock.locked { if running { return false }; running = true; return true }
        guard go else { return }
        thread = startThread { [self] in
            while lock.locked({ running }) {
                let now = clock()
                tick(now: now)
                onTick?(now)
                Clock.sleep(millis: tickMillis)
            }
        }
    }

    /// Stops the thread, turns every LED off and closes the sink.
    public func stop() {
        lock.locked { running = false; pattern = .off }
        if let t = thread { pthread_join(t, nil); thread = nil }
        tick(now: clock())
        sink.close()
    }
}
