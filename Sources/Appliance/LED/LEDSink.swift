/// Where LED levels go: GPIO lines, a log, or a recording (tests). Called from the LED timer thread only.
public protocol LEDSink: AnyObject, Sendable {
    /// The roles this sink drives.
    var wired: Set<LEDRole> { get }
    /// One-line description for the log and the status file.
    var summary: String { get }
    func set(_ role: LEDRole, on: Bool)
    /// A new pattern starts (sinks that cannot light anything log it).
    func patternChanged(_ p: LEDPattern)
    /// Turns everything off and releases the hardware.
    func close()
}

extension LEDSink {
    public func patternChanged(_ p: LEDPattern) {}
    public func close() {}
}

/// Records every change (tests): (milliseconds since the driver's clock origin, role, on).
public final class RecordingLEDSink: LEDSink, @unchecked Sendable {
    public struct Event: Equatable, Sendable { public var millis: Int64; public var role: LEDRole; public var on: Bool }
    public let wired: Set<LEDRole>
    private let lock = Lock()
    private var ev: [Event] = []
    private var pats: [LEDPattern] = []
    /// Set by the driver before each `set` (tests read times from it).
    var now: Int64 = 0
    public init(wired: Set<LEDRole> = [.green, .amber, .red]) { self.wired = wired }
    public var summary: String { "recording" }
    public func set(_ role: LEDRole, on: Bool) { lock.locked { ev.append(Event(millis: now, role: role, on: on)) } }
    public func patternChanged(_ p: LEDPattern) { lock.locked { pats.append(p) } }
    public var events: [Event] { lock.locked { ev } }
    public var patterns: [LEDPattern] { lock.locked { pats } }
}

/// No GPIO: logs each pattern it would drive (`LEDs would show: result: green solid`).
public final class LogLEDSink: LEDSink, @unchecked Sendable {
    public let wired: Set<LEDRole>
    public let summary: String
    private let log: ApplianceLog
    public init(log: ApplianceLog, reason: String, wired: Set<LEDRole> = [.green, .amber, .red]) {
        self.log = log; self.summary = reason; self.wired = wired
    }
    public func set(_ role: LEDRole, on: Bool) {}
    public func patternChanged(_ p: LEDPattern) { log.info("LEDs would show: \(p)") }
}
