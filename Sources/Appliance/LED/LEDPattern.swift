/// LED roles; `busy` is the optional fourth (heartbeat/activity) LED.
public enum LEDRole: String, Codable, Sendable, CaseIterable { case green, amber, red, busy }

/// A study's result category (traffic light).
public enum ResultCategory: String, Codable, Sendable, CaseIterable { case green, amber, red }

/// What the LEDs show. Levels are a pure function of the time since the pattern started, so patterns are
/// tested without a clock.
public enum LEDPattern: Equatable, Sendable, CustomStringConvertible {
    /// Everything off (stopped).
    case off
    /// All LEDs on (self-test running — also a lamp test).
    case selfTest
    /// Heartbeat: a double flash every 2 s on the busy LED, or on green when there is no busy LED.
    case idle
    /// Working on a study: 1 Hz blink of the busy LED, or of amber when there is no busy LED.
    case busy
    /// The result colour, solid, until the next study or the result timeout.
    case result(ResultCategory)
    /// Fault (self-test failed, study failed, disk full…): red blinking fast (5 Hz).
    case error

    public var description: String {
        switch self {
        case .off: return "off"
        case .selfTest: return "self-test: all LEDs on"
        case .idle: return "idle: heartbeat"
        case .busy: return "busy: blink"
        case .result(let c): return "result: \(c.rawValue) solid"
        case .error: return "error: red fast blink"
        }
    }

    /// Whether `role` is lit `millis` after the pattern started, given the wired roles.
    public func isOn(_ role: LEDRole, atMillis t: Int64, wired: Set<LEDRole>) -> Bool {
        let hasBusy = wired.contains(.busy)
        switch self {
        case .off: return false
        case .selfTest: return true
        case .idle:
            guard role == (hasBusy ? .busy : .green) else { return false }
            let p = t % 2000
            return p < 100 || (p >= 250 && p < 350)
        case .busy:
            guard role == (hasBusy ? .busy : .amber) else { return false }
            return t % 1000 < 500
        case .result(let c):
            return role.rawValue == c.rawValue
        case .error:
            return role == .red && t % 200 < 100
        }
    }
}
