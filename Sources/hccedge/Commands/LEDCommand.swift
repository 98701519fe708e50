import ArgumentParser
import Appliance

/// `hccedge led test`: lights every configured LED in turn (installer check).
struct LEDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "led", abstract: "LED tools for installers.", subcommands: [LEDTestCommand.self])
}

struct LEDTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Light each configured LED in turn, then all together (stop the hccedge service first: it holds the lines).")

    @Option(help: "Configuration file with the leds section.") var config: String = "/etc/hccedge/hccedge.conf"
    @Option(help: "Seconds each LED stays on.") var seconds: Double = 1
    @Option(help: "Rounds through all LEDs.") var rounds: Int = 1

    func validate() throws {
        if !(seconds > 0 && seconds <= 60) { throw ValidationError("--seconds must be in (0, 60]") }
        if !(rounds >= 1 && rounds <= 100) { throw ValidationError("--rounds must be 1…100") }
    }

    func run() throws {
        let cfg = try CLIFailure.guarding { try ApplianceConfig.load(config) }
        guard let leds = cfg.leds else { printError("hccedge: error: \(config): no leds section"); throw ExitCode(1) }
        let sink = try CLIFailure.guarding { try GPIODLEDSink(leds) }
        print("LEDs on \(sink.summary)")
        let ms = Int64(seconds * 1000)
        for _ in 0..<rounds {
            for role in LEDRole.allCases where sink.wired.contains(role) {
                print("\(role.rawValue) on")
                sink.set(role, on: true); Clock.sleep(millis: ms); sink.set(role, on: false)
            }
            print("all on")
            for role in sink.wired { sink.set(role, on: true) }
            Clock.sleep(millis: ms)
            for role in sink.wired { sink.set(role, on: false) }
        }
        sink.close()
        print("done")
    }
}
