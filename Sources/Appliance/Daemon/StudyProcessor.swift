import FoundationEssentials
import Imaging
import Radiomics

/// The verdict on one study.
public struct StudyOutcome: Codable, Sendable, Equatable {
    public var category: ResultCategory
    /// Why this category (one line).
    public var reason: String
    /// Short human summary (LED-less readers: status file, log).
    public var summary: String
    public init(category: ResultCategory, reason: String, summary: String) {
        self.category = category; self.reason = reason; self.summary = summary
    }
}

/// The per-study work the daemon runs. It reads the study folder (use `StudyLocator.study(at:)`), writes its files
/// into `outputDir` (an empty private folder, published by rename only when `process` returns), and returns the
/// outcome. A thrown error marks the study failed with the error's text as the reason.
public protocol StudyProcessor: Sendable {
    func process(studyDir: String, outputDir: String) throws -> StudyOutcome
}

/// A processor from a closure (tests, or wiring `assess` in without a new type).
public struct ClosureStudyProcessor: StudyProcessor {
    let body: @Sendable (String, String) throws -> StudyOutcome
    public init(_ body: @escaping @Sendable (_ studyDir: String, _ outputDir: String) throws -> StudyOutcome) { self.body = body }
    public func process(studyDir: String, outputDir: String) throws -> StudyOutcome { try body(studyDir, outputDir) }
}

/// Default processor until the assessment module lands: IBSI features of every series (`Ingest.load` +
/// `Extractor.extract` with a preset) to `features.csv` (`series,tag,ibsi_id,aggregation,value`) and `result.json`;
/// category amber, "no assessment module yet".
public struct FeatureExtractionProcessor: StudyProcessor {
    public var settings: ExtractionSettings
    public var label: Int?
    public var marginMM: Double
    public init(settings: ExtractionSettings, label: Int? = nil, marginMM: Double = 10) {
        self.settings = settings; self.label = label; self.marginMM = marginMM
    }

    struct SeriesResult: Codable {
        var name: String, image: String, mask: String, features: Int, undefined: Int
    }
    struct Result: Codable {
        var study: String, settings: String, category: String, reason: String, series: [SeriesResult]
        var researchUseOnly = Appliance.researchUseOnly
        enum CodingKeys: String, CodingKey { case study, settings, category, reason, series, researchUseOnly = "research_use_only" }
    }

    public func process(studyDir: String, outputDir: String) throws -> StudyOutcome {
        let study = try Imaging.Study.open(studyDir)
        var csv = "series,tag,ibsi_id,aggregation,value\n"
        var done: [SeriesResult] = []
        for s in study.phases {
            let input = try Ingest.load(imagePath: s.image, maskPath: s.mask, label: s.label ?? label, marginMM: marginMM)
            if input.mask.count == 0 { throw ApplianceError("\(s.mask): mask is empty") }
            let features = try Extractor.extract(input, settings: settings)
            for f in features {
                csv += "\(FeatureCSV.field(s.name)),\(FeatureCSV.field(f.tag)),\(FeatureCSV.field(f.ibsiID)),"
                    + "\(FeatureCSV.field(f.aggregation)),\(f.value.map(FeatureCSV.format) ?? "")\n"
            }
            done.append(SeriesResult(name: s.name, image: FS.baseName(s.image), mask: FS.baseName(s.mask),
                                     features: features.count, undefined: features.filter { $0.value == nil }.count))
        }
        let reason = "no assessment module yet"
        try FS.writeFile(Array(csv.utf8), to: FS.join(outputDir, "features.csv"))
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let r = Result(study: study.id, settings: settings.name, category: "amber", reason: reason, series: done)
        try FS.writeFile(Array(try enc.encode(r)) + [0x0A], to: FS.join(outputDir, "result.json"))
        let n = done.reduce(0) { $0 + $1.features }
        return StudyOutcome(category: .amber, reason: reason,
                            summary: "\(done.count) series, \(n) feature values (\(settings.name))")
    }
}
