import Radiomics

/// SplitMix64 (Steele, Lea & Flood 2014): a seeded integer PRNG, identical on every platform.
public struct SplitMix64: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state = state &+ 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    /// Uniform integer in 0..<n (rejection sampling, no modulo bias).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true { let r = next(); if r < limit { return Int(r % bound) } }
    }
    /// Uniform double in [0, 1) from the top 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Standard normal by the Marsaglia polar method with DetMath (deterministic).
    public mutating func normal() -> Double {
        while true {
            let a = 2 * uniform() - 1, b = 2 * uniform() - 1
            let s = a * a + b * b
            if s > 0 && s < 1 { return a * DetMath.sqrt(-2 * DetMath.log(s) / s) }
        }
    }
}

/// Discrimination and calibration statistics for a binary outcome (1 = event).
public enum BinaryMetrics {
    /// Area under the ROC curve = Mann–Whitney U / (n₁·n₀), ties counted ½ (mid-ranks). nil when one class is empty.
    public static func auc(_ scores: [Double], _ y: [Int]) -> Double? {
        let n = scores.count
        let order = (0..<n).sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: n)
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let mid = Double(i + j + 2) / 2          // ranks are 1-based
            for k in i...j { ranks[order[k]] = mid }
            i = j + 1
        }
        var n1 = 0.0, r1 = 0.0
        for k in 0..<n where y[k] == 1 { n1 += 1; r1 += ranks[k] }
        let n0 = Double(n) - n1
        guard n1 > 0, n0 > 0 else { return nil }
        return (r1 - n1 * (n1 + 1) / 2) / (n1 * n0)
    }

    /// Percentile bootstrap 95 % CI of the AUC: `replicates` resamples of the rows with replacement (seeded);
    /// resamples with a single class are skipped. Percentiles by linear interpolation (type 7).
    public static func bootstrapAUC(_ scores: [Double], _ y: [Int], replicates: Int, seed: UInt64) -> (lower: Double, upper: Double)? {
        let n = scores.count
        guard n > 1, replicates > 1 else { return nil }
        var rng = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(replicates)
        var s = [Double](repeating: 0, count: n), t = [Int](repeating: 0, count: n)
        for _ in 0..<replicates {
            for k in 0..<n { let r = rng.below(n); s[k] = scores[r]; t[k] = y[r] }
            if let a = auc(s, t) { values.append(a) }
        }
        guard values.count > 1 else { return nil }
        values.sort()
        return (quantile(values, 0.025), quantile(values, 0.975))
    }

    /// Type-7 quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let lo = Int(h), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// Sensitivity and specificity of the rule "p ≥ threshold means event".
    public static func sensitivitySpecificity(_ p: [Double], _ y: [Int], threshold: Double) -> (sensitivity: Double, specificity: Double) {
        var tp = 0.0, fn = 0.0, tn = 0.0, fp = 0.0
        for (pi, yi) in zip(p, y) {
            if yi == 1 { if pi >= threshold { tp += 1 } else { fn += 1 } } else { if pi >= threshold { fp += 1 } else { tn += 1 } }
        }
        return (tp + fn > 0 ? tp / (tp + fn) : .nan, tn + fp > 0 ? tn / (tn + fp) : .nan)
    }

    /// Calibration slope: b in logit P(y) = a + b·logit(p); calibration-in-the-large: a in logit P(y) = a + logit(p)
    /// (offset, slope fixed at 1). Both by Newton–Raphson on the binomial likelihood.
    public static func calibration(_ p: [Double], _ y: [Int]) -> (slope: Double, intercept: Double)? {
        let lp = p.map { q -> Double in let c = min(max(q, 1e-12), 1 - 1e-12); return DetMath.log(c / (1 - c)) }
        // slope (with its own intercept)
        guard let fit = Logistic.newton(x: lp.map { [$0] }, y: y, offset: nil) else { return nil }
        guard let citl = Logistic.newton(x: lp.map { _ in [] }, y: y, offset: lp) else { return nil }
        return (fit.coefficients[0], citl.intercept)
    }
}
