import Imaging

/// Everything a feature family may read: the preprocessed region, its grey levels and the settings.
public struct FeatureInput: Sendable {
    public var region: Region
    public var levels: GreyLevels
    public var settings: ExtractionSettings
    public init(region: Region, levels: GreyLevels, settings: ExtractionSettings) {
        self.region = region; self.levels = levels; self.settings = settings
    }
}

/// Runs preprocessing and every selected family, in a fixed order (the CSV's row order).
public enum Extractor {
    /// The families in report order, each with its entry point.
    public static let families: [(ExtractionSettings.Family, @Sendable (FeatureInput) -> [Feature])] = [
        (.morphology, Morphology.features),
        (.localIntensity, LocalIntensity.features),
        (.statistics, IntensityStatistics.features),
        (.histogram, IntensityHistogram.features),
        (.ivh, IntensityVolumeHistogram.features),
        (.glcm, GLCM.features),
        (.glrlm, GLRLM.features),
        (.glszm, GLSZM.features),
        (.gldzm, GLDZM.features),
        (.ngtdm, NGTDM.features),
        (.ngldm, NGLDM.features),
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
        let fi = FeatureInput(region: region, levels: levels, settings: settings)
        var out: [Feature] = []
        for (family, compute) in families where settings.includes(family) { out += compute(fi) }
        return out
    }
}
