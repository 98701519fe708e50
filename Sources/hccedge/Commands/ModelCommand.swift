import ArgumentParser

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "model", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'model' is not available in this build yet") }
}
