import ArgumentParser
import Appliance

/// `hccedge serve`: the appliance daemon (systemd unit `hccedge.service`).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Watch USB sticks and shares for studies, process each exactly once, drive LEDs and the status file (research use only).")

    @Option(help: "Configuration file (JSON; keys in firmware-config/README.md).") var config: String = "/etc/hccedge/hccedge.conf"

    func run() throws {
        let cfg = try CLIFailure.guarding { try ApplianceConfig.load(config) }
        let rc = Appliance.serve(config: cfg, softwareVersion: Version.string)
        if rc != 0 { throw ExitCode(rc) }
    }
}
