/// IBSI 1 intensity histogram features (family ZVCW), on the discretised grey levels X_d (1…Ng) of the ROI
/// intensity mask, 3D (DHQ4). Everything derives from the integer histogram n_i, i = 1…Ng, p_i = n_i / Nv.
public enum IntensityHistogram {
    /// The integer histogram and its moments.
    public struct Histogram: Sendable {
        /// counts[i − 1] = n_i for i = 1…Ng (non-sparse: empty bins kept).
        public let counts: [Int64]
        public let total: Int64
        /// Mean μ = Σ i p_i and central moments m2, m3, m4 = Σ (i − μ)^k p_i.
        public let mean: Double, m2: Double, m3: Double, m4: Double

        public init(counts: [Int64]) {
            self.counts = counts
            var t: Int64 = 0, s: Int64 = 0
            for (k, c) in counts.enumerated() { t += c; s += Int64(k + 1) * c }
            total = t
            let n = Double(t)
            let mu = Double(s) / n
            var a2 = 0.0, a3 = 0.0, a4 = 0.0
            for (k, c) in counts.enumerated() where c > 0 {
                let e = Double(k + 1) - mu, e2 = e * e, w = Double(c)
                a2 += w * e2; a3 += w * e2 * e; a4 += w * e2 * e2
            }
            mean = mu; m2 = a2 / n; m3 = a3 / n; m4 = a4 / n
        }
        public var binCount: Int { counts.count }

        /// The k-th smallest level (0-based order statistic).
        func orderStatistic(_ k: Int64) -> Int {
            var c: Int64 = 0
            for (i, n) in counts.enumerated() { c += n; if c > k { return i + 1 } }
            return counts.count
        }
        /// Percentile q by numpy's linear rule on the order statistics, h = (Nv−1)·q/100.
        public func percentile(_ q: Int64) -> Double {
            let num = (total - 1) * q
            let i = num / 100, r = num % 100
            let a = Double(orderStatistic(i))
            if r == 0 || i + 1 >= total { return a }
            return a + Double(r) / 100 * (Double(orderStatistic(i + 1)) - a)
        }
        /// Mean |i − c| over the levels in [lo, hi]; c = their own mean when nil.
        public func meanAbsoluteDeviation(from centre: Double? = nil, within lo: Double = -.infinity, _ hi: Double = .infinity) -> Double? {
            var n: Int64 = 0, s: Int64 = 0
            for (k, c) in counts.enumerated() where Double(k + 1) >= lo && Double(k + 1) <= hi { n += c; s += Int64(k + 1) * c }
            if n == 0 { return nil }
            let ctr = centre ?? Double(s) / Double(n)
            var a = 0.0
            for (k, c) in counts.enumerated() where c > 0 && Double(k + 1) >= lo && Double(k + 1) <= hi {
                a += Double(c) * abs(Double(k + 1) - ctr)
            }
            return a / Double(n)
        }
        /// Histogram gradient H′ (IBSI): n₂−n₁ at i = 1, (n_{i+1}−n_{i−1})/2 inside, n_Ng − n_{Ng−1} at Ng.
        public var gradient: [Double] {
            let g = counts.count
            if g < 2 { return [Double](repeating: 0, count: g) }
            return (0..<g).map { i in
                i == 0 ? Double(counts[1] - counts[0])
                    : i == g - 1 ? Double(counts[g - 1] - counts[g - 2])
                    : Double(counts[i + 1] - counts[i - 1]) / 2
            }
        }
        var minLevel: Int { (counts.firstIndex { $0 > 0 } ?? 0) + 1 }
        var maxLevel: Int { (counts.lastIndex { $0 > 0 } ?? 0) + 1 }
    }

    /// The 23 features: (tag, IBSI ID, formula).
    public static let table: [FeatureFormula<Histogram>] = [
        // X6K6  μ = Σ i p_i
        .init("ih.mean", "X6K6") { $0.mean },
        // CH89  Σ (i − μ)² p_i
        .init("ih.var", "CH89") { $0.m2 },
        // 88K1  m3 / m2^(3/2), 0 when m2 = 0
        .init("ih.skew", "88K1") { $0.m2 == 0 ? 0 : $0.m3 / ($0.m2 * DetMath.sqrt($0.m2)) },
        // C3I7  m4 / m2² − 3, 0 when m2 = 0
        .init("ih.kurt", "C3I7") { $0.m2 == 0 ? 0 : $0.m4 / ($0.m2 * $0.m2) - 3 },
        // WIFQ  median of X_d
        .init("ih.median", "WIFQ") { $0.percentile(50) },
        // 1PR8  min X_d
        .init("ih.min", "1PR8") { Double($0.minLevel) },
        // 1PR   P10 of X_d
        .init("ih.p10", "1PR") { $0.percentile(10) },
        // GPMT  P90 of X_d
        .init("ih.p90", "GPMT") { $0.percentile(90) },
        // 3NCY  max X_d
        .init("ih.max", "3NCY") { Double($0.maxLevel) },
        // AMMC  level with the highest count; ties → closest to μ, then the lower one
        .init("ih.mode", "AMMC") { h in
            let top = h.counts.max() ?? 0
            var best = 0, bestDist = Double.infinity
            for (k, c) in h.counts.enumerated() where c == top {
                let dist = abs(Double(k + 1) - h.mean)
                if dist < bestDist { best = k + 1; bestDist = dist }
            }
            return Double(best)
        },
        // WR0O  P75 − P25
        .init("ih.iqr", "WR0O") { $0.percentile(75) - $0.percentile(25) },
        // 5Z3W  max X_d − min X_d
        .init("ih.range", "5Z3W") { Double($0.maxLevel - $0.minLevel) },
        // D2ZX  (1/Nv) Σ |X_d − μ|
        .init("ih.mad", "D2ZX") { $0.meanAbsoluteDeviation(from: $0.mean) },
        // WRZB  mean absolute deviation of X_d in [P10, P90] from its own mean
        .init("ih.rmad", "WRZB") { $0.meanAbsoluteDeviation(within: $0.percentile(10), $0.percentile(90)) },
        // 4RNL  (1/Nv) Σ |X_d − median|
        .init("ih.medad", "4RNL") { $0.meanAbsoluteDeviation(from: $0.percentile(50)) },
        // CWYJ  σ / μ
        .init("ih.cov", "CWYJ") { $0.mean == 0 ? nil : DetMath.sqrt($0.m2) / $0.mean },
        // SLWD  (P75 − P25) / (P75 + P25)
        .init("ih.qcod", "SLWD") { h in
            let a = h.percentile(75), b = h.percentile(25)
            return a + b == 0 ? nil : (a - b) / (a + b)
        },
        // TLU2  −Σ p_i log₂ p_i
        .init("ih.entropy", "TLU2") { h in
            let n = Double(h.total)
            var s = 0.0
            for c in h.counts where c > 0 { let p = Double(c) / n; s -= p * DetMath.log2(p) }
            return s
        },
        // BJ5W  Σ p_i²
        .init("ih.uniformity", "BJ5W") { h in
            var s: Int64 = 0
            for c in h.counts { s += c * c }
            return Double(s) / (Double(h.total) * Double(h.total))
        },
        // 12CE  max H′
        .init("ih.max.grad", "12CE") { $0.gradient.max() },
        // 8E6O  i of max H′ (first)
        .init("ih.max.grad.gl", "8E6O") { h in
            let g = h.gradient
            return g.max().flatMap { m in g.firstIndex(of: m) }.map { Double($0 + 1) }
        },
        // VQB3  min H′
        .init("ih.min.grad", "VQB3") { $0.gradient.min() },
        // RHQZ  i of min H′ (first)
        .init("ih.min.grad.gl", "RHQZ") { h in
            let g = h.gradient
            return g.min().flatMap { m in g.firstIndex(of: m) }.map { Double($0 + 1) }
        },
    ]

    /// Computes this family's features on the discretised intensity mask.
    public static func features(_ input: FeatureInput) -> [Feature] {
        let lv = input.levels
        let ng = max(lv.count, Int(lv.levels.max() ?? 0))
        var counts = [Int64](repeating: 0, count: max(ng, 1))
        var total: Int64 = 0
        for l in lv.levels where l > 0 { counts[Int(l) - 1] += 1; total += 1 }
        if total == 0 { return table.map { Feature($0.tag, $0.ibsiID, "", nil, reason: "empty intensity mask") } }
        return table.evaluate(on: Histogram(counts: counts), aggregation: "")
    }
}
