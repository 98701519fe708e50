import Imaging

/// Everything a feature family may read: the preprocessed region, its grey levels and the settings.
public struct FeatureInput: Sendable {
    public var region: Region
    public var levels: GreyLevels
    public var settings: ExtractionSettings
    /// Zone labellings shared by GLSZM and GLDZM (same zones), made just before GLSZM and dropped after GLDZM.
    var inPlaneZones: ZoneMap?, volumeZones: ZoneMap?
    public init(region: Region, levels: GreyLevels, settings: ExtractionSettings) {
        self.region = region; self.levels = levels; self.settings = settings
    }
    /// The zone labelling for slice-wise (2D, 2.5D) or volume (3D) zones: the shared one if made, else a new one.
    func zoneMap(sliceWise: Bool) -> ZoneMap {
        (sliceWise ? inPlaneZones : volumeZones) ?? ZoneMap(levels, linkage: settings.distance, inPlane: sliceWise)
    }
}

/// Runs preprocessing and every selected family, in a fixed order (the CSV's row order).
public enum Extractor {
    /// The families in report order, each with its entry point.
    public static let families: [(ExtractionSettings.Family, @Sendable (FeatureInput) -> [Feature])] = [
        (.morphology, { Morphology.features($0) }),
        (.localIntensity, { LocalIntensity.features($0) }),
        (.statistics, { IntensityStatistics.features($0) }),
        (.histogram, { IntensityHistogram.features($0) }),
        (.ivh, { IntensityVolumeHistogram.features($0) }),
        (.glcm, { GLCM.features($0) }),
        (.glrlm, { GLRLM.features($0) }),
        (.glszm, { GLSZM.features($0) }),
        (.gldzm, { GLDZM.features($0) }),
        (.ngtdm, { NGTDM.features($0) }),
        (.ngldm, { NGLDM.features($0) }),
    ]

    /// Reads the ROI of an image with the margin preprocessing needs for `settings` (at least `atLeastMM`), so the
    /// features of the crop equal those of the whole file.
    public static func load(image: String, mask: String, label: Int? = nil, settings: ExtractionSettings,
                            atLeastMM: Double = 0, spacing: Spacing? = nil) throws -> ImageWithMask {
        try Ingest.load(imagePath: image, maskPath: mask, label: label,
                        margin: { max(atLeastMM, Preprocessing.requiredMarginMM(settings: settings, spacing: $0)) },
                        spacing: spacing)
    }

    /// Preprocesses `input` and computes the selected families.
    public static func extract(_ input: ImageWithMask, settings: ExtractionSettings) throws -> [Feature] {
        let region = try Preprocessing.prepare(input, settings: settings)
        return try features(of: region, settings: settings)
    }

    /// Reads, preprocesses and computes in one step; the file's crop is released once the region is prepared
    /// (lower peak memory than `load` followed by `extract`, same features).
    public static func extract(image: String, mask: String, label: Int? = nil, settings: ExtractionSettings) throws -> [Feature] {
        let region = try Preprocessing.prepare(load(image: image, mask: mask, label: label, settings: settings), settings: settings)
        return try features(of: region, settings: settings)
    }

    /// Computes the selected families on an already preprocessed region.
    public static func features(of region: Region, settings: ExtractionSettings) throws -> [Feature] {
        let levels = try Discretiser.greyLevels(region, settings: settings)
        var fi = FeatureInput(region: region, levels: levels, settings: settings)
        let shareZones = settings.includes(.glszm) && settings.includes(.gldzm)
        var out: [Feature] = []
        for (family, compute) in families where settings.includes(family) {
            if family == .glszm && shareZones && zoneInputProblem(fi) == nil {
                let aggs = settings.zoneAggregations
                if aggs.contains(.twoD) || aggs.contains(.twoFiveD) {
                    fi.inPlaneZones = ZoneMap(levels, linkage: settings.distance, inPlane: true)
                }
                if aggs.contains(.threeD) { fi.volumeZones = ZoneMap(levels, linkage: settings.distance, inPlane: false) }
            }
            out += compute(fi)
            if family == .gldzm { fi.inPlaneZones = nil; fi.volumeZones = nil }
        }
        return out
    }
}
