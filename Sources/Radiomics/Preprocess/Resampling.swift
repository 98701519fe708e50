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
        count = n.isFinite ? max(1, Int(min(n, 1_073_741_824.0))) : 1 << 30   // absurd sizes are rejected by the caller
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
        c.withUnsafeMutableBufferPointer { prefilter($0, base: start, stride: stride, count: n, width: 1) }
    }

    /// The same recursion on `width` adjacent lines at once (element k of line i at base + k·stride + i), so
    /// y and z lines are filtered plane by plane, cache-friendly; every element sees the same operations.
    static func prefilter(_ c: UnsafeMutableBufferPointer<Double>, base: Int, stride: Int, count n: Int, width: Int) {
        if n < 2 { return }
        let z = 3.0.squareRoot() - 2
        for k in 0..<n { let b = base + k * stride; for i in 0..<width { c[b + i] *= 6 } }
        var sum = [Double](repeating: 0, count: width)
        var zk = 1.0
        for k in 0..<min(n, 40) {
            let b = base + k * stride
            for i in 0..<width { sum[i] += zk * c[b + i] }
            zk *= z
        }
        for i in 0..<width { c[base + i] = sum[i] }
        for k in 1..<n {
            let b = base + k * stride, p = b - stride
            for i in 0..<width { c[b + i] += z * c[p + i] }
        }
        let last = base + (n - 1) * stride
        let g = z / (z * z - 1)
        for i in 0..<width { c[last + i] = g * (c[last + i] + z * c[last - stride + i]) }
        var k = n - 2
        while k >= 0 {
            let b = base + k * stride
            for i in 0..<width { c[b + i] = z * (c[b + stride + i] - c[b + i]) }
            k -= 1
        }
    }

    /// Prefilters a block along `axis` (0 = x, 1 = y, 2 = z).
    static func prefilter(_ blk: inout Block, axis: Int) {
        let d = blk.dims
        blk.values.withUnsafeMutableBufferPointer { c in
            switch axis {
            case 0: for k in 0..<d.z { for j in 0..<d.y { prefilter(c, base: d.index(0, j, k), stride: 1, count: d.x, width: 1) } }
            case 1: for k in 0..<d.z { prefilter(c, base: d.index(0, 0, k), stride: d.x, count: d.y, width: d.x) }
            default: prefilter(c, base: 0, stride: d.x * d.y, count: d.z, width: d.x * d.y)
            }
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
    /// Each output is 0 + w₀v₀ + w₁v₁ + … in tap order (taps padded with zero weights to a common length,
    /// which adds exact zeros), so the result does not depend on the loop order chosen for speed.
    func resampled(axis: Int, taps: [Interpolator.Tap]) -> Block {
        let d = dims
        let nOut = taps.count
        let k = taps.map(\.weights.count).max() ?? 1
        var w = [Double](repeating: 0, count: nOut * k), idx = [Int](repeating: 0, count: nOut * k)
        for (j, t) in taps.enumerated() { for m in 0..<t.weights.count { w[j * k + m] = t.weights[m]; idx[j * k + m] = t.indices[m] } }
        let od = axis == 0 ? Dims(nOut, d.y, d.z) : axis == 1 ? Dims(d.x, nOut, d.z) : Dims(d.x, d.y, nOut)
        var out = [Double](repeating: 0, count: od.count)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                w.withUnsafeBufferPointer { w in
                    idx.withUnsafeBufferPointer { idx in
                        switch axis {
                        case 0:
                            for z in 0..<d.z { for y in 0..<d.y {
                                let ib = d.index(0, y, z), ob = od.index(0, y, z)
                                for j in 0..<nOut {
                                    var s = 0.0
                                    for m in 0..<k { s += w[j * k + m] * src[ib + idx[j * k + m]] }
                                    dst[ob + j] = s
                                }
                            } }
                        default:
                            // Lines along y (or z); x is contiguous in input and output, so it is the inner loop.
                            let (nb, inStride) = axis == 1 ? (d.z, d.x) : (d.y, d.x * d.y)
                            for b in 0..<nb {
                                for j in 0..<nOut {
                                    let ob = axis == 1 ? od.index(0, j, b) : od.index(0, b, j)
                                    for m in 0..<k {
                                        let wm = w[j * k + m]
                                        let ib = (axis == 1 ? d.index(0, 0, b) : d.index(0, b, 0)) + idx[j * k + m] * inStride
                                        for x in 0..<d.x { dst[ob + x] += wm * src[ib + x] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Block(dims: od, values: out)
    }
}
