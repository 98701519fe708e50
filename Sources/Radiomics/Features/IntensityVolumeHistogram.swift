/// IBSI 1 intensity-volume histogram features (family P88C), 3D (DHQ4).
///
/// The ROI intensities are discretised per `ivhDiscretisation` into integer levels i ∈ [L, H] (every level of the
/// range counts, present or not), each standing for an intensity I(i):
/// - `none` (discrete calibrated intensities, e.g. CT): i = the fixed-point intensity, [L, H] = the re-segmentation
///   range (an open end = the ROI min/max), I(i) = i·unit;
/// - `fixedBinSize` w (continuous calibrated): i = ⌊(X − X_min)/w⌋ + 1 with X_min = re-segmentation lower bound
///   (else ROI min), [L, H] = [1, ⌈(X_max − X_min)/w⌉ + 1] (as MIRP), I(i) = the bin centre X_min + (i − ½)w;
/// - `fixedBinNumber` N (arbitrary units): FBN levels between the ROI min and max, [L, H] = [1, N], I(i) = i.
/// Volume fraction ν_i = fraction of voxels with level ≥ i; intensity fraction γ_i = (i − L)/(H − L).
public enum IntensityVolumeHistogram {
    /// Sorted ROI levels and the level range with its intensity map.
    public struct Curve: Sendable {
        public let sorted: [Int64]
        public let lower: Int64, upper: Int64
        /// I(i) = offset + scale·i.
        public let offset: Double, scale: Double

        public init(levels: [Int64], lower: Int64, upper: Int64, offset: Double, scale: Double) {
            sorted = levels.sorted(); self.lower = lower; self.upper = upper; self.offset = offset; self.scale = scale
        }
        /// Number of voxels with level ≥ i.
        func countAtLeast(_ i: Int64) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi { let m = (lo + hi) / 2; if sorted[m] < i { lo = m + 1 } else { hi = m } }
            return sorted.count - lo
        }
        func intensity(_ i: Int64) -> Double { offset + scale * Double(i) }

        /// V_x (BC2M): the largest ν_i with γ_i ≥ x% — ν is non-increasing, so ν at the first level with
        /// (i − L)·100 ≥ x·(H − L) (exact integer test). Undefined when H = L.
        public func volumeAt(percent x: Int64) -> Double? {
            let span = upper - lower
            if span <= 0 || sorted.isEmpty { return nil }
            let i = lower + (x * span + 99) / 100
            return Double(countAtLeast(i)) / Double(sorted.count)
        }
        /// I_x (GBPN): the lowest level i in [L, H] with ν_i ≤ x% (count·100 ≤ x·Nv); H + 1 when none, as MIRP.
        public func intensityAt(percent x: Int64) -> Double? {
            if sorted.isEmpty { return nil }
            let n = Int64(sorted.count)
            var lo = lower, hi = upper + 1
            while lo < hi {
                let m = lo + (hi - lo) / 2
                if Int64(countAtLeast(m)) * 100 <= x * n { hi = m } else { lo = m + 1 }
            }
            return intensity(lo)
        }
    }

    /// The 6 features with reference values (the area under the curve has none and is left out).
    public static let table: [FeatureFormula<Curve>] = [
        // BC2M  V10: largest ν with γ ≥ 0.10
        .init("ivh.v10", "BC2M") { $0.volumeAt(percent: 10) },
        // BC2M  V90: largest ν with γ ≥ 0.90
        .init("ivh.v90", "BC2M") { $0.volumeAt(percent: 90) },
        // GBPN  I10: lowest intensity with ν ≤ 0.10
        .init("ivh.i10", "GBPN") { $0.intensityAt(percent: 10) },
        // GBPN  I90: lowest intensity with ν ≤ 0.90
        .init("ivh.i90", "GBPN") { $0.intensityAt(percent: 90) },
        // DDTU  V10 − V90
        .init("ivh.v10minusv90", "DDTU") { c in c.volumeAt(percent: 10).flatMap { a in c.volumeAt(percent: 90).map { a - $0 } } },
        // CNV2  I10 − I90
        .init("ivh.i10minusi90", "CNV2") { c in c.intensityAt(percent: 10).flatMap { a in c.intensityAt(percent: 90).map { a - $0 } } },
    ]

    /// Builds the IVH curve of a region per the settings.
    public static func curve(_ region: Region, settings: ExtractionSettings) throws -> Curve {
        let v = region.roiIntensities
        guard let vmin = v.min(), let vmax = v.max() else { throw PreprocessError("empty intensity mask") }
        let unit = region.unit
        switch settings.ivhDiscretisation {
        case .none:
            let lo = settings.resegmentLower.map { Preprocessing.fixedPointBound($0, unit: unit, lower: true) } ?? Int64(vmin)
            let hi = settings.resegmentUpper.map { Preprocessing.fixedPointBound($0, unit: unit, lower: false) } ?? Int64(vmax)
            return Curve(levels: v.map { Int64($0) }, lower: lo, upper: hi, offset: 0, scale: unit)
        case .fixedBinSize:
            guard let w = settings.ivhBinSize, w > 0, w.isFinite else { throw PreprocessError("IVH fixed bin size needs ivhBinSize > 0") }
            let xmin = settings.resegmentLower ?? Double(vmin) * unit
            let xmax = settings.resegmentUpper ?? Double(vmax) * unit
            let map = try Discretiser.levelMap(.fixedBinSize, binSize: w, binNumber: nil, lowerBound: xmin, unit: unit,
                                               roiMin: vmin, roiMax: vmax)
            let k = ((xmax - xmin) / w).rounded(.up) + 1
            guard k >= 1, k < 1e9 else { throw PreprocessError("IVH bin count out of range") }
            return Curve(levels: v.map { Int64(map.level($0)) }, lower: 1, upper: Int64(k), offset: xmin - 0.5 * w, scale: w)
        case .fixedBinNumber:
            guard let n = settings.ivhBinNumber, n >= 1 else { throw PreprocessError("IVH fixed bin number needs ivhBinNumber ≥ 1") }
            let map = try Discretiser.levelMap(.fixedBinNumber, binSize: nil, binNumber: n, lowerBound: nil, unit: unit,
                                               roiMin: vmin, roiMax: vmax)
            return Curve(levels: v.map { Int64(map.level($0)) }, lower: 1, upper: Int64(n), offset: 0, scale: 1)
        }
    }

    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] {
        do {
            return table.evaluate(on: try curve(input.region, settings: input.settings), aggregation: "")
        } catch {
            return table.map { Feature($0.tag, $0.ibsiID, "", nil, reason: "\(error)") }
        }
    }
}
