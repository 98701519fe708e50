import Imaging

/// Errors of preprocessing and discretisation.
public struct PreprocessError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// IBSI image processing: resampling (grid centres aligned), intensity rounding, mask interpolation with a
/// partial-volume threshold, re-segmentation (range ∩ mean ± kσ, σ of the morphological ROI as MIRP computes it —
/// this order reproduces every config E reference value), crop to the ROI plus the local-intensity margin.
public enum Preprocessing {
    /// Radius (mm) of the 1 cm³ sphere of the local intensity peak, r = 10·(3/(4π))^(1/3) ≈ 6.2035 mm.
    public static let peakSphereRadius: Double = 10 * DetMath.cbrt(3 / (4 * DetMath.pi))

    /// Largest resampled crop accepted (voxels); interpolation holds a few Double copies of it.
    public static let maxBoxVoxels = 1 << 25

    /// Margin (mm) the reader must keep around the ROI's bounding box so that preprocessing on the crop equals
    /// preprocessing on the whole file: the local-intensity sphere + two new voxels of interpolation support,
    /// plus 12 original voxels for the cubic spline prefilter (its influence decays as 0.268ⁿ; scipy pads 12 too).
    public static func requiredMarginMM(settings: ExtractionSettings, spacing s: Spacing) -> Double {
        let rs = settings.resampleSpacing ?? []
        let newMax = rs.count == 3 ? max(rs[0], rs[1], settings.isSliceWise ? 0 : rs[2], s.x, s.y, s.z) : max(s.x, s.y, s.z)
        let prefilter = settings.interpolation == .tricubicSpline && rs.count == 3 ? 12 * max(s.x, s.y, s.z) : 0
        return peakSphereRadius + 2 * newMax + prefilter
    }

    /// Preprocesses `input` per `settings`.
    /// - Parameter fileDims: dims of the whole image file the input was cut from (grid alignment is on the file's
    ///   grid, as the IBSI and MIRP define it); nil = `input.fileDims`, else the input is taken as the whole file.
    ///   For tricubic interpolation the input should extend ≥ 12 voxels beyond the ROI box + 6.2 mm so the
    ///   spline prefilter sees (almost) the same data as on the whole image.
    public static func prepare(_ input: ImageWithMask, settings: ExtractionSettings, fileDims: Dims? = nil) throws -> Region {
        let img = input.image
        let d = img.dims
        guard input.mask.dims == d, img.voxels.count == d.count, input.mask.voxels.count == d.count else {
            throw PreprocessError("image and mask grids differ (\(d) vs \(input.mask.dims))")
        }
        guard let maskBox = input.mask.boundingBox else { throw PreprocessError("the mask is empty") }
        let sp = img.spacing
        guard sp.x > 0, sp.y > 0, sp.z > 0, sp.x.isFinite, sp.y.isFinite, sp.z.isFinite else {
            throw PreprocessError("invalid voxel spacing \(sp)")
        }
        guard settings.intensityUnit > 0, settings.intensityUnit.isFinite else {
            throw PreprocessError("intensityUnit must be positive")
        }
        let fd = fileDims ?? input.fileDims ?? Dims(d.x + img.offsetInFile.x, d.y + img.offsetInFile.y, d.z + img.offsetInFile.z)
        guard fd.x >= d.x + img.offsetInFile.x, fd.y >= d.y + img.offsetInFile.y, fd.z >= d.z + img.offsetInFile.z,
              img.offsetInFile.x >= 0, img.offsetInFile.y >= 0, img.offsetInFile.z >= 0 else {
            throw PreprocessError("the crop \(d) at offset \(img.offsetInFile) does not fit in the file dims \(fd)")
        }
        let off = (img.offsetInFile.x, img.offsetInFile.y, img.offsetInFile.z)

        // New grid per axis (file coordinates). 2D mode: z untouched.
        let rs = settings.resampleSpacing
        if let r = rs {
            guard r.count == 3 else { throw PreprocessError("resampleSpacing needs 3 values (x, y, z)") }
            guard r.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw PreprocessError("resampleSpacing must be ≥ 0 mm (0 = keep), got \(r)") }
        }
        let ax = [ResampledAxis(oldCount: fd.x, oldSpacing: sp.x, newSpacing: rs?[0]),
                  ResampledAxis(oldCount: fd.y, oldSpacing: sp.y, newSpacing: rs?[1]),
                  ResampledAxis(oldCount: fd.z, oldSpacing: sp.z, newSpacing: settings.isSliceWise ? nil : rs?[2])]
        let newDims = Dims(ax[0].count, ax[1].count, ax[2].count)
        guard newDims.x <= 1 << 15, newDims.y <= 1 << 15, newDims.z <= 1 << 15 else {
            throw PreprocessError("resampled grid \(newDims) is too large")
        }
        let spacing = Spacing(ax[0].spacing, ax[1].spacing, ax[2].spacing)
        let inOff = [off.0, off.1, off.2]
        let inN = [d.x, d.y, d.z]
        let mLo = [maskBox.lower.x, maskBox.lower.y, maskBox.lower.z]
        let mHi = [maskBox.upper.x, maskBox.upper.y, maskBox.upper.z]

        // 1. New voxels whose interpolated mask can be non-zero: old position strictly inside (lo−1, hi).
        var support: [Range<Int>] = []
        for a in 0..<3 {
            var lo = Int.max, hi = Int.min
            for j in 0..<ax[a].count {
                let p = ax[a].position(j) - Double(inOff[a])
                if p > Double(mLo[a] - 1) && p < Double(mHi[a]) { lo = min(lo, j); hi = max(hi, j + 1) }
            }
            if lo >= hi { throw PreprocessError("the mask lies outside the resampled grid") }
            support.append(lo..<hi)
        }
        let supportCount = support.reduce(1) { $0 * $1.count }
        guard supportCount <= maxBoxVoxels else {
            throw PreprocessError("the resampled ROI box has \(supportCount) voxels (at most \(maxBoxVoxels)): use a coarser resampling spacing")
        }
        let supportMask = sampleMask(input.mask, bounds: maskBox, axes: ax, box: support, offset: inOff, threshold: settings.maskThreshold)
        guard let tight = boundingBox(supportMask, dims: Dims(support[0].count, support[1].count, support[2].count)) else {
            throw PreprocessError("the mask is empty after resampling (partial-volume threshold \(settings.maskThreshold))")
        }
        // 2. Final crop: tight ROI box plus the local-intensity sphere margin, clipped to the new grid.
        var box: [Range<Int>] = []
        let spc = [spacing.x, spacing.y, spacing.z]
        for a in 0..<3 {
            let m = Int((peakSphereRadius / spc[a]).rounded(.up))
            let lo = support[a].lowerBound + tight[a].lowerBound, hi = support[a].lowerBound + tight[a].upperBound
            box.append(max(0, lo - m)..<min(ax[a].count, hi + m))
        }
        let outDims = Dims(box[0].count, box[1].count, box[2].count)
        guard outDims.count <= maxBoxVoxels else {
            throw PreprocessError("the resampled ROI box has \(outDims.count) voxels (at most \(maxBoxVoxels)): use a coarser resampling spacing")
        }
        let morph = sampleMask(input.mask, bounds: maskBox, axes: ax, box: box, offset: inOff, threshold: settings.maskThreshold)
        let values = sampleImage(img, axes: ax, box: box, offset: inOff, inDims: inN, settings: settings)

        // 3. Re-segmentation → intensity mask.
        let unit = img.unit
        let intensityMask = try resegment(values, morph: morph, unit: unit, settings: settings)
        return Region(dims: outDims, spacing: spacing, intensities: values, unit: unit,
                      morphMask: morph, intensityMask: intensityMask)
    }

    /// Interpolated mask on `box` of the new grid (linear, outside the input = 0), thresholded at `threshold`
    /// (compared after rounding to 6 decimals, as MIRP does: m ≥ threshold − 5·10⁻⁷).
    static func sampleMask(_ mask: Mask, bounds: Box, axes ax: [ResampledAxis], box: [Range<Int>], offset: [Int], threshold: Double) -> [UInt8] {
        let d = mask.dims
        let outDims = Dims(box[0].count, box[1].count, box[2].count)
        if ax.allSatisfy(\.isIdentity) {
            var out = [UInt8](repeating: 0, count: outDims.count)
            for k in 0..<outDims.z { for j in 0..<outDims.y { for i in 0..<outDims.x {
                let (x, y, z) = (box[0].lowerBound + i - offset[0], box[1].lowerBound + j - offset[1], box[2].lowerBound + k - offset[2])
                if x >= 0, y >= 0, z >= 0, x < d.x, y < d.y, z < d.z, mask.voxels[d.index(x, y, z)] != 0 {
                    out[outDims.index(i, j, k)] = 1
                }
            } } }
            return out
        }
        // The mask's bounding box plus one zero voxel on each side: clamped taps outside it read 0
        // (scipy mode='constant'), and the block stays small whatever the input size.
        let mb = bounds
        let lo = [mb.lower.x - 1, mb.lower.y - 1, mb.lower.z - 1]
        let pd = Dims(mb.dims.x + 2, mb.dims.y + 2, mb.dims.z + 2)
        var padded = [Double](repeating: 0, count: pd.count)
        for k in mb.lower.z..<mb.upper.z { for j in mb.lower.y..<mb.upper.y { for i in mb.lower.x..<mb.upper.x
            where mask.voxels[d.index(i, j, k)] != 0 {
            padded[pd.index(i - lo[0], j - lo[1], k - lo[2])] = 1
        } } }
        var blk = Block(dims: pd, values: padded)
        let n = [pd.x, pd.y, pd.z]
        for a in 0..<3 {
            let taps = box[a].map { j -> Interpolator.Tap in
                let p = ax[a].position(j) - Double(offset[a] + lo[a])
                if ax[a].isIdentity {
                    let i = Int(p)
                    return i < 0 || i >= n[a] ? .init(first: 0, weights: [0], indices: [0]) : .init(first: i, weights: [1], indices: [i])
                }
                if p <= -1 || p >= Double(n[a]) { return .init(first: 0, weights: [0], indices: [0]) }
                return Interpolator.linearTap(p, n: n[a])
            }
            blk = blk.resampled(axis: a, taps: taps)
        }
        let t = threshold - 5e-7
        return blk.values.map { $0 >= t ? 1 : 0 }
    }

    /// Interpolated, rounded intensities on `box` of the new grid (edge extension outside the input).
    static func sampleImage(_ img: Volume, axes ax: [ResampledAxis], box: [Range<Int>], offset: [Int], inDims: [Int],
                            settings: ExtractionSettings) -> [Int32] {
        let d = img.dims
        let outDims = Dims(box[0].count, box[1].count, box[2].count)
        if ax.allSatisfy(\.isIdentity) {
            var out = [Int32](repeating: 0, count: outDims.count)
            for k in 0..<outDims.z { for j in 0..<outDims.y { for i in 0..<outDims.x {
                let x = Interpolator.clamp(box[0].lowerBound + i - offset[0], d.x)
                let y = Interpolator.clamp(box[1].lowerBound + j - offset[1], d.y)
                let z = Interpolator.clamp(box[2].lowerBound + k - offset[2], d.z)
                out[outDims.index(i, j, k)] = img.voxels[d.index(x, y, z)]
            } } }
            return out
        }
        let cubic = settings.interpolation == .tricubicSpline
        let nearest = settings.interpolation == .nearest
        // Input sub-block covering every tap (plus 12 voxels for the spline prefilter, as scipy pads), edge-extended.
        let pad = cubic ? 12 : 0
        var lo = [0, 0, 0], hi = [0, 0, 0]
        for a in 0..<3 {
            let p0 = ax[a].position(box[a].lowerBound) - Double(offset[a])
            let p1 = ax[a].position(box[a].upperBound - 1) - Double(offset[a])
            lo[a] = Int(p0.rounded(.down)) - 2 - pad
            hi[a] = Int(p1.rounded(.down)) + 3 + pad
            if ax[a].isIdentity { lo[a] = Int(p0); hi[a] = Int(p1) + 1 }
        }
        let bd = Dims(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2])
        var vals = [Double](repeating: 0, count: bd.count)
        let xs = (0..<bd.x).map { Interpolator.clamp(lo[0] + $0, d.x) }
        img.voxels.withUnsafeBufferPointer { src in
            vals.withUnsafeMutableBufferPointer { dst in
                for k in 0..<bd.z {
                    let z = Interpolator.clamp(lo[2] + k, d.z)
                    for j in 0..<bd.y {
                        let row = d.index(0, Interpolator.clamp(lo[1] + j, d.y), z), o = bd.index(0, j, k)
                        for i in 0..<bd.x { dst[o + i] = Double(src[row + xs[i]]) }
                    }
                }
            }
        }
        var blk = Block(dims: bd, values: vals)
        let n = [bd.x, bd.y, bd.z]
        if cubic {
            // Prefilter only along resampled axes (an identity axis is sampled at the knots, where the spline equals the data).
            for a in 0..<3 where !ax[a].isIdentity && n[a] > 1 { Interpolator.prefilter(&blk, axis: a) }
        }
        for a in 0..<3 {
            let taps = box[a].map { j -> Interpolator.Tap in
                let p = ax[a].position(j) - Double(offset[a]) - Double(lo[a])
                if ax[a].isIdentity { let i = Interpolator.clamp(Int(p), n[a]); return .init(first: i, weights: [1], indices: [i]) }
                if nearest {
                    let i = Interpolator.clamp(Int(p.rounded(.toNearestOrEven)), n[a]); return .init(first: i, weights: [1], indices: [i])
                }
                return cubic ? Interpolator.cubicTap(p, n: n[a]) : Interpolator.linearTap(p, n: n[a])
            }
            blk = blk.resampled(axis: a, taps: taps)
        }
        // Round to the fixed-point unit (nearest, ties to even as numpy's round; intensities are stored as
        // fixed-point integers, so this also happens when `roundAfterInterpolation` is off); clamp into Int32.
        let lim = Double(Int32.max) - 1
        return blk.values.map { v in
            let r = v.rounded(.toNearestOrEven)
            return Int32(max(-lim, min(lim, r.isNaN ? 0 : r)))
        }
    }

    /// Tight bounding box (per-axis ranges) of the non-zero voxels, nil when empty.
    static func boundingBox(_ m: [UInt8], dims d: Dims) -> [Range<Int>]? {
        var lo = [Int.max, Int.max, Int.max], hi = [-1, -1, -1]
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x where m[d.index(i, j, k)] != 0 {
            lo[0] = min(lo[0], i); lo[1] = min(lo[1], j); lo[2] = min(lo[2], k)
            hi[0] = max(hi[0], i); hi[1] = max(hi[1], j); hi[2] = max(hi[2], k)
        } } }
        if hi[0] < 0 { return nil }
        return (0..<3).map { lo[$0]..<(hi[$0] + 1) }
    }

    /// A real-valued bound as a fixed-point threshold: the smallest integer v with v·unit ≥ x (`lower`) or
    /// the largest with v·unit ≤ x (upper). Values within 10⁻⁶ of an integer count as that integer.
    static func fixedPointBound(_ x: Double, unit: Double, lower: Bool) -> Int64 {
        let q = x / unit
        let r = q.rounded()
        if abs(q - r) <= 1e-6 * max(1, abs(q)) { return Int64(max(-9e18, min(9e18, r))) }
        return Int64(max(-9e18, min(9e18, lower ? q.rounded(.up) : q.rounded(.down))))
    }

    /// Intensity mask: the morphological mask restricted to [lower, upper] (real units) and, when set, to
    /// mean ± k·σ (population σ of the morphological-ROI intensities, as MIRP computes it; the two ranges intersect).
    static func resegment(_ v: [Int32], morph: [UInt8], unit: Double, settings: ExtractionSettings) throws -> [UInt8] {
        var lo = Int64.min, hi = Int64.max
        if let l = settings.resegmentLower { lo = fixedPointBound(l, unit: unit, lower: true) }
        if let u = settings.resegmentUpper { hi = fixedPointBound(u, unit: unit, lower: false) }
        var out = morph
        if let k = settings.outlierSigma {
            var n = 0, s: Int64 = 0
            for i in 0..<v.count where morph[i] != 0 { n += 1; s += Int64(v[i]) }
            if n > 0 {
                let mean = Double(s) / Double(n)
                var ss = 0.0
                for i in 0..<v.count where morph[i] != 0 { let e = Double(v[i]) - mean; ss += e * e }
                let sd = DetMath.sqrt(ss / Double(n))
                let a = mean - k * sd, b = mean + k * sd
                for i in 0..<v.count where out[i] != 0 {
                    let x = Double(v[i])
                    if x < a || x > b { out[i] = 0 }
                }
            }
        }
        for i in 0..<v.count where out[i] != 0 {
            let x = Int64(v[i])
            if x < lo || x > hi { out[i] = 0 }
        }
        if !out.contains(where: { $0 != 0 }) { throw PreprocessError("no ROI voxel is left after re-segmentation") }
        return out
    }
}
