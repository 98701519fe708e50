import Clinical
import FoundationEssentials
import Imaging
import Radiomics

/// The clinical processor: exactly what `hccedge assess` does — `Study.open` (manifest or name pairs, paths kept
/// inside the folder), `StudyInput.from`, `Assessment.run` (lesions, peritumoral ring, features per phase, scores,
/// optional frozen model). The assessment's traffic light becomes the LED colour; it writes `result.json`,
/// `features.csv`, `report.txt` and `overlay.jpg` into the output folder.
public struct AssessmentProcessor: StudyProcessor {
    public var options: AssessmentOptions

    public init(options: AssessmentOptions = AssessmentOptions()) { self.options = options }

    public func process(studyDir: String, outputDir: String) throws -> StudyOutcome {
        let (input, warnings) = StudyInput.from(try Imaging.Study.open(studyDir))
        let r = try Assessment.run(input, options: options, outputDir: outputDir, warnings: warnings)
        let category = ResultCategory(rawValue: r.category.rawValue) ?? .amber
        let burden = r.tumourBurden.largestDiameterCm.map { ", largest lesion \(FeatureCSV.format($0)) cm" } ?? ""
        let count = r.tumourBurden.count.map { ", \($0) lesion(s)" } ?? ""
        return StudyOutcome(category: category, reason: r.reasons.first ?? r.category.rawValue,
                            summary: "\(r.phases.count) phase(s)\(burden)\(count)")
    }
}
