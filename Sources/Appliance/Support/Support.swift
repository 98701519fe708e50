#if canImport(Glibc)
import Glibc
#endif

/// Appliance layer: study watcher, exactly-once journal, status file, GPIO LEDs, self-test, systemd glue.
/// Research use only — not for diagnosis or treatment decisions.
public enum Appliance {
    /// The note every appliance output carries.
    public static let researchUseOnly = "Research use only — not for diagnosis or treatment decisions."
}

/// An appliance failure with a one-line reason.
public struct ApplianceError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A pthread mutex (no Foundation, no `Synchronization`: works with Swift 6.0 and 6.3).
public final class Lock: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>
    public init() {
        m = .allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
    }
    deinit { pthread_mutex_destroy(m); m.deallocate() }
    /// Runs `body` holding the lock.
    @discardableResult
    public func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}

/// Clocks: monotonic milliseconds for timing, wall-clock ISO-8601 UTC for humans.
public enum Clock {
    /// Milliseconds of `CLOCK_MONOTONIC` (never jumps; use for intervals).
    public static func monotonicMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Current UTC time as `2026-11-27T08:22:03.123Z` (from `clock_gettime(CLOCK_REALTIME)`).
    public static func isoNow() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return iso(seconds: Int(ts.tv_sec), millis: Int(ts.tv_nsec / 1_000_000))
    }

    /// ISO-8601 UTC text of a Unix time.
    public static func iso(seconds: Int, millis: Int = 0) -> String {
        var t = time_t(seconds)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(tmv.tm_year + 1900, 4))-\(pad(tmv.tm_mon + 1, 2))-\(pad(tmv.tm_mday, 2))T"
            + "\(pad(tmv.tm_hour, 2)):\(pad(tmv.tm_min, 2)):\(pad(tmv.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    /// Sleeps `millis` milliseconds (nanosleep, restarted on EINTR).
    public static func sleep(millis: Int64) {
        var req = timespec(tv_sec: Int(millis / 1000), tv_nsec: Int((millis % 1000) * 1_000_000))
        var rem = timespec()
        while nanosleep(&req, &rem) != 0 && errno == EINTR { req = rem }
    }
}

/// The daemon's log: one line per event on standard error (journald adds the time); tests can capture lines.
public final class ApplianceLog: @unchecked Sendable {
    public enum Level: String, Sendable { case info, warning, error }
    private let lock = Lock()
    private var captured: [String] = []
    private let echo: Bool
    private let keep: Bool

    /// `echo`: write to stderr; `keep`: remember lines for `lines` (tests).
    public init(echo: Bool = true, keep: Bool = false) { self.echo = echo; self.keep = keep }

    public func log(_ level: Level, _ message: String) {
        let line = level == .info ? "hccedge: \(message)" : "hccedge: \(level.rawValue): \(message)"
        lock.locked {
            if keep { captured.append(line) }
            if echo {
                var l = line + "\n"
                l.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
            }
        }
    }
    public func info(_ m: String) { log(.info, m) }
    public func warning(_ m: String) { log(.warning, m) }
    public func error(_ m: String) { log(.error, m) }
    /// Lines logged so far (only with `keep`).
    public var lines: [String] { lock.locked { captured } }
}

/// Starts a detached-free pthread running `body`; returns its id for `pthread_join`.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
    let arg = Unmanaged.passRetained(Box(body)).toOpaque()
    var tid = pthread_t()
    let rc = pthread_create(&tid, nil, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        box.body()
        return nil
    }, arg)
    if rc != 0 { Unmanaged<Box>.fromOpaque(arg).release(); return nil }
    return tid
}
