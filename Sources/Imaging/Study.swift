import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A study folder: one or more phases (CT phases or MR sequences), each an image with its tumour mask, plus
/// optional clinical values and overrides, described by `study.json` or found by file name.
///
/// `study.json`:
/// ```json
/// { "study_id": "HCC-001",
///   "phases": [ { "name": "venous", "image": "venous.nii.gz", "mask": "venous_mask.nii.gz",
///                 "liver_mask": "venous_liver.nii.gz", "modality": "CT", "label": 1 },
///               { "name": "us", "image": "us_slices", "mask": "us_mask", "modality": "US", "spacing": [0.2, 0.2, 1] } ],
///   "clinical": { "afp": { "value": 520, "unit": "ng/mL" }, "albumin": { "value": 35, "unit": "g/L" } },
///   "overrides": { "tumour_count": 2, "largest_diameter_cm": 6.5 } }
/// ```
/// Without `study.json`, files pair by name: `venous.nii.gz` + `venous_mask.nii.gz` (or `venous_seg.nii.gz`),
/// optional liver mask `venous_liver.nii.gz`; a JPEG slice folder `us/` pairs with `us_mask/` or `us_mask.nii.gz`.
/// Every path stays inside the study folder: absolute paths, `..` and symlinks resolving outside are refused.
public struct Study: Sendable {
    public var id: String
    /// The study folder as given.
    public var folder: String
    public var phases: [Phase]
    /// Clinical values as given (value, unit), sorted by name; the clinical layer converts units.
    public var clinical: [(name: String, value: ClinicalValue)]
    public var tumourCount: Int?
    public var largestDiameterCM: Double?

    public struct Phase: Sendable {
        /// e.g. native, arterial, venous, delayed, or an MR sequence name.
        public var name: String
        /// Resolved paths inside the study folder.
        public var image: String
        public var mask: String
        public var liverMask: String?
        /// CT, MR, US, … (nil when unknown).
        public var modality: String?
        /// Voxel size for JPEG input, mm.
        public var spacing: Spacing?
        /// Tumour label in the mask (nil = every non-zero voxel).
        public var label: Int?
    }

    public struct ClinicalValue: Sendable, Equatable, Decodable {
        public var value: Double
        public var unit: String
        public init(value: Double, unit: String) { self.value = value; self.unit = unit }
    }

    /// Most phases (CT phases / MR sequences) one study may list.
    public static let maxPhases = 32

    /// Opens a study folder (with or without `study.json`).
    public static func open(_ folder: String) throws -> Study {
        guard JPEGStack.isDirectory(folder) else { throw IngestError(folder, "not a study folder") }
        let manifest = folder + "/study.json"
        if access(manifest, F_OK) == 0 { return try fromManifest(folder: folder, manifest: manifest) }
        return try byName(folder: folder)
    }

    // MARK: manifest

    private struct Manifest: Decodable {
        var study_id: String?
        var phases: [PhaseEntry]
        var clinical: [String: ClinicalValue]?
        var overrides: Overrides?
    }
    private struct PhaseEntry: Decodable {
        var name: String
        var image: String
        var mask: String
        var liver_mask: String?
        var modality: String?
        var spacing: [Double]?
        var label: Int?
    }
    private struct Overrides: Decodable {
        var tumour_count: Int?
        var largest_diameter_cm: Double?
    }

    static func fromManifest(folder: String, manifest: String) throws -> Study {
        let bytes = try FileIO.readBytes(manifest, limit: 1 << 20)
        let m: Manifest
        do { m = try JSONDecoder().decode(Manifest.self, from: Data(bytes)) } catch {
            throw IngestError(manifest, "invalid study manifest: \(Self.describe(error))")
        }
        guard !m.phases.isEmpty else { throw IngestError(manifest, "no phases listed") }
        // Each phase is a full extraction: a manifest listing hundreds would keep the appliance busy for hours.
        guard m.phases.count <= maxPhases else {
            throw IngestError(manifest, "\(m.phases.count) phases listed, at most \(maxPhases) are accepted")
        }
        var phases: [Phase] = [], seen = Set<String>()
        for p in m.phases {
            guard !p.name.isEmpty, seen.insert(p.name).inserted else {
                throw IngestError(manifest, "phase name '\(p.name)' is empty or repeated")
            }
            var spacing: Spacing? = nil
            if let s = p.spacing {
                guard s.count == 3, s.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                    throw IngestError(manifest, "phase \(p.name): spacing must be three positive numbers (mm)")
                }
                spacing = Spacing(s[0], s[1], s[2])
            }
            phases.append(Phase(name: p.name, image: try inside(folder, p.image, manifest),
                                mask: try inside(folder, p.mask, manifest),
                                liverMask: try p.liver_mask.map { try inside(folder, $0, manifest) },
                                modality: p.modality, spacing: spacing, label: p.label))
        }
        var clinical: [(String, ClinicalValue)] = []
        for key in (m.clinical ?? [:]).keys.sorted() {
            let v = m.clinical![key]!
            guard v.value.isFinite else { throw IngestError(manifest, "clinical value \(key) is not a number") }
            clinical.append((key, v))
        }
        if let d = m.overrides?.largest_diameter_cm, !(d.isFinite && d > 0) {
            throw IngestError(manifest, "overrides.largest_diameter_cm must be positive")
        }
        if let n = m.overrides?.tumour_count, n < 0 { throw IngestError(manifest, "overrides.tumour_count must be ≥ 0") }
        return Study(id: m.study_id ?? baseName(folder), folder: folder, phases: phases, clinical: clinical,
                     tumourCount: m.overrides?.tumour_count, largestDiameterCM: m.overrides?.largest_diameter_cm)
    }

    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let k, let c): return "missing field '\(path(c.codingPath + [k]))'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at '\(path(c.codingPath))'"
        case DecodingError.dataCorrupted(let c): return "not valid JSON (\(c.debugDescription))"
        default: return "\(error)"
        }
    }

    /// Resolves `relative` inside `folder`, refusing absolute paths, `..`, and anything whose real path
    /// (symlinks resolved) lies outside the folder.
    public static func inside(_ folder: String, _ relative: String, _ manifest: String) throws -> String {
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.utf8.contains(0) else {
            throw IngestError(manifest, "path '\(relative)' must be relative to the study folder")
        }
        guard !relative.split(separator: "/").contains("..") else {
            throw IngestError(manifest, "path '\(relative)' must not contain '..'")
        }
        let path = folder + "/" + relative
        guard let real = realPath(path) else { throw IngestError(manifest, "'\(relative)' not found in the study folder") }
        guard let root = realPath(folder), real == root || real.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw IngestError(manifest, "'\(relative)' resolves outside the study folder (symlink?)")
        }
        return path
    }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    static func baseName(_ p: String) -> String {
        let t = p.hasSuffix("/") ? String(p.dropLast()) : p
        return t.split(separator: "/").last.map(String.init) ?? t
    }

    // MARK: pairing by name

    static let imageExtensions = [".nii.gz", ".nii", ".hdr.gz", ".hdr", ".jpeg", ".jpg"]
    static let maskSuffixes = ["_mask", "_seg"]
    static let phaseOrder = ["native", "arterial", "portal", "venous", "delayed"]

    static func byName(folder: String) throws -> Study {
        guard let dir = opendir(folder) else { throw IngestError(folder, "cannot open folder: \(FileIO.errnoText())") }
        var entries: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { entries.append(name) }
        }
        closedir(dir)
        // stem → entry name (file with an image extension, or a folder = JPEG stack)
        var stems: [String: String] = [:]
        for name in entries.sorted() {
            if let ext = imageExtensions.first(where: { name.lowercased().hasSuffix($0) }) {
                stems[String(name.dropLast(ext.count))] = stems[String(name.dropLast(ext.count))] ?? name
            } else if JPEGStack.isDirectory(folder + "/" + name) {
                stems[name] = stems[name] ?? name
            }
        }
        let suffixes = maskSuffixes + ["_liver"]
        var phases: [Phase] = []
        for stem in stems.keys.sorted() where !suffixes.contains(where: { stem.hasSuffix($0) }) {
            guard let maskStem = maskSuffixes.map({ stem + $0 }).first(where: { stems[$0] != nil }) else {
                throw IngestError(folder + "/" + stems[stem]!, "no mask next to it (expected \(stem)_mask or \(stem)_seg)")
            }
            let image = try inside(folder, stems[stem]!, folder)
            let mask = try inside(folder, stems[maskStem]!, folder)
            let liver = try stems[stem + "_liver"].map { try inside(folder, $0, folder) }
            phases.append(Phase(name: stem, image: image, mask: mask, liverMask: liver, modality: nil, spacing: nil, label: nil))
        }
        guard !phases.isEmpty else {
            throw IngestError(folder, "no study.json and no image + mask pair (e.g. venous.nii.gz + venous_mask.nii.gz)")
        }
        phases.sort { a, b in
            let ia = phaseOrder.firstIndex(of: a.name.lowercased()) ?? phaseOrder.count
            let ib = phaseOrder.firstIndex(of: b.name.lowercased()) ?? phaseOrder.count
            return ia != ib ? ia < ib : a.name < b.name
        }
        return Study(id: baseName(folder), folder: folder, phases: phases, clinical: [], tumourCount: nil, largestDiameterCM: nil)
    }
}
