import ArgumentParser
import Appliance

/// `hccedge selftest`: the IBSI digital phantom bit for bit, the model hash, the folders.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Run the built-in self-test (IBSI digital phantom, model hash, folders); exit 1 on failure.")

    @Option(help: "Configuration file: also checks the model and the folders it names.") var config: String?
    @Flag(help: "Print the phantom's feature-vector fingerprint (to record in SelfTest.swift after a verified run).")
    var printFingerprint = false
    @Option(help: "Print the fnv1a64 hash of a file (the value for the config's model.hash) and exit.") var hashFile: String?

    func run() throws {
        if let f = hashFile {
            print(try CLIFailure.guarding { try Fingerprint.file(f) })
            return
        }
        let cfg = try config.map { p in try CLIFailure.guarding { try ApplianceConfig.load(p) } }
        let r = SelfTest.run(config: cfg)
        if printFingerprint {
            print(r.featureFingerprint)
            printError("paste into Sources/Appliance/SelfTest/SelfTest.swift: "
                       + "public static let expectedFeatureFingerprint = \"\(r.featureFingerprint)\"")
            for c in r.checks where c.name == "IBSI digital phantom" { printError("\(c.ok ? "ok" : "FAILED"): \(c.name): \(c.detail)") }
            return
        }
        for c in r.checks { print("\(c.ok ? "ok    " : "FAILED") \(c.name): \(c.detail)") }
        print(r.passed ? "self-test passed" : "self-test FAILED")
        if !r.passed { throw ExitCode(1) }
    }
}
