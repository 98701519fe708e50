import ArgumentParser

struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cohort", abstract: "(not yet available)")
    func run() throws { throw ValidationError("'cohort' is not available in this build yet") }
}
