import CGPIOD
#if canImport(Glibc)
import Glibc
#endif
import Imaging

/// LEDs on GPIO lines through libgpiod v1 (Debian bookworm 1.6.3): the chip is opened by name, label, path or
/// number (`gpiod_chip_open_lookup`), each line requested as an output that starts dark. Active-low lines
/// (LED wired to 3.3 V, pin sinks current) are inverted here.
public final class GPIODLEDSink: LEDSink, @unchecked Sendable {
    private var chip: OpaquePointer?
    private var lines: [(role: LEDRole, line: OpaquePointer, activeLow: Bool)] = []
    public let wired: Set<LEDRole>
    public let summary: String

    /// Opens the chip and requests the lines; throws a one-line reason ("no GPIO chip …, LEDs off").
    public init(_ cfg: ApplianceConfig.LEDs) throws {
        if FS.expand("/dev/gpiochip*").isEmpty && !cfg.chip.hasPrefix("/") {
            throw ApplianceError("no GPIO chip (/dev/gpiochip* absent), LEDs off")
        }
        guard let c = gpiod_chip_open_lookup(cfg.chip) else {
            throw ApplianceError("no GPIO chip '\(cfg.chip)' (\(FileIO.errnoText())), LEDs off")
        }
        chip = c
        var got: [(LEDRole, OpaquePointer, Bool)] = []
        var ok = false
        defer { if !ok { for g in got { gpiod_line_release(g.1) }; gpiod_chip_close(c) } }
        let n = Int(gpiod_chip_num_lines(c))
        for role in LEDRole.allCases {
            guard let l = cfg.lines[role.rawValue] else { continue }
            guard l.offset >= 0, l.offset < n, let line = gpiod_chip_get_line(c, UInt32(l.offset)) else {
                throw ApplianceError("GPIO chip '\(cfg.chip)' has no line \(l.offset) for \(role.rawValue) (it has \(n)), LEDs off")
            }
            if gpiod_line_request_output(line, cfg.consumer, l.activeLow ? 1 : 0) != 0 {
                throw ApplianceError("GPIO line \(l.offset) (\(role.rawValue)) on '\(cfg.chip)' cannot be requested: \(FileIO.errnoText()), LEDs off")
            }
            got.append((role, line, l.activeLow))
        }
        if got.isEmpty { throw ApplianceError("leds.lines is empty, LEDs off") }
        ok = true
        lines = got.map { (role: $0.0, line: $0.1, activeLow: $0.2) }
        wired = Set(got.map { $0.0 })
        let name = gpiod_chip_name(c).map { String(cString: $0) } ?? cfg.chip
        summary = name + ": " + got.map { "\($0.0.rawValue)=\(cfg.lines[$0.0.rawValue]!.offset)\($0.2 ? " (active-low)" : "")" }
            .joined(separator: " ")
    }

    public func set(_ role: LEDRole, on: Bool) {
        for l in lines where l.role == role { _ = gpiod_line_set_value(l.line, on != l.activeLow ? 1 : 0) }
    }

    public func close() {
        for l in lines { _ = gpiod_line_set_value(l.line, l.activeLow ? 1 : 0); gpiod_line_release(l.line) }
        lines = []
        if let c = chip { gpiod_chip_close(c) }
        chip = nil
    }

    deinit { close() }
}
