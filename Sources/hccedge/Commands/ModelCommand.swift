import ArgumentParser
import Clinical
import Imaging
import Radiomics

/// `hccedge model`: verify a frozen model file, or apply it to a wide feature CSV.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Verify or apply a frozen model file. Research use only.",
        subcommands: [Verify.self, Apply.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a model file's SHA-256 and fields (and, with --settings, that its extraction settings match).")
        @Argument(help: "Model JSON file.") var file: String
        @Option(help: "Settings the box computes with (preset name or JSON file); the model must match them.") var settings: String?

        func run() throws {
            try CLIFailure.guarding {
                let m = try FrozenModel.load(path: file)
                if let s = settings { try m.check(settings: try ExtractionSettings.presets[s] ?? SettingsFile.load(s)) }
                print("\(file): OK — \(m.id) \(m.version)\(m.synthetic ? " (SYNTHETIC)" : ""), sha256 \(m.sha256 ?? "")")
                print("task: \(m.task)")
                print("inputs: \(m.requiredInputs.count) (\(m.requiredInputs.joined(separator: ", ")))")
                print("settings: \(m.settings.name)\(settings != nil ? " (matches)" : "")")
                print("thresholds: green < \(m.thresholds.amber) ≤ amber < \(m.thresholds.red) ≤ red")
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a model to every row of a wide feature CSV (fixed-point inference); with --outcome, report the AUC.")
        @Argument(help: "Model JSON file.") var file: String
        @Argument(help: "Wide feature CSV.") var csv: String
        @Option(help: "Study id column (default: first column).") var idColumn: String?
        @Option(help: "Outcome column (0/1) for AUC with a bootstrap 95% CI.") var outcome: String?
        @Option(help: "Bootstrap replicates.") var bootstrap = 1000
        @Option(help: "Bootstrap seed.") var seed: UInt64 = 20_260_101

        func run() throws {
            try CLIFailure.guarding {
                let m = try FrozenModel.load(path: file)
                let t = try WideTable.read(csv)
                let idc = try idColumn.map { try t.column($0) } ?? 0
                let cols = try m.requiredInputs.map { ($0, t.numbers(try t.column($0))) }
                print("study,probability,light\(m.synthetic ? ",synthetic" : "")")
                var ps: [Double] = []
                for (i, row) in t.rows.enumerated() {
                    var v: [String: Double] = [:]
                    for (n, c) in cols {
                        guard let x = c[i] else { throw IngestError(csv, "row \(i + 2): '\(n)' is empty or not a number") }
                        v[n] = x
                    }
                    let p = try m.predict(v)
                    for w in p.warnings { printError("\(row[idc]): \(w)") }
                    ps.append(p.probability)
                    print("\(FeatureCSV.field(row[idc])),\(p.probability),\(p.light.rawValue)\(m.synthetic ? ",synthetic" : "")")
                }
                if let o = outcome {
                    let y = try t.outcome(o)
                    if let a = BinaryMetrics.auc(ps, y) {
                        let ci = BinaryMetrics.bootstrapAUC(ps, y, replicates: bootstrap, seed: seed)
                        printError("AUC \(a)" + (ci.map { " (95% CI \($0.lower) – \($0.upper))" } ?? ""))
                    }
                }
            }
        }
    }
}
