import ArgumentParser

struct ScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scores", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'scores' is not available in this build yet") }
}
