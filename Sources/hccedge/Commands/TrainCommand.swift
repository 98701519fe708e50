import ArgumentParser

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'train' is not available in this build yet") }
}
