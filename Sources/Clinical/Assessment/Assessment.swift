import FoundationEssentials
import Imaging
import Radiomics
#if canImport(Glibc)
import Glibc
#endif

/// One phase (or MR sequence) of a study: an image, its tumour mask and optionally a liver mask.
public struct PhaseInput: Sendable, Codable, Equatable {
    /// `native`, `arterial`, `venous`, `delayed`, `t2`, … — the prefix of this phase's features.
    public var name: String
    public var image: String
    public var mask: String
    public var liverMask: String?
    /// `CT` or `MR` (chooses the default settings and the report window).
    public var modality: String
    /// Voxel size for JPEG stacks (NIfTI carries its own).
    public var spacing: [Double]?
    /// Tumour label in a label-map mask (nil: the options' label, else every non-zero voxel).
    public var label: Int?
    public init(name: String, image: String, mask: String, liverMask: String? = nil, modality: String = "CT",
                spacing: [Double]? = nil, label: Int? = nil) {
        self.name = name; self.image = image; self.mask = mask; self.liverMask = liverMask
        self.modality = modality; self.spacing = spacing; self.label = label
    }
}

/// Everything `assess` needs about one study.
public struct StudyInput: Sendable, Codable, Equatable {
    public var id: String
    public var phases: [PhaseInput]
    public var clinical: ClinicalValues
    /// A reader's override of size and count (merged or satellite lesions); nil fields come from the mask.
    public var burdenOverride: TumourBurden?
    public init(id: String, phases: [PhaseInput], clinical: ClinicalValues = ClinicalValues(), burdenOverride: TumourBurden? = nil) {
        self.id = id; self.phases = phases; self.clinical = clinical; self.burdenOverride = burdenOverride
    }
}

/// How a study is assessed.
public struct AssessmentOptions: Sendable {
    /// Feature settings per modality (`CT`, `MR`); a frozen model must have been trained with the same ones.
    public var settings: [String: ExtractionSettings]
    public var ringWidthMM: Double
    public var minimumLesionML: Double
    public var label: Int?
    public var model: FrozenModel?
    public init(settings: [String: ExtractionSettings] = AssessmentOptions.defaultSettings, ringWidthMM: Double = 5,
                minimumLesionML: Double = LesionFinder.defaultMinimumVolumeML, label: Int? = nil, model: FrozenModel? = nil) {
        self.settings = settings; self.ringWidthMM = ringWidthMM; self.minimumLesionML = minimumLesionML
        self.label = label; self.model = model
    }

    /// Default settings: IBSI config-C-like (3D, 2 mm isotropic trilinear, intensity rounding); CT re-segmented to
    /// the liver-tumour range [−100, 400] HU with 25 HU bins; MR without range, 32 bins.
    public static let defaultSettings: [String: ExtractionSettings] = [
        "CT": ExtractionSettings(name: "hcc-ct", mode: "3D", resampleSpacing: [2, 2, 2], interpolation: .linear,
                                 resegmentLower: -100, resegmentUpper: 400, discretisation: .fixedBinSize, binSize: 25),
        "MR": ExtractionSettings(name: "hcc-mr", mode: "3D", resampleSpacing: [2, 2, 2], interpolation: .linear,
                                 outlierSigma: 3, discretisation: .fixedBinNumber, binSize: nil, binNumber: 32),
    ]

    /// The settings used for a phase of this modality.
    public func settings(for modality: String) -> ExtractionSettings {
        settings[modality.uppercased()] ?? settings["CT"] ?? AssessmentOptions.defaultSettings["CT"]!
    }
    var ringName: String { "ring\(FeatureCSV.format(ringWidthMM))mm" }
}

/// The machine-readable answer (`result.json`).
public struct AssessmentResult: Codable, Sendable {
    public struct PhaseSummary: Codable, Sendable {
        public var name: String, modality: String, settings: String
        public var lesions: [Lesion]
        public var ringVoxels: Int
        public var featureCount: Int, undefinedFeatures: Int
    }
    public struct ModelOutput: Codable, Sendable {
        public var id: String, version: String, sha256: String, synthetic: Bool
        public var probability: Double?, light: TrafficLight?, error: String?
        public var warnings: [String]
    }
    public var researchUseOnly = "RESEARCH USE ONLY - not for diagnosis or treatment decisions"
    public var study: String
    public var phases: [PhaseSummary]
    /// Size and count the scores used, and where they came from.
    public var tumourBurden: TumourBurden
    public var tumourBurdenSource: String
    public var scores: ScoreReport?
    public var scoresError: String?
    public var model: ModelOutput?
    /// The LED category and why.
    public var category: TrafficLight
    public var reasons: [String]
    public var software: String
    public var timingsMS: [String: Int]
    public var warnings: [String]
}

/// Runs the whole assessment of one study and writes `result.json`, `features.csv`, `report.txt`, `overlay.jpg`.
public enum Assessment {
    public static let softwareVersion = "hccedge 0.1.0"

    public static func run(_ study: StudyInput, options: AssessmentOptions, outputDir: String,
                           warnings studyWarnings: [String] = []) throws -> AssessmentResult {
        guard !study.phases.isEmpty else { throw IngestError(study.id, "study has no phases") }
        var timings: [String: Int] = [:]
        var warnings = studyWarnings
        var summaries: [AssessmentResult.PhaseSummary] = []
        var features: [(String, Feature)] = []         // (column prefix, feature), in report order
        var overlay: OverlayInput? = nil
        var primaryLesions: [Lesion] = []

        for (n, phase) in study.phases.enumerated() {
            let t0 = Clock.ms()
            let r = try analyse(phase, options: options)
            features += r.features
            if r.ring.count == 0 { warnings.append("\(phase.name): the peritumoral ring is empty (liver mask too tight?)") }
            summaries.append(.init(name: phase.name, modality: phase.modality, settings: r.settings.name, lesions: r.lesions,
                                   ringVoxels: r.ring.count, featureCount: r.features.count,
                                   undefinedFeatures: r.features.filter { $0.1.value == nil }.count))
            if n == 0 {
                primaryLesions = r.lesions
                overlay = OverlayInput(image: r.image, tumour: r.tumour, ring: r.ring, modality: phase.modality,
                                       slice: r.lesions[0].largestSlice - r.tumour.offsetInFile.z)
            }
            timings["phase." + phase.name] = Clock.ms() - t0
        }

        // Size and count: from the first phase's mask unless the manifest overrides them.
        var burden = TumourBurden(largestDiameterCm: primaryLesions.map(\.longestAxialDiameterCM).max(),
                                  count: primaryLesions.count)
        var source = "mask (\(study.phases[0].name))"
        if let o = study.burdenOverride {
            if let d = o.largestDiameterCm { burden.largestDiameterCm = d; source = "reader override" }
            if let c = o.count { burden.count = c; source = "reader override" }
        }
        burden.largestDiameterCm = burden.largestDiameterCm.map { ($0 * 100).rounded() / 100 }

        var scores: ScoreReport? = nil, scoresError: String? = nil
        do { scores = try ScoreReport.make(study.clinical, burden) } catch { scoresError = "\(error)" }
        var category: TrafficLight = scores?.quickCheck.light ?? .amber
        var reasons = scores?.quickCheck.reasons ?? ["amber: scores not computed: \(scoresError ?? "")"]
        warnings += scores?.warnings ?? []

        var modelOut: AssessmentResult.ModelOutput? = nil
        if let m = options.model {
            var values: [String: Double] = [:]
            for (prefix, f) in features { if let v = f.value { values[FeatureCSV.columnName(f, prefix: prefix)] = v } }
            if let v = scores?.inputs {
                if let a = v.afpNanogramsPerML { values["afp_gt_400"] = a > 400 ? 1 : 0; values["afp"] = a }
                if let a = v.albuminGramsPerL { values["albumin"] = a }
                if let b = v.bilirubinMicromolPerL { values["bilirubin"] = b }
            }
            if let c = burden.count { values["tumour_count"] = Double(c) }
            if let d = burden.largestDiameterCm { values["tumour_diameter_cm"] = d }
            var out = AssessmentResult.ModelOutput(id: m.id, version: m.version, sha256: m.sha256 ?? "",
                                                   synthetic: m.synthetic, probability: nil, light: nil, error: nil, warnings: [])
            do {
                let pred = try m.predict(values)
                out.probability = pred.probability; out.light = pred.light; out.warnings = pred.warnings
                reasons.append("model \(m.id) (reported beside the scores\(m.synthetic ? ", SYNTHETIC" : "")): \(pred.light.rawValue), p = \(Scores.fmt(pred.probability, digits: 3))")
            } catch {
                out.error = "\(error)"
                warnings.append("model not applied: \(error)")
            }
            modelOut = out
        }
        if scores == nil { category = .amber }

        let result = AssessmentResult(study: study.id, phases: summaries, tumourBurden: burden, tumourBurdenSource: source,
                                      scores: scores, scoresError: scoresError, model: modelOut, category: category,
                                      reasons: reasons, software: softwareVersion, timingsMS: timings, warnings: warnings)
        try write(result, features: features, overlay: overlay, study: study, to: outputDir)
        return result
    }

    /// One phase analysed: lesions, tumour and ring masks on the ROI crop, and the features of every region
    /// (`phase.tumour.`, `phase.largest.` when there is more than one lesion, `phase.ringNmm.`), in report order.
    public struct PhaseAnalysis: Sendable {
        public var settings: ExtractionSettings
        public var image: Volume
        public var lesions: [Lesion]
        public var tumour: Mask
        public var ring: Mask
        /// (column prefix, feature); the prefix names the phase and region, e.g. `venous.tumour.`.
        public var features: [(String, Feature)]
        /// Region names in order (`venous.tumour`, …).
        public var regions: [String] {
            var out: [String] = []
            for (p, _) in features where out.last != String(p.dropLast()) { out.append(String(p.dropLast())) }
            return out
        }
    }

    /// Reads one phase (ROI crop with a margin for the ring) and computes the features of its regions.
    public static func analyse(_ phase: PhaseInput, options: AssessmentOptions) throws -> PhaseAnalysis {
        let s = options.settings(for: phase.modality)
        let spacing = phase.spacing.flatMap { $0.count == 3 ? Spacing($0[0], $0[1], $0[2]) : nil }
        let input = try Extractor.load(image: phase.image, mask: phase.mask, label: phase.label ?? options.label,
                                       settings: s, atLeastMM: options.ringWidthMM + 10, spacing: spacing)
        let (lesions, labels) = LesionFinder.find(input.mask, minimumVolumeML: options.minimumLesionML)
        guard !lesions.isEmpty else {
            throw IngestError(phase.mask, "no lesion of at least \(options.minimumLesionML) mL in the mask")
        }
        var tumour = input.mask
        tumour.voxels = labels.map { $0 > 0 ? 1 : 0 }
        let liver = try phase.liverMask.map { try liverMask($0, image: phase.image, onGridOf: tumour, spacing: spacing) }
        let ring = PeritumoralRing.ring(around: tumour, widthMM: options.ringWidthMM, liver: liver)
        let p = phase.name + "."
        var features: [(String, Feature)] = []
        func add(_ region: String, _ m: Mask, _ settings: ExtractionSettings) throws {
            for f in try Extractor.extract(ImageWithMask(image: input.image, mask: m), settings: settings) {
                features.append((p + region + ".", f))
            }
        }
        try add("tumour", tumour, s)
        if lesions.count > 1 {
            var largest = input.mask
            largest.voxels = labels.map { $0 == 1 ? 1 : 0 }
            try add("largest", largest, s)
        }
        if ring.count > 0 {
            var rs = s      // shape features of a shell say nothing about the tumour
            rs.families = (s.families ?? ExtractionSettings.Family.allCases).filter { $0 != .morphology }
            try add(options.ringName, ring, rs)
        }
        return PhaseAnalysis(settings: s, image: input.image, lesions: lesions, tumour: tumour, ring: ring, features: features)
    }

    /// The liver mask, read on its own bounding box and placed on the tumour crop's grid.
    static func liverMask(_ path: String, image: String, onGridOf t: Mask, spacing: Spacing?) throws -> Mask {
        let l = try Ingest.load(imagePath: image, maskPath: path, marginMM: 0, spacing: spacing).mask
        if let m = l.geometry.spacing == t.geometry.spacing ? nil : "spacing differs" { throw IngestError(path, "liver mask: \(m)") }
        var out = Mask(geometry: t.geometry, voxels: [UInt8](repeating: 0, count: t.dims.count),
                       offsetInFile: (t.offsetInFile.x, t.offsetInFile.y, t.offsetInFile.z))
        let d = t.dims, ld = l.dims
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x {
            let a = i + t.offsetInFile.x - l.offsetInFile.x, b = j + t.offsetInFile.y - l.offsetInFile.y
            let c = k + t.offsetInFile.z - l.offsetInFile.z
            guard a >= 0, b >= 0, c >= 0, a < ld.x, b < ld.y, c < ld.z else { continue }
            out.voxels[d.index(i, j, k)] = l.voxels[ld.index(a, b, c)]
        } } }
        return out
    }

    static func write(_ r: AssessmentResult, features: [(String, Feature)], overlay: OverlayInput?, study: StudyInput,
                      to dir: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try FileIO.writeAtomically(Array(try enc.encode(r)) + [0x0A], to: dir + "/result.json")
        var header = ["study", "research_use_only"], row = [FeatureCSV.field(study.id), "RESEARCH USE ONLY"]
        for (prefix, f) in features {
            header.append(FeatureCSV.field(FeatureCSV.columnName(f, prefix: prefix)))
            row.append(f.value.map(FeatureCSV.format) ?? "")
        }
        try FileIO.writeAtomically(header.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n", to: dir + "/features.csv")
        try FileIO.writeAtomically(ReportText.make(r), to: dir + "/report.txt")
        if let o = overlay {
            try Overlay.render(o, answer: "\(r.category.rawValue.uppercased()) - \(r.study) - RESEARCH USE ONLY", to: dir + "/overlay.jpg")
        }
    }
}

/// Monotonic milliseconds (timings only; never in a feature).
enum Clock {
    static func ms() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000
    }
}
