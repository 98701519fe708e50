import ArgumentParser

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assess", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'assess' is not available in this build yet") }
}
