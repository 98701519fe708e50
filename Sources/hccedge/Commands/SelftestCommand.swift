import ArgumentParser

struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "selftest", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'selftest' is not available in this build yet") }
}
