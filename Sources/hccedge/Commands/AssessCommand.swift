import ArgumentParser
import Clinical
import Imaging
import Radiomics

/// `hccedge assess STUDY_DIR --output OUT_DIR`: the whole answer for one study.
struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Assess one study: lesions, features, validated scores, model (if installed), report. Research use only.")

    @Argument(help: "Study folder (study.json, or image + mask pairs by name).") var study: String
    @Option(help: "Output folder (created if missing).") var output: String
    @Option(help: "Frozen model file (JSON) to report beside the scores.") var model: String?
    @Option(help: "Peritumoral ring width in mm.") var ringMM: Double = 5
    @Option(help: "Drop components smaller than this (mL).") var minLesionML: Double = LesionFinder.defaultMinimumVolumeML
    @Option(help: "Tumour label in a label-map mask (default: every non-zero voxel).") var label: Int?

    func run() throws {
        let result = try CLIFailure.guarding { () -> AssessmentResult in
            let opts = try AssessRunner.options(model: model, ringMM: ringMM, minLesionML: minLesionML, label: label)
            return try AssessRunner.assess(study, options: opts, output: output)
        }
        print("\(result.study): \(result.category.rawValue.uppercased()) — \(result.reasons.first ?? "")")
        print("results in \(output)/ (result.json, features.csv, report.txt, overlay.jpg) — RESEARCH USE ONLY")
    }
}

/// Shared by `assess`, `demo` and `cohort`.
enum AssessRunner {
    static func options(model: String?, ringMM: Double, minLesionML: Double, label: Int?) throws -> AssessmentOptions {
        guard ringMM.isFinite, ringMM > 0, ringMM <= 50 else { throw ValidationError("--ring-mm must be in (0, 50]") }
        var o = AssessmentOptions(ringWidthMM: ringMM, minimumLesionML: minLesionML, label: label)
        if let m = model {
            let fm = try FrozenModel.load(path: m)
            try fm.check(settings: o.settings(for: "CT"))
            o.model = fm
        }
        return o
    }

    static func assess(_ folder: String, options: AssessmentOptions, output: String) throws -> AssessmentResult {
        let (input, warnings) = StudyInput.from(try Study.open(folder))
        try FileIO.makeDirectories(output)
        return try Assessment.run(input, options: options, outputDir: output, warnings: warnings)
    }
}
