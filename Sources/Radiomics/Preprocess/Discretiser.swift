/// Grey-level discretisation (IBSI 1, "Discretisation"), in integer arithmetic on the fixed-point intensities.
public enum Discretiser {
    /// Largest number of grey levels accepted (texture matrices are Ng × Ng).
    public static let maxLevels = 1 << 16

    /// Discretised grey levels of the intensity mask (0 outside).
    /// - `.none`: the fixed-point intensities are the levels (must be ≥ 1); Ng = the ROI maximum.
    /// - `.fixedBinSize` (IBSI FBS): `floor((X − X_min)/w) + 1`, X_min = `binLowerBound` ?? `resegmentLower` ??
    ///   ROI minimum; levels below 1 become 1; Ng = the highest level in the ROI (as MIRP).
    /// - `.fixedBinNumber` (IBSI FBN): `floor(Ng·(X − X_min)/(X_max − X_min)) + 1`, X = X_max → Ng
    ///   (ROI min/max); a constant ROI gets level ⌈Ng/2⌉ (as MIRP).
    public static func greyLevels(_ region: Region, settings: ExtractionSettings) throws -> GreyLevels {
        let roi = region.roiIntensities
        guard let vmin = roi.min(), let vmax = roi.max() else { throw PreprocessError("the intensity mask is empty") }
        let m = try levelMap(settings.discretisation, binSize: settings.binSize, binNumber: settings.binNumber,
                             lowerBound: settings.binLowerBound ?? settings.resegmentLower,
                             unit: region.unit, roiMin: vmin, roiMax: vmax)
        var lv = [Int32](repeating: 0, count: region.intensities.count)
        var top: Int32 = 0
        for n in 0..<lv.count where region.intensityMask[n] != 0 {
            let l = m.level(region.intensities[n])
            lv[n] = l
            top = max(top, l)
        }
        let count = m.fixedCount ?? Int(top)
        guard count <= maxLevels else {
            throw PreprocessError("discretisation gives \(count) grey levels (at most \(maxLevels)): use a larger bin size or fewer bins")
        }
        return GreyLevels(dims: region.dims, spacing: region.spacing, levels: lv, count: count)
    }

    /// Maps a fixed-point intensity to its grey level.
    public struct LevelMap: Sendable {
        enum Kind: Sendable { case identity, binSize(p: Int64, q: Int64, m: Int64), binSizeReal(w: Double, lo: Double),
                              binNumber(n: Int64, lo: Int64, span: Int64), constant(Int32) }
        let kind: Kind
        /// Ng when fixed by the method (FBN), nil when it is the highest level present.
        public let fixedCount: Int?

        /// The grey level of fixed-point intensity `v`.
        public func level(_ v: Int32) -> Int32 {
            switch kind {
            case .identity: return v
            case let .binSize(p, q, m):
                // floor((v·q − m) / p) + 1, at least 1.
                let num = Int64(v) * q - m
                let f = num >= 0 ? num / p : -((-num + p - 1) / p)
                return Int32(clamping: max(1, f + 1))
            case let .binSizeReal(w, lo):
                let f = ((Double(v) - lo) / w).rounded(.down)
                return Int32(clamping: max(1, Int64(max(-1e15, min(1e15, f.isNaN ? 0 : f))) + 1))
            case let .binNumber(n, lo, span):
                let f = n * (Int64(v) - lo) / span + 1
                return Int32(clamping: min(n, max(1, f)))
            case let .constant(c): return c
            }
        }
    }

    /// Builds the level map of a discretisation. `binSize` and `lowerBound` are in real units; they are
    /// expressed in fixed-point units as a rational p/q (q ≤ 1000) so binning is exact integer arithmetic.
    public static func levelMap(_ method: ExtractionSettings.Discretisation, binSize: Double?, binNumber: Int?,
                                lowerBound: Double?, unit: Double, roiMin: Int32, roiMax: Int32) throws -> LevelMap {
        switch method {
        case .none:
            guard roiMin >= 1 else {
                throw PreprocessError("discretisation 'none' needs intensities that are grey levels ≥ 1 (minimum is \(Double(roiMin) * unit))")
            }
            return LevelMap(kind: .identity, fixedCount: nil)
        case .fixedBinSize:
            guard let w = binSize, w > 0, w.isFinite else { throw PreprocessError("fixed bin size needs binSize > 0") }
            let wu = w / unit
            let lo = lowerBound.map { $0 / unit } ?? Double(roiMin)
            guard lo.isFinite, abs(lo) < 1e15 else { throw PreprocessError("invalid bin lower bound") }
            for q in 1...1000 {
                let pq = wu * Double(q), mq = lo * Double(q)
                let pr = pq.rounded(), mr = mq.rounded()
                if abs(pq - pr) <= 1e-9 * max(1, pq), abs(mq - mr) <= 1e-9 * max(1, abs(mq)), pr >= 1, pr < 1e15, abs(mr) < 1e15 {
                    return LevelMap(kind: .binSize(p: Int64(pr), q: Int64(q), m: Int64(mr)), fixedCount: nil)
                }
            }
            return LevelMap(kind: .binSizeReal(w: wu, lo: lo), fixedCount: nil)
        case .fixedBinNumber:
            guard let n = binNumber, n >= 1, n <= 1 << 20 else { throw PreprocessError("fixed bin number needs 1 ≤ binNumber ≤ 1048576") }
            if roiMax == roiMin {
                return LevelMap(kind: .constant(Int32((n + 1) / 2)), fixedCount: n)
            }
            return LevelMap(kind: .binNumber(n: Int64(n), lo: Int64(roiMin), span: Int64(roiMax) - Int64(roiMin)), fixedCount: n)
        }
    }
}
