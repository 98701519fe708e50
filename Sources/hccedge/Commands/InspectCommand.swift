import ArgumentParser

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "(not yet available)")
    @Argument var files: [String]
    func run() throws { throw ValidationError("not yet") }
}
