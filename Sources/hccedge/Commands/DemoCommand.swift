import ArgumentParser
import Clinical
import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// `hccedge demo`: writes the built-in synthetic sample study and assesses it end to end.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Assess the built-in synthetic sample study and print where the report is. Research use only.")

    @Option(help: "Folder for the sample study and its results.") var dir: String = "hccedge-demo"

    func run() throws {
        try CLIFailure.guarding {
            try FileIO.makeDirectories(dir)
            let study = try SampleStudy.write(to: dir + "/sample-study")
            print("sample study (SYNTHETIC, no patient data): \(study)/")
            let out = dir + "/result"
            let r = try AssessRunner.assess(study, options: AssessmentOptions(), output: out)
            print("")
            print(try FileIO.readText(out + "/report.txt"))
            print("answer: \(r.category.rawValue.uppercased()) — LEDs would show \(r.category.rawValue)")
            print("report: \(out)/report.txt   picture: \(out)/overlay.jpg   data: \(out)/result.json, \(out)/features.csv")
        }
    }
}
