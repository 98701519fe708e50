import Clinical
import FoundationEssentials
import Imaging
import Radiomics

/// The clinical processor: `Assessment.run` (lesions, peritumoral ring, features per phase, scores, optional frozen
/// model) on a study folder; its traffic light becomes the LED colour. `result.json`, `features.csv`, `report.txt` and
/// `overlay.jpg` are written by the assessment into the output folder.
public struct AssessmentProcessor: StudyProcessor {
    public var options: AssessmentOptions
    /// Builds the assessment input from a located study (default: `AssessmentProcessor.input(for:)`).
    public var makeInput: @Sendable (Study) throws -> StudyInput

    public init(options: AssessmentOptions = AssessmentOptions(),
                makeInput: @escaping @Sendable (Study) throws -> StudyInput = { try AssessmentProcessor.input(for: $0) }) {
        self.options = options; self.makeInput = makeInput
    }

    public func process(studyDir: String, outputDir: String) throws -> StudyOutcome {
        guard let study = StudyLocator.study(at: studyDir) else {
            throw ApplianceError("\(studyDir): no study.json and no image + mask pair")
        }
        let r = try Assessment.run(try makeInput(study), options: options, outputDir: outputDir)
        let category = ResultCategory(rawValue: r.category.rawValue) ?? .amber
        let reason = r.reasons.first ?? r.category.rawValue
        let burden = r.tumourBurden.largestDiameterCm.map { "largest lesion \(FeatureCSV.format($0)) cm, " } ?? ""
        return StudyOutcome(category: category, reason: reason,
                            summary: "\(r.phases.count) phase(s), \(burden)\(r.tumourBurden.count.map { "\($0) lesion(s)" } ?? "")")
    }

    /// The manifest as written next to the images (`study.json`).
    struct Manifest: Decodable {
        struct Phase: Decodable {
            var name: String?
            var image: String
            var mask: String
            var liverMask: String?
            var modality: String?
            var spacing: [Double]?
            var label: Int?
            enum CodingKeys: String, CodingKey {
                case name, image, mask, liverMask = "liver_mask", modality, spacing, label
            }
        }
        var id: String?
        var phases: [Phase]
        var clinical: ClinicalValues?
        var burdenOverride: TumourBurden?
        enum CodingKeys: String, CodingKey { case id, phases, clinical, burdenOverride = "burden_override" }
    }

    /// Study input from `study.json` (phases with image, mask, optional `liver_mask`, `modality`, `spacing`, `label`;
    /// `clinical` labs with units; manifest paths stay inside the folder), or from the name pairs (CT, no labs).
    public static func input(for s: Study) throws -> StudyInput {
        guard s.hasManifest else {
            if s.pairs.isEmpty { throw ApplianceError("\(s.directory): no image + mask pair") }
            return StudyInput(id: s.name, phases: s.pairs.map { PhaseInput(name: $0.name, image: $0.image, mask: $0.mask) })
        }
        let path = FS.join(s.directory, StudyLocator.manifestName)
        let m: Manifest
        do { m = try JSONDecoder().decode(Manifest.self, from: Data(try FileIO.readBytes(path, limit: 1 << 20))) }
        catch let e as DecodingError { throw ApplianceError("\(path): \(describe(e))") }
        if m.phases.isEmpty { throw ApplianceError("\(path): no phases") }
        let phases = try m.phases.enumerated().map { n, p in
            PhaseInput(name: p.name ?? "phase\(n + 1)", image: try StudyLocator.resolve(p.image, in: s),
                       mask: try StudyLocator.resolve(p.mask, in: s),
                       liverMask: try p.liverMask.map { try StudyLocator.resolve($0, in: s) },
                       modality: p.modality ?? "CT", spacing: p.spacing, label: p.label)
        }
        return StudyInput(id: m.id ?? s.name, phases: phases, clinical: m.clinical ?? ClinicalValues(),
                          burdenOverride: m.burdenOverride)
    }
}
