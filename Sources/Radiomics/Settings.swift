/// Every knob of an extraction; the IBSI presets and JSON settings files use the same fields.
public struct ExtractionSettings: Codable, Sendable, Equatable {
    public enum Interpolation: String, Codable, Sendable { case nearest, linear, tricubicSpline = "tricubic-spline" }
    public enum Discretisation: String, Codable, Sendable {
        /// Intensities are already grey levels 1…N (IBSI digital phantom).
        case none
        /// Fixed bin size `binSize` starting at `lowerBound` (or the re-segmentation minimum, or the ROI minimum).
        case fixedBinSize = "fbs"
        /// Fixed bin number `binNumber` between the ROI's minimum and maximum.
        case fixedBinNumber = "fbn"
    }
    public enum Family: String, Codable, Sendable, CaseIterable {
        case morphology, localIntensity = "local-intensity", statistics, histogram,
             ivh, glcm, glrlm, glszm, gldzm, ngtdm, ngldm
    }

    /// Name shown in outputs (preset name or the file's).
    public var name: String
    /// `2D` (slice-wise: 2D and 2.5D texture aggregations) or `3D`.
    public var mode: String
    /// Round intensities to the nearest integer on load (IBSI CT rule); otherwise quantise to `intensityUnit`.
    public var intensityUnit: Double
    /// New voxel spacing in mm (x, y, z); nil = no resampling. In 2D mode z is ignored (in-plane only).
    public var resampleSpacing: [Double]?
    public var interpolation: Interpolation
    /// Round interpolated intensities to the nearest integer (in `intensityUnit`).
    public var roundAfterInterpolation: Bool
    /// Partial-volume threshold of the interpolated mask.
    public var maskThreshold: Double
    /// Re-segmentation range [lower, upper] in real units; either end may be nil.
    public var resegmentLower: Double?
    public var resegmentUpper: Double?
    /// Outlier filter: drop intensities outside mean ± k·σ (k = 3 in IBSI), nil = off.
    public var outlierSigma: Double?
    /// Discretisation for texture and intensity-histogram features.
    public var discretisation: Discretisation
    public var binSize: Double?
    public var binNumber: Int?
    /// Lower bound for fixed bin size; nil = re-segmentation lower bound, else ROI minimum.
    public var binLowerBound: Double?
    /// Discretisation for the intensity-volume histogram (`none` = the fixed-point intensities themselves).
    public var ivhDiscretisation: Discretisation
    public var ivhBinSize: Double?
    public var ivhBinNumber: Int?
    /// GLCM, NGTDM, NGLDM neighbourhood distance (Chebyshev); GLSZM/GLDZM linkage distance.
    public var distance: Int
    /// NGLDM coarseness parameter α.
    public var ngldmAlpha: Int
    /// Families to compute; nil = all.
    public var families: [Family]?
    /// Texture aggregations to report, overriding the mode's default; nil = by `mode`.
    /// Each family picks the ones it supports (GLCM/GLRLM the six matrix ones, the zone families 2D/2.5D/3D).
    public var textureAggregations: [Aggregation]?

    public init(name: String, mode: String = "3D", intensityUnit: Double = 1, resampleSpacing: [Double]? = nil,
                interpolation: Interpolation = .linear, roundAfterInterpolation: Bool = true, maskThreshold: Double = 0.5,
                resegmentLower: Double? = nil, resegmentUpper: Double? = nil, outlierSigma: Double? = nil,
                discretisation: Discretisation = .fixedBinSize, binSize: Double? = 25, binNumber: Int? = nil,
                binLowerBound: Double? = nil, ivhDiscretisation: Discretisation = .none, ivhBinSize: Double? = nil,
                ivhBinNumber: Int? = nil, distance: Int = 1, ngldmAlpha: Int = 0, families: [Family]? = nil,
                textureAggregations: [Aggregation]? = nil) {
        self.name = name; self.mode = mode; self.intensityUnit = intensityUnit; self.resampleSpacing = resampleSpacing
        self.interpolation = interpolation; self.roundAfterInterpolation = roundAfterInterpolation
        self.maskThreshold = maskThreshold; self.resegmentLower = resegmentLower; self.resegmentUpper = resegmentUpper
        self.outlierSigma = outlierSigma; self.discretisation = discretisation; self.binSize = binSize
        self.binNumber = binNumber; self.binLowerBound = binLowerBound; self.ivhDiscretisation = ivhDiscretisation
        self.ivhBinSize = ivhBinSize; self.ivhBinNumber = ivhBinNumber; self.distance = distance
        self.ngldmAlpha = ngldmAlpha; self.families = families; self.textureAggregations = textureAggregations
    }

    public var isSliceWise: Bool { mode == "2D" }
    public func includes(_ f: Family) -> Bool { families?.contains(f) ?? true }

    /// Aggregations reported for GLCM and GLRLM.
    public var matrixAggregations: [Aggregation] {
        if let t = textureAggregations {
            return t.filter { [.twoDAveraged, .twoDSliceMerged, .twoFiveDDirectionMerged, .twoFiveDMerged,
                               .threeDAveraged, .threeDMerged].contains($0) }
        }
        return isSliceWise ? [.twoDAveraged, .twoDSliceMerged, .twoFiveDDirectionMerged, .twoFiveDMerged]
                    : [.threeDAveraged, .threeDMerged]
    }
    /// Aggregations reported for GLSZM, GLDZM, NGTDM and NGLDM.
    public var zoneAggregations: [Aggregation] {
        if let t = textureAggregations { return t.filter { [.twoD, .twoFiveD, .threeD].contains($0) } }
        return isSliceWise ? [.twoD, .twoFiveD] : [.threeD] }
}

extension ExtractionSettings {
    /// Built-in presets: exactly the IBSI 1 settings for the digital phantom and CT configs A–E.
    public static let presets: [String: ExtractionSettings] = [
        "ibsi-digital-phantom": ExtractionSettings(
            name: "ibsi-digital-phantom", mode: "3D", discretisation: .none, binSize: nil,
            textureAggregations: Aggregation.allCases),
        "ibsi-ct-a": ExtractionSettings(
            name: "ibsi-ct-a", mode: "2D", resegmentLower: -500, resegmentUpper: 400,
            discretisation: .fixedBinSize, binSize: 25),
        "ibsi-ct-b": ExtractionSettings(
            name: "ibsi-ct-b", mode: "2D", resampleSpacing: [2, 2, 0], interpolation: .linear,
            resegmentLower: -500, resegmentUpper: 400, discretisation: .fixedBinNumber, binSize: nil, binNumber: 32),
        "ibsi-ct-c": ExtractionSettings(
            name: "ibsi-ct-c", mode: "3D", resampleSpacing: [2, 2, 2], interpolation: .linear,
            resegmentLower: -1000, resegmentUpper: 400, discretisation: .fixedBinSize, binSize: 25,
            ivhDiscretisation: .fixedBinSize, ivhBinSize: 2.5),
        "ibsi-ct-d": ExtractionSettings(
            name: "ibsi-ct-d", mode: "3D", resampleSpacing: [2, 2, 2], interpolation: .linear,
            outlierSigma: 3, discretisation: .fixedBinNumber, binSize: nil, binNumber: 32),
        "ibsi-ct-e": ExtractionSettings(
            name: "ibsi-ct-e", mode: "3D", resampleSpacing: [2, 2, 2], interpolation: .tricubicSpline,
            resegmentLower: -1000, resegmentUpper: 400, outlierSigma: 3, discretisation: .fixedBinNumber,
            binSize: nil, binNumber: 32, ivhDiscretisation: .fixedBinNumber, ivhBinNumber: 1000),
    ]
}
