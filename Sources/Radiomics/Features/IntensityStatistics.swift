/// IBSI 1 intensity-based statistical features (family UHIW), on the intensities X of the ROI intensity mask,
/// 3D (DHQ4). Sums of the fixed-point intensities are exact integers; central moments are summed in grid order.
public enum IntensityStatistics {
    /// The sample this family's formulas read: sorted values and exact sums, in real units via `unit`.
    public struct Sample: Sendable {
        /// ROI intensities (fixed point), ascending.
        public let sorted: [Int32]
        /// ROI intensities (fixed point), grid order.
        public let values: [Int32]
        public let unit: Double
        /// Mean μ and central moments m2, m3, m4 (population), in fixed-point units.
        public let mean: Double, m2: Double, m3: Double, m4: Double
        /// Σ X² in real units.
        public let energy: Double

        public init(values: [Int32], unit: Double) {
            self.values = values
            self.sorted = values.sorted()
            self.unit = unit
            let n = Double(values.count)
            let s1 = ExactSum.of(values.lazy.map { Int64($0) })
            let mu = s1 / n
            var a2 = 0.0, a3 = 0.0, a4 = 0.0
            for v in values { let e = Double(v) - mu; let e2 = e * e; a2 += e2; a3 += e2 * e; a4 += e2 * e2 }
            mean = mu; m2 = a2 / n; m3 = a3 / n; m4 = a4 / n
            energy = ExactSum.ofSquares(values) * unit * unit
        }
        public var count: Int { values.count }

        /// Percentile q (0…100) by linear interpolation between order statistics (numpy's default rule):
        /// h = (N−1)·q/100, X₍⌊h⌋₎ + (h − ⌊h⌋)(X₍⌊h⌋+1₎ − X₍⌊h⌋₎); fixed-point units.
        public func percentile(_ q: Int) -> Double { Percentile.linear(sorted, q) }

        /// Mean absolute deviation of the values in [lo, hi] from their own mean (fixed-point units).
        public func meanAbsoluteDeviation(from centre: Double? = nil, within lo: Double = -.infinity, _ hi: Double = .infinity) -> Double? {
            var s: Int64 = 0, n = 0
            for v in values where Double(v) >= lo && Double(v) <= hi { s += Int64(v); n += 1 }
            if n == 0 { return nil }
            let c = centre ?? Double(s) / Double(n)
            var a = 0.0
            for v in values where Double(v) >= lo && Double(v) <= hi { a += abs(Double(v) - c) }
            return a / Double(n)
        }
    }

    /// The 18 features: (tag, IBSI ID, formula). σ² = m2 (no bias correction); skewness and kurtosis are 0
    /// when σ² = 0 (IBSI).
    public static let table: [FeatureFormula<Sample>] = [
        // Q4LE  F = (1/Nv) Σ X
        .init("stat.mean", "Q4LE") { $0.mean * $0.unit },
        // ECT3  F = (1/Nv) Σ (X − μ)²
        .init("stat.var", "ECT3") { $0.m2 * $0.unit * $0.unit },
        // KE2A  F = m3 / m2^(3/2)
        .init("stat.skew", "KE2A") { $0.m2 == 0 ? 0 : $0.m3 / ($0.m2 * DetMath.sqrt($0.m2)) },
        // IPH6  F = m4 / m2² − 3
        .init("stat.kurt", "IPH6") { $0.m2 == 0 ? 0 : $0.m4 / ($0.m2 * $0.m2) - 3 },
        // Y12H  sample median
        .init("stat.median", "Y12H") { $0.percentile(50) * $0.unit },
        // 1GSF  min X
        .init("stat.min", "1GSF") { Double($0.sorted[0]) * $0.unit },
        // QG58  P10
        .init("stat.p10", "QG58") { $0.percentile(10) * $0.unit },
        // 8DWT  P90
        .init("stat.p90", "8DWT") { $0.percentile(90) * $0.unit },
        // 84IY  max X
        .init("stat.max", "84IY") { Double($0.sorted[$0.count - 1]) * $0.unit },
        // SALO  P75 − P25
        .init("stat.iqr", "SALO") { ($0.percentile(75) - $0.percentile(25)) * $0.unit },
        // 2OJQ  max X − min X
        .init("stat.range", "2OJQ") { Double(Int64($0.sorted[$0.count - 1]) - Int64($0.sorted[0])) * $0.unit },
        // 4FUA  (1/Nv) Σ |X − μ|
        .init("stat.mad", "4FUA") { s in s.meanAbsoluteDeviation(from: s.mean).map { $0 * s.unit } },
        // 1128  mean absolute deviation of X in [P10, P90] from its own mean
        .init("stat.rmad", "1128") { s in s.meanAbsoluteDeviation(within: s.percentile(10), s.percentile(90)).map { $0 * s.unit } },
        // N72L  (1/Nv) Σ |X − median|
        .init("stat.medad", "N72L") { s in s.meanAbsoluteDeviation(from: s.percentile(50)).map { $0 * s.unit } },
        // 7TET  σ / μ
        .init("stat.cov", "7TET") { $0.mean == 0 ? nil : DetMath.sqrt($0.m2) / $0.mean },
        // 9S40  (P75 − P25) / (P75 + P25)
        .init("stat.qcod", "9S40") { s in
            let a = s.percentile(75), b = s.percentile(25)
            return a + b == 0 ? nil : (a - b) / (a + b)
        },
        // N8CA  Σ X²
        .init("stat.energy", "N8CA") { $0.energy },
        // 5ZWQ  √(Σ X² / Nv)
        .init("stat.rms", "5ZWQ") { DetMath.sqrt($0.energy / Double($0.count)) },
    ]

    /// Computes this family's features on the intensity mask.
    public static func features(_ input: FeatureInput) -> [Feature] {
        let v = input.region.roiIntensities
        if v.isEmpty { return table.map { Feature($0.tag, $0.ibsiID, "", nil, reason: "empty intensity mask") } }
        return table.evaluate(on: Sample(values: v, unit: input.region.unit), aggregation: "")
    }
}

/// Percentiles of sorted integer samples.
enum Percentile {
    /// numpy's default ("linear") rule: h = (N−1)·q/100 computed exactly as a rational.
    static func linear(_ s: [Int32], _ q: Int) -> Double {
        let n = s.count
        if n == 0 { return .nan }
        let num = (n - 1) * q
        let i = num / 100, r = num % 100
        if r == 0 || i + 1 >= n { return Double(s[i]) }
        let a = Double(s[i]), b = Double(s[i + 1])
        return a + Double(r) / 100 * (b - a)
    }
}

/// Exact-as-possible sums of integers: Int64 while it does not overflow, then Double (same order everywhere).
enum ExactSum {
    static func of<S: Sequence>(_ xs: S) -> Double where S.Element == Int64 {
        var s: Int64 = 0
        var spill = 0.0
        for x in xs {
            let (r, o) = s.addingReportingOverflow(x)
            if o { spill += Double(s); s = x } else { s = r }
        }
        return spill + Double(s)
    }
    static func ofSquares(_ xs: [Int32]) -> Double {
        var s: Int64 = 0
        var spill = 0.0
        for v in xs {
            let x = Int64(v) * Int64(v)
            let (r, o) = s.addingReportingOverflow(x)
            if o { spill += Double(s); s = x } else { s = r }
        }
        return spill + Double(s)
    }
}
