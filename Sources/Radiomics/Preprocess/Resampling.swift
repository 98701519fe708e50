import Imaging

/// Resampling on the IBSI-aligned grid, one axis at a time.
///
/// IBSI grid alignment ("align grid centres"): along an axis with `n` voxels of spacing `s`, the new grid
/// with spacing `s'` has `n' = ceil(n·s/s')` voxels and its centre coincides with the old grid's centre,
/// so new voxel `j` sits at old (fractional) index `p_j = j·g + o` with `g = s'/s` and
/// `o = (n−1)/2 − (n'−1)·g/2` (MIRP's `interpolate`). Interpolation is separable (x, then y, then z), so
/// trilinear/bilinear = three (two) 1-D linear passes and tricubic = three 1-D cubic B-spline passes.
/// Only + − × ÷ √ in a fixed order: bit-identical on every platform.
struct ResampledAxis: Sendable {
    /// Number of voxels of the new grid along this axis (over the whole file).
    var count: Int
    var spacing: Double
    /// Old-grid index of new voxel 0 and the step between new voxels, in old voxels (file coordinates).
    var origin: Double
    var step: Double
    /// True when the new grid equals the old one (positions are integers).
    var isIdentity: Bool

    init(oldCount: Int, oldSpacing: Double, newSpacing: Double?) {
        guard let ns = newSpacing, ns > 0, ns != oldSpacing else {
            count = oldCount; spacing = oldSpacing; origin = 0; step = 1; isIdentity = true; return
        }
        let n = (Double(oldCount) * (oldSpacing / ns)).rounded(.up)
        count = max(1, Int(n))
        spacing = ns
        step = ns / oldSpacing
        origin = 0.5 * (Double(oldCount) - 1) - 0.5 * (Double(count) - 1) * step
        isIdentity = false
    }

    /// Old-grid (file) index of new voxel `j`.
    @inline(__always) func position(_ j: Int) -> Double { isIdentity ? Double(j) : Double(j) * step + origin }
}

/// Interpolation kernels along one axis of a dense block.
enum Interpolator {
    /// One output sample = Σ weight·input[index], indices already clamped into the input.
    struct Tap: Sendable { var first: Int; var weights: [Double]; var indices: [Int] }

    /// Linear taps: input index `i0 = floor(p)`, `t = p − i0`; (1−t)·v[i0] + t·v[i0+1], indices clamped to
    /// `0..<n` (edge extension, scipy `mode='nearest'`).
    static func linearTap(_ p: Double, n: Int) -> Tap {
        let f = p.rounded(.down)
        let t = p - f
        let i0 = Int(f)
        return Tap(first: i0, weights: [1 - t, t], indices: [clamp(i0, n), clamp(i0 + 1, n)])
    }

    /// Cubic B-spline taps at `floor(p)−1 … floor(p)+2` (B-spline of order 3 evaluated at the knots).
    static func cubicTap(_ p: Double, n: Int) -> Tap {
        let f = p.rounded(.down)
        let t = p - f
        let i0 = Int(f)
        let u = 1 - t, t2 = t * t, t3 = t2 * t
        let w0 = u * u * u / 6
        let w1 = (4 - 6 * t2 + 3 * t3) / 6
        let w2 = (1 + 3 * t + 3 * t2 - 3 * t3) / 6
        let w3 = t3 / 6
        return Tap(first: i0 - 1, weights: [w0, w1, w2, w3],
                   indices: [clamp(i0 - 1, n), clamp(i0, n), clamp(i0 + 1, n), clamp(i0 + 2, n)])
    }

    @inline(__always) static func clamp(_ i: Int, _ n: Int) -> Int { i < 0 ? 0 : (i >= n ? n - 1 : i) }

    /// Cubic B-spline prefilter (interpolating coefficients) of one line in place: gain 6, causal and
    /// anti-causal recursions with pole z = √3 − 2 (Unser 1999). Causal start: Σ z^k c[k] over the first
    /// 40 samples (|z|^40 < 1e-22); anti-causal start: mirror-symmetric boundary.
    static func prefilterLine(_ c: inout [Double], start: Int, stride: Int, count n: Int) {
        if n < 2 { return }
        let z = 3.0.squareRoot() - 2
        for k in 0..<n { c[start + k * stride] *= 6 }
        var sum = 0.0, zk = 1.0
        for k in 0..<min(n, 40) { sum += zk * c[start + k * stride]; zk *= z }
        c[start] = sum
        for k in 1..<n { c[start + k * stride] += z * c[start + (k - 1) * stride] }
        let last = start + (n - 1) * stride
        c[last] = (z / (z * z - 1)) * (c[last] + z * c[last - stride])
        var k = n - 2
        while k >= 0 {
            let i = start + k * stride
            c[i] = z * (c[i + stride] - c[i])
            k -= 1
        }
    }
}

/// A dense block of doubles, x fastest.
struct Block: Sendable {
    var dims: Dims
    var values: [Double]
}

extension Block {
    /// Resamples along axis `axis` (0 = x, 1 = y, 2 = z) at the given taps (one per output index).
    func resampled(axis: Int, taps: [Interpolator.Tap]) -> Block {
        let d = dims
        let nOut = taps.count
        let od = axis == 0 ? Dims(nOut, d.y, d.z) : axis == 1 ? Dims(d.x, nOut, d.z) : Dims(d.x, d.y, nOut)
        var out = [Double](repeating: 0, count: od.count)
        let inStride = axis == 0 ? 1 : axis == 1 ? d.x : d.x * d.y
        let outStride = axis == 0 ? 1 : axis == 1 ? od.x : od.x * od.y
        // Lines along `axis`: iterate over the other two coordinates.
        let (na, nb) = axis == 0 ? (d.y, d.z) : axis == 1 ? (d.x, d.z) : (d.x, d.y)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for b in 0..<nb {
                    for a in 0..<na {
                        let inBase: Int, outBase: Int
                        switch axis {
                        case 0: inBase = d.index(0, a, b); outBase = od.index(0, a, b)
                        case 1: inBase = d.index(a, 0, b); outBase = od.index(a, 0, b)
                        default: inBase = d.index(a, b, 0); outBase = od.index(a, b, 0)
                        }
                        for (j, tap) in taps.enumerated() {
                            var s = 0.0
                            for m in 0..<tap.weights.count {
                                s += tap.weights[m] * src[inBase + tap.indices[m] * inStride]
                            }
                            dst[outBase + j * outStride] = s
                        }
                    }
                }
            }
        }
        return Block(dims: od, values: out)
    }
}
