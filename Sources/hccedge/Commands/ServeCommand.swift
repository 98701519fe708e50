import ArgumentParser

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'serve' is not available in this build yet") }
}
