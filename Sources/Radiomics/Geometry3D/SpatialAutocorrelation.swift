import Imaging

/// Moran's I (IBSI N365) and Geary's C (IBSI NPT7) with inverse-distance weights over **all**
/// voxel pairs of the intensity mask, computed exactly (no subsampling).
///
/// With y = (x − μ)·m (m = intensity mask) and K(d) = 1/‖d‖ (K(0) = 0):
///   Σw = ⟨m, K∗m⟩,  Σ w·yᵢyⱼ = ⟨y, K∗y⟩,  Σ w·(yᵢ − yⱼ)² = 2⟨y², K∗m⟩ − 2⟨y, K∗y⟩.
/// Small ROIs sum the pairs directly (O(n²)); larger ones evaluate the three inner products slice
/// pair by slice pair in the 2-D Fourier domain (Parseval on zero-padded slices, radix-2 FFT):
/// ⟨a, K∗b⟩ = (1/G) Σ_f Σ_{k,k'} â_k(f)·K̂_{|k−k'|}(f)·conj(b̂_k'(f)), with K_d the in-plane kernel
/// at slice distance d. Only the slices are padded; the transforms are kept only for a block of
/// frequency columns at a time (`spectralRowBudget`, SpatialAutocorrelationSpectral.swift), so
/// memory stays at about 8 MB + 24 bytes per padded in-plane point + 4 bytes per ROI-box voxel.
/// The FFT twiddle factors come from half-angle square roots: deterministic without libm.
public enum SpatialAutocorrelation {
    /// How the pair sums are evaluated (same value up to rounding).
    public enum Method: Sendable { case direct, spectral }
    /// Pair-sum limit: below this voxel count the O(n²) direct sum is used.
    public static let directLimit = 2048
    /// Largest spectral work grid (padded slice points × slices); beyond it the features are
    /// reported undefined (the time grows as points × slices). IBSI CT config A needs
    /// 256·256·26 = 1.7·10⁶ points, configs C–E 128·128·40 = 0.66·10⁶, a 10 cm tumour at
    /// 0.75 × 0.75 × 2.5 mm 256·256·37 = 2.4·10⁶.
    public static let maxGridPoints = 1 << 22

    /// Returns (Moran's I, Geary's C), or a reason why they are undefined.
    /// `positions` are voxel indices, `values` the fixed-point intensities (both features are
    /// invariant to the intensity unit), `spacing` in mm.
    /// `method` forces one evaluation (nil: direct up to `directLimit` voxels, spectral above).
    public static func compute(positions: [(Int, Int, Int)], values: [Int32], spacing: Spacing,
                               method: Method? = nil) -> Result<(moran: Double, geary: Double), ReasonError> {
        guard values.count >= 2, positions.count == values.count else {
            return .failure(ReasonError("fewer than 2 voxels in the intensity mask"))
        }
        var lo = positions[0], hi = positions[0]
        for p in positions {
            lo = (min(lo.0, p.0), min(lo.1, p.1), min(lo.2, p.2)); hi = (max(hi.0, p.0), max(hi.1, p.1), max(hi.2, p.2))
        }
        let ext = (hi.0 - lo.0 + 1, hi.1 - lo.1 + 1, hi.2 - lo.2 + 1)
        return evaluate(values: values, lo: lo, ext: ext, spacing: spacing, method: method, positions: { positions }, boxIndex: {
            var at = [Int32](repeating: -1, count: ext.0 * ext.1 * ext.2)
            for (n, p) in positions.enumerated() { at[((p.2 - lo.2) * ext.1 + (p.1 - lo.1)) * ext.0 + (p.0 - lo.0)] = Int32(n) }
            return at
        })
    }

    /// The same for the voxels of `mask` (non-zero) on a grid of `dims`, taken in grid order (x fastest) with
    /// `values` their fixed-point intensities in that order — without a list of positions.
    public static func compute(mask: [UInt8], dims d: Dims, values: [Int32], spacing: Spacing,
                               method: Method? = nil) -> Result<(moran: Double, geary: Double), ReasonError> {
        guard values.count >= 2, mask.count == d.count else { return .failure(ReasonError("fewer than 2 voxels in the intensity mask")) }
        var lo = (Int.max, Int.max, Int.max), hi = (Int.min, Int.min, Int.min), n = 0
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x where mask[d.index(i, j, k)] != 0 {
            lo = (min(lo.0, i), min(lo.1, j), min(lo.2, k)); hi = (max(hi.0, i), max(hi.1, j), max(hi.2, k)); n += 1
        } } }
        guard n == values.count else { return .failure(ReasonError("mask and intensities differ in size")) }
        let ext = (hi.0 - lo.0 + 1, hi.1 - lo.1 + 1, hi.2 - lo.2 + 1)
        func each(_ body: (Int, Int, Int, Int) -> Void) {
            var n = 0
            for k in lo.2...hi.2 { for j in lo.1...hi.1 { for i in lo.0...hi.0 where mask[d.index(i, j, k)] != 0 {
                body(i, j, k, n); n += 1
            } } }
        }
        return evaluate(values: values, lo: lo, ext: ext, spacing: spacing, method: method, positions: {
            var p: [(Int, Int, Int)] = []
            p.reserveCapacity(n)
            each { i, j, k, _ in p.append((i, j, k)) }
            return p
        }, boxIndex: {
            var at = [Int32](repeating: -1, count: ext.0 * ext.1 * ext.2)
            each { i, j, k, n in at[((k - lo.2) * ext.1 + (j - lo.1)) * ext.0 + (i - lo.0)] = Int32(n) }
            return at
        })
    }

    /// Shared core: mean, variance, then the pair sums directly (positions) or spectrally (box index).
    static func evaluate(values: [Int32], lo: (Int, Int, Int), ext: (Int, Int, Int), spacing: Spacing, method: Method?,
                         positions: () -> [(Int, Int, Int)], boxIndex: () -> [Int32])
        -> Result<(moran: Double, geary: Double), ReasonError> {
        let n = values.count
        var sum = 0.0
        for v in values { sum += Double(v) }
        let mu = sum / Double(n)
        var ss = 0.0
        for v in values { let y = Double(v) - mu; ss += y * y }
        guard ss > 0 else { return .failure(ReasonError("constant intensity in the ROI")) }
        let sums: (w: Double, yy: Double, y2m: Double)
        if (method ?? (n <= directLimit ? .direct : .spectral)) == .direct {
            sums = direct(positions: positions(), values: values, mu: mu, lo: lo, ext: ext, spacing: spacing)
        } else {
            func pow2(_ l: Int) -> Int { var s = 1; while s < 2 * l - 1 { s <<= 1 }; return s }
            let gx = pow2(ext.0), gy = pow2(ext.1)
            guard gx <= maxGridPoints / gy / ext.2 else {
                return .failure(ReasonError("ROI too large for Moran's I / Geary's C (spectral grid above \(maxGridPoints) points)"))
            }
            sums = spectral(at: boxIndex(), values: values, mu: mu, ext: ext, plane: (gx, gy), spacing: spacing)
        }
        guard sums.w > 0 else { return .failure(ReasonError("no voxel pairs")) }
        let moran = Double(n) / sums.w * sums.yy / ss
        let geary = Double(n - 1) / (2 * sums.w) * (2 * sums.y2m - 2 * sums.yy) / ss
        return .success((moran, geary))
    }

    /// Inverse-distance weight table indexed by |Δi|, |Δj|, |Δk| (0 at the origin).
    static func weights(ext: (Int, Int, Int), spacing: Spacing) -> [Double] {
        var w = [Double](repeating: 0, count: ext.0 * ext.1 * ext.2)
        for k in 0..<ext.2 { for j in 0..<ext.1 { for i in 0..<ext.0 where i + j + k > 0 {
            let dx = Double(i) * spacing.x, dy = Double(j) * spacing.y, dz = Double(k) * spacing.z
            w[(k * ext.1 + j) * ext.0 + i] = 1 / (dx * dx + dy * dy + dz * dz).squareRoot()
        } } }
        return w
    }

    /// Σw, Σ w·yᵢyⱼ and Σ w·yᵢ² over ordered pairs i ≠ j, summed pair by pair.
    static func direct(positions: [(Int, Int, Int)], values: [Int32], mu: Double, lo: (Int, Int, Int),
                       ext: (Int, Int, Int), spacing: Spacing) -> (w: Double, yy: Double, y2m: Double) {
        // A weight table when the ROI box is small; a sparse ROI in a huge box computes each weight.
        let table = ext.0 <= (1 << 22) / ext.1 / ext.2 ? weights(ext: ext, spacing: spacing) : nil
        let n = values.count
        let y = values.map { Double($0) - mu }
        var sw = 0.0, syy = 0.0, sy2 = 0.0
        for a in 0..<n {
            let pa = positions[a]
            var rw = 0.0, ry = 0.0
            for b in 0..<n where b != a {
                let pb = positions[b]
                let di = abs(pa.0 - pb.0), dj = abs(pa.1 - pb.1), dk = abs(pa.2 - pb.2)
                let wab: Double
                if let w = table {
                    wab = w[(dk * ext.1 + dj) * ext.0 + di]
                } else {
                    let dx = Double(di) * spacing.x, dy = Double(dj) * spacing.y, dz = Double(dk) * spacing.z
                    wab = 1 / (dx * dx + dy * dy + dz * dz).squareRoot()
                }
                rw += wab; ry += wab * y[b]
            }
            sw += rw; syy += y[a] * ry; sy2 += y[a] * y[a] * rw
        }
        return (sw, syy, sy2)
    }
}

/// A reason a feature is undefined, as an error value.
public struct ReasonError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Radix-2 complex FFT (forward, unnormalised) with deterministic twiddle factors.
/// Loops are written with raw pointers and `while` so that debug builds stay usable.
enum FFT {
    /// In-place transform of the grid of `g` points at `r`, `m` (power-of-two sides, x fastest).
    static func transformGrid(_ r: UnsafeMutablePointer<Double>, _ m: UnsafeMutablePointer<Double>, _ g: (Int, Int, Int)) {
        let sides = [g.0, g.1, g.2]
        let strides = [1, g.0, g.0 * g.1]
        let total = g.0 * g.1 * g.2
        for axis in 0..<3 {
            let len = sides[axis], stride = strides[axis]
            if len < 2 { continue }
            let plan = Plan(len)
            let tr = UnsafeMutablePointer<Double>.allocate(capacity: len), ti = UnsafeMutablePointer<Double>.allocate(capacity: len)
            defer { tr.deallocate(); ti.deallocate() }
            plan.withTables { rev, cosT, sinT in
                // Every line along `axis` starts at a grid point with coordinate 0 on it.
                let lines = total / len
                var line = 0
                while line < lines {
                    let start = (line / stride) * stride * len + line % stride
                    if stride == 1 {
                        Plan.run(len, r + start, m + start, rev, cosT, sinT)
                    } else {
                        var o = start, t = 0
                        while t < len { tr[t] = r[o]; ti[t] = m[o]; o += stride; t += 1 }
                        Plan.run(len, tr, ti, rev, cosT, sinT)
                        o = start; t = 0
                        while t < len { r[o] = tr[t]; m[o] = ti[t]; o += stride; t += 1 }
                    }
                    line += 1
                }
            }
        }
    }

    /// Bit-reversal table and twiddles exp(−2πik/n) for one length.
    struct Plan {
        let n: Int
        var reverse: [Int]
        var cosT: [Double], sinT: [Double]

        init(_ n: Int) {
            self.n = n
            var bits = 0
            while (1 << bits) < n { bits += 1 }
            reverse = (0..<n).map { i in
                var r = 0, v = i
                for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
                return r
            }
            // cos, sin of 2π/2^j by half angles: j = 1 → π, j = 2 → π/2, then √((1 + c)/2).
            var baseC = [Double](repeating: 0, count: bits + 1), baseS = baseC
            if bits >= 1 { baseC[1] = -1; baseS[1] = 0 }
            if bits >= 2 { baseC[2] = 0; baseS[2] = 1 }
            if bits >= 3 {
                for j in 3...bits {
                    let c = ((1 + baseC[j - 1]) / 2).squareRoot()
                    baseC[j] = c; baseS[j] = baseS[j - 1] / (2 * c)
                }
            }
            // Twiddle k: the product over k's set bits b of the angle 2π·2^b/n = 2π/2^(bits−b).
            var c = [Double](repeating: 1, count: max(1, n / 2)), s = [Double](repeating: 0, count: max(1, n / 2))
            for k in 0..<(n / 2) {
                var cr = 1.0, ci = 0.0
                for b in 0..<bits where k & (1 << b) != 0 {
                    let wr = baseC[bits - b], wi = -baseS[bits - b]
                    let nr = cr * wr - ci * wi, ni = cr * wi + ci * wr
                    cr = nr; ci = ni
                }
                c[k] = cr; s[k] = ci
            }
            cosT = c; sinT = s
        }

        func withTables(_ body: (UnsafePointer<Int>, UnsafePointer<Double>, UnsafePointer<Double>) -> Void) {
            reverse.withUnsafeBufferPointer { r in cosT.withUnsafeBufferPointer { c in sinT.withUnsafeBufferPointer { s in
                body(r.baseAddress!, c.baseAddress!, s.baseAddress!)
            } } }
        }

        /// Iterative decimation-in-time transform of `n` contiguous values — `Double`s, or `SIMD2<Double>`s to
        /// transform two signals at once (each lane performs exactly the scalar operations).
        static func run<V: FFTValue>(_ n: Int, _ re: UnsafeMutablePointer<V>, _ im: UnsafeMutablePointer<V>,
                                     _ rev: UnsafePointer<Int>, _ cosT: UnsafePointer<Double>, _ sinT: UnsafePointer<Double>) {
            var i = 0
            while i < n {
                let j = rev[i]
                if i < j {
                    let tr = re[i]; re[i] = re[j]; re[j] = tr
                    let ti = im[i]; im[i] = im[j]; im[j] = ti
                }
                i += 1
            }
            var size = 2
            while size <= n {
                let half = size / 2, step = n / size
                var start = 0
                while start < n {
                    var k = 0, w = 0
                    var a = re + start, b = im + start
                    while k < half {
                        let wr = cosT[w], wi = sinT[w]
                        let br = a[half], bi = b[half]
                        let p1 = br * wr, p2 = bi * wi, p3 = br * wi, p4 = bi * wr
                        let vr = p1 - p2, vi = p3 + p4
                        let ar = a.pointee, ai = b.pointee
                        a[half] = ar - vr; b[half] = ai - vi
                        a.pointee = ar + vr; b.pointee = ai + vi
                        a += 1; b += 1; k += 1; w += step
                    }
                    start += size
                }
                size <<= 1
            }
        }
    }
}

/// A value the FFT transforms: one `Double`, or one per SIMD lane (lane-wise IEEE operations, same order).
protocol FFTValue {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Double) -> Self
}
extension Double: FFTValue {}
extension SIMD2: FFTValue where Scalar == Double {}
