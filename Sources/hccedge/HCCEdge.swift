import ArgumentParser

/// The `hccedge` command. Research use only — not for diagnosis or treatment decisions.
@main
struct HCCEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hccedge",
        abstract: "Radiomics appliance for liver (HCC) studies. RESEARCH USE ONLY — not for diagnosis or treatment decisions.",
        version: Version.string,
        subcommands: [
            InspectCommand.self, ExtractCommand.self, AssessCommand.self, ScoresCommand.self,
            CohortCommand.self, TrainCommand.self, ModelCommand.self,
            ServeCommand.self, SelftestCommand.self, LEDCommand.self, DemoCommand.self,
        ])
}

enum Version {
    static let string = "0.1.0"
}
