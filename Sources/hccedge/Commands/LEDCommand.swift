import ArgumentParser

struct LEDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "led", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'led' is not available in this build yet") }
}
