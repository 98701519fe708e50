import ArgumentParser
import Clinical
import Imaging
import Radiomics

/// `hccedge train`: fits and freezes a LASSO logistic rad-score from a wide feature CSV (workstation use).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train and freeze a LASSO logistic rad-score from a wide feature CSV (workstation). Research use only.",
        discussion: """
            Reads one row per study: a study id column, feature columns and a 0/1 outcome column (1 = the event, e.g. \
            non-response). Standardises, fits LASSO logistic regression by coordinate descent with λ chosen by \
            stratified k-fold CV (seeded), reports AUC with a bootstrap 95% CI, sensitivity/specificity at the cut-offs \
            and calibration, and writes the frozen model (JSON, SHA-256 sealed) plus a model card (Markdown).
            """)

    @Argument(help: "Wide feature CSV (from `hccedge cohort` or `extract`).") var csv: String
    @Option(help: "Outcome column (0/1).") var outcome: String
    @Option(help: "Extraction settings the features were computed with: a preset name or a settings JSON file.") var settings: String
    @Option(help: "Model file to write.") var output = "model.json"
    @Option(help: "Model card to write (default: OUTPUT with .card.md).") var card: String?
    @Option(help: "Study id column (default: first column).") var idColumn: String?
    @Option(help: "Comma-separated feature columns (default: every other complete numeric column).") var features: String?
    @Option(help: "Comma-separated columns to leave out.") var exclude: String?
    @Option(help: "Keep only rows where COLUMN=VALUE (e.g. region=tumour in a cohort table); applies to --validation too.") var rows: String?
    @Option(help: "Comma-separated clinical covariates for a nomogram stage, e.g. afp_gt_400,bclc.") var clinical: String?
    @Option(help: "Held-out validation CSV (same columns); metrics use the fixed-point inference.") var validation: String?
    @Option(help: "Cross-validation folds.") var folds = 5
    @Option(help: "Seed of folds and bootstrap.") var seed: UInt64 = 20_260_101
    @Option(help: "λ rule: min or 1se.") var lambdaRule = "min"
    @Option(help: "Number of λ values on the path.") var lambdas = 100
    @Option(help: "Smallest λ as a fraction of λmax.") var lambdaRatio = 0.01
    @Option(help: "Bootstrap replicates for the AUC CI.") var bootstrap = 1000
    @Option(help: "Sensitivity the amber cut-off keeps.") var sensitivity = 0.90
    @Option(help: "Specificity the red cut-off keeps.") var specificity = 0.90
    @Option(help: "Fixed amber cut-off (probability).") var amberThreshold: Double?
    @Option(help: "Fixed red cut-off (probability).") var redThreshold: Double?
    @Option(help: "Model id.") var modelId = "site-radscore"
    @Option(help: "Model version.") var modelVersion = "1"
    @Option(help: "Task, e.g. 'pre-TACE: non-response (mRECIST) after first TACE'.") var task = "binary outcome (event = 1)"
    @Option(help: "Population (TRIPOD+AI).") var population = "not stated"
    @Option(help: "Outcome definition (TRIPOD+AI).") var outcomeDescription = "not stated"
    @Option(help: "Prediction horizon (TRIPOD+AI).") var horizon = "not stated"
    @Flag(help: "Mark the model as trained on synthetic data.") var synthetic = false

    func run() throws {
        guard let rule = TrainingOptions.LambdaRule(rawValue: lambdaRule) else { throw ValidationError("--lambda-rule must be min or 1se") }
        guard folds >= 2, lambdas >= 1, bootstrap >= 0, lambdaRatio > 0, lambdaRatio < 1 else {
            throw ValidationError("need --folds ≥ 2, --lambdas ≥ 1, --bootstrap ≥ 0, 0 < --lambda-ratio < 1")
        }
        let s = try ExtractionSettings.presets[settings] ?? SettingsFile.load(settings)
        func list(_ v: String?) -> [String] { v.map(WideTable.splitNames) ?? [] }
        var o = TrainingOptions(outcome: outcome, settings: s)
        o.idColumn = idColumn; o.features = features.map { _ in list(features) }; o.exclude = list(exclude)
        o.clinical = list(clinical); o.folds = folds; o.seed = seed; o.lambdaRule = rule; o.lambdaCount = lambdas
        o.lambdaRatio = lambdaRatio; o.bootstrap = bootstrap; o.ruleOutSensitivity = sensitivity
        o.ruleInSpecificity = specificity; o.amberThreshold = amberThreshold; o.redThreshold = redThreshold
        o.id = modelId; o.version = modelVersion; o.task = task; o.population = population
        o.outcomeDescription = outcomeDescription; o.horizon = horizon; o.synthetic = synthetic
        o.createdBy = "hccedge train \(Version.string)"
        let cardPath = card ?? (output.hasSuffix(".json") ? String(output.dropLast(5)) : output) + ".card.md"
        try CLIFailure.guarding {
            func load(_ path: String) throws -> WideTable {
                let t = try WideTable.read(path)
                guard let r = rows else { return t }
                guard let eq = r.firstIndex(of: "=") else { throw ValidationError("--rows must be COLUMN=VALUE") }
                return try t.filtered(column: String(r[..<eq]), equals: String(r[r.index(after: eq)...]))
            }
            let table = try load(csv)
            let val = try validation.map { try load($0) }
            let r = try Trainer.train(table, validation: val, options: o)
            for l in r.log { printError("train: \(l)") }
            try FileIO.writeAtomically(try r.model.sealedText(), to: output)
            try FileIO.writeAtomically(r.cardMarkdown, to: cardPath)
            print("RESEARCH USE ONLY\(synthetic ? " - SYNTHETIC model" : "")")
            for m in r.model.metrics {
                var line = "\(m.name) [\(m.dataset)]: \(m.value)"
                if let l = m.lower, let u = m.upper { line += " (95% CI \(l) – \(u))" }
                print(line)
            }
            print("thresholds: green < \(r.model.thresholds.amber) ≤ amber < \(r.model.thresholds.red) ≤ red")
            print("wrote \(output) (sha256 \(try r.model.contentHash())) and \(cardPath)")
        }
    }
}
