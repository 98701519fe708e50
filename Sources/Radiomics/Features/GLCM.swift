import Imaging

/// Grey level co-occurrence matrix features (IBSI LFYI): 25 features of the symmetric GLCM at Chebyshev
/// distance δ (`settings.distance`), in every requested aggregation (`settings.matrixAggregations`).
///
/// For direction m, M_m(i, j) counts neighbouring ROI voxel pairs with grey levels i and j along m and −m
/// (so M_m = M_m+ + M_m+ᵀ). Merged aggregations sum the integer counts; p_ij = M(i, j) / ΣM.
/// Notation: g_i grey level of row i, p_i. row marginal (= column marginal), μ = Σ g_i p_ij,
/// p_{i−j,k} = Σ p_ij [k = |g_i − g_j|], p_{i+j,k} = Σ p_ij [k = g_i + g_j], N_g the number of grey levels
/// of the discretisation. Entropies in bits.
public enum GLCM {
    /// Largest number of distinct grey levels in the ROI for which a GLCM is built (n² counts per matrix).
    static let maxLevels = 1024

    /// Computes the GLCM features for every requested aggregation (table order within each aggregation).
    public static func features(_ input: FeatureInput) -> [Feature] {
        let aggregations = input.settings.matrixAggregations
        let levels = CompactGreyLevels(input.levels)
        let delta = input.settings.distance
        func undefined(_ reason: String) -> [Feature] {
            DirectionalAggregation.features(table: table, aggregations: aggregations, values: nil, reason: reason)
        }
        guard levels.isConsistent else { return undefined("GLCM: grey levels do not match the grid") }
        guard levels.n <= maxLevels else { return undefined("GLCM: more than \(maxLevels) grey levels in the ROI") }
        guard delta >= 1, delta <= 1000 else { return undefined("GLCM: distance \(delta) outside 1…1000") }
        let layout = CooccurrenceLayout(levels)
        let values = DirectionalAggregation.values(
            levels: levels, aggregations: aggregations, featureCount: table.count,
            build: { dir, z in CooccurrenceMatrix(levels, dir.scaled(delta), slice: z) },
            evaluate: { m in
                let p = CooccurrenceProbabilities(m, layout)
                return table.map { $0.compute(p) }
            })
        return DirectionalAggregation.features(table: table, aggregations: aggregations, values: values, reason: "")
    }

    /// The 25 IBSI GLCM features, in the IBSI manual's order.
    static let table: [FeatureFormula<CooccurrenceProbabilities>] = [
        /// Joint maximum (GYBY): max p_ij.
        .init("cm.joint.max", "GYBY") { $0.p.max() },
        /// Joint average (60VM): Σ g_i p_ij.
        .init("cm.joint.avg", "60VM") { $0.mu },
        /// Joint variance (UR99): Σ (g_i − μ)² p_ij.
        .init("cm.joint.var", "UR99") { m in m.sumIJ { gi, _, p in (gi - m.mu) * (gi - m.mu) * p } },
        /// Joint entropy (TU9B): −Σ p_ij log₂ p_ij.
        .init("cm.joint.entr", "TU9B") { $0.hxy },
        /// Difference average (TF7R): Σ k p_{i−j,k}.
        .init("cm.diff.avg", "TF7R") { $0.diffMean },
        /// Difference variance (D3YU): Σ (k − μ_d)² p_{i−j,k}, μ_d the difference average.
        .init("cm.diff.var", "D3YU") { m in m.sumDiff { k, p in (k - m.diffMean) * (k - m.diffMean) * p } },
        /// Difference entropy (NTRS): −Σ p_{i−j,k} log₂ p_{i−j,k}.
        .init("cm.diff.entr", "NTRS") { DirectionalAggregation.entropy($0.diffP) },
        /// Sum average (ZGXS): Σ k p_{i+j,k}.
        .init("cm.sum.avg", "ZGXS") { $0.sumMean },
        /// Sum variance (OEEB): Σ (k − μ_s)² p_{i+j,k}, μ_s the sum average.
        .init("cm.sum.var", "OEEB") { m in m.sumSum { k, p in (k - m.sumMean) * (k - m.sumMean) * p } },
        /// Sum entropy (P6QZ): −Σ p_{i+j,k} log₂ p_{i+j,k}.
        .init("cm.sum.entr", "P6QZ") { DirectionalAggregation.entropy($0.sumP) },
        /// Angular second moment / energy (8ZQL): Σ p_ij².
        .init("cm.energy", "8ZQL") { m in m.sumIJ { _, _, p in p * p } },
        /// Contrast (ACUI): Σ (g_i − g_j)² p_ij.
        .init("cm.contrast", "ACUI") { m in m.sumIJ { gi, gj, p in (gi - gj) * (gi - gj) * p } },
        /// Dissimilarity (8S9J): Σ |g_i − g_j| p_ij.
        .init("cm.dissimilarity", "8S9J") { m in m.sumIJ { gi, gj, p in abs(gi - gj) * p } },
        /// Inverse difference (IB1Z): Σ p_{i−j,k} / (1 + k).
        .init("cm.inv.diff", "IB1Z") { m in m.sumDiff { k, p in p / (1 + k) } },
        /// Normalised inverse difference (NDRX): Σ p_{i−j,k} / (1 + k/N_g).
        .init("cm.inv.diff.norm", "NDRX") { m in m.sumDiff { k, p in p / (1 + k / m.ng) } },
        /// Inverse difference moment (WF0Z): Σ p_{i−j,k} / (1 + k²).
        .init("cm.inv.diff.mom", "WF0Z") { m in m.sumDiff { k, p in p / (1 + k * k) } },
        /// Normalised inverse difference moment (1QCO): Σ p_{i−j,k} / (1 + (k/N_g)²).
        .init("cm.inv.diff.mom.norm", "1QCO") { m in m.sumDiff { k, p in p / (1 + (k / m.ng) * (k / m.ng)) } },
        /// Inverse variance (E8JP): Σ_{k≥1} p_{i−j,k} / k².
        .init("cm.inv.var", "E8JP") { m in m.sumDiff { k, p in k > 0 ? p / (k * k) : 0 } },
        /// Correlation (NI2N): (Σ g_i g_j p_ij − μ²) / σ², σ² = Σ (g_i − μ)² p_i. (1 when σ² = 0, as MIRP.)
        .init("cm.corr", "NI2N") { m in
            let variance = m.sumI { gi, p in (gi - m.mu) * (gi - m.mu) * p }
            if variance == 0 { return 1 }
            return (m.sumIJ { gi, gj, p in gi * gj * p } - m.mu * m.mu) / variance
        },
        /// Autocorrelation (QWB0): Σ g_i g_j p_ij.
        .init("cm.auto.corr", "QWB0") { m in m.sumIJ { gi, gj, p in gi * gj * p } },
        /// Cluster tendency (DG8W): Σ (g_i + g_j − 2μ)² p_ij.
        .init("cm.clust.tend", "DG8W") { m in m.sumIJ { gi, gj, p in let s = gi + gj - 2 * m.mu; return s * s * p } },
        /// Cluster shade (7NFM): Σ (g_i + g_j − 2μ)³ p_ij.
        .init("cm.clust.shade", "7NFM") { m in m.sumIJ { gi, gj, p in let s = gi + gj - 2 * m.mu; return s * s * s * p } },
        /// Cluster prominence (AE86): Σ (g_i + g_j − 2μ)⁴ p_ij.
        .init("cm.clust.prom", "AE86") { m in
            m.sumIJ { gi, gj, p in let s = gi + gj - 2 * m.mu; return s * s * s * s * p }
        },
        /// Information correlation 1 (R8DG): (HXY − HXY₁) / HX, HX = −Σ p_i log₂ p_i,
        /// HXY₁ = −Σ p_ij log₂(p_i p_j). (1 when HX = 0, as MIRP.)
        .init("cm.info.corr.1", "R8DG") { m in
            if m.nonZero == 1 || m.hx == 0 { return 1 }
            return (m.hxy - m.hxy1) / m.hx
        },
        /// Information correlation 2 (JN9H): √(1 − exp(−2 (HXY₂ − HXY))), HXY₂ = −Σ p_i p_j log₂(p_i p_j).
        /// (0 when HXY₂ < HXY, as MIRP.)
        .init("cm.info.corr.2", "JN9H") { m in
            if m.hxy2 < m.hxy { return 0 }
            return DetMath.sqrt(1 - DetMath.exp(-2 * (m.hxy2 - m.hxy)))
        },
    ]
}

/// Integer co-occurrence counts of one direction (and slice) over the compact grey levels: n × n, row-major.
struct CooccurrenceMatrix: DirectionalMatrix {
    let n: Int
    var counts: [Int64]
    var total: Int64

    var isEmpty: Bool { total == 0 }
    mutating func add(_ other: CooccurrenceMatrix) {
        for k in 0..<counts.count { counts[k] += other.counts[k] }
        total += other.total
    }

    /// Counts the symmetric co-occurrences along `dir` in slice `slice` (nil = whole volume).
    init(_ levels: CompactGreyLevels, _ dir: TextureDirection, slice: Int?) {
        let n = levels.n, d = levels.dims
        self.n = n
        var c = [Int64](repeating: 0, count: n * n)
        var pairs: Int64 = 0
        let zLo = max(slice ?? 0, -dir.dz), zHi = min((slice ?? (d.z - 1)) + 1, d.z - max(0, dir.dz))
        let yLo = max(0, -dir.dy), yHi = d.y - max(0, dir.dy)
        let xLo = max(0, -dir.dx), xHi = d.x - max(0, dir.dx)
        if zLo < zHi, yLo < yHi, xLo < xHi {
            let offset = dir.dx + d.x * (dir.dy + d.y * dir.dz)
            levels.index.withUnsafeBufferPointer { idx in
                c.withUnsafeMutableBufferPointer { m in
                    for z in zLo..<zHi {
                        for y in yLo..<yHi {
                            let row = d.index(0, y, z)
                            for x in xLo..<xHi {
                                let a = Int(idx[row + x])
                                if a < 0 { continue }
                                let b = Int(idx[row + x + offset])
                                if b < 0 { continue }
                                m[a * n + b] += 1
                                m[b * n + a] += 1
                                pairs += 2
                            }
                        }
                    }
                }
            }
        }
        counts = c
        total = pairs
    }
}

/// Grey levels of the compact indices and, for every cell (i, j), the index of |g_i − g_j| and g_i + g_j
/// among the distinct differences and sums (ascending): shared by all matrices of one ROI.
struct CooccurrenceLayout: Sendable {
    let n: Int
    let g: [Double]
    let ng: Double
    let diffValues: [Double]
    let diffIndex: [Int32]
    let sumValues: [Double]
    let sumIndex: [Int32]

    init(_ levels: CompactGreyLevels) {
        n = levels.n
        g = levels.values.map { Double($0) }
        ng = Double(levels.ng)
        var diffs: [Int64] = [], sums: [Int64] = []
        diffs.reserveCapacity(n * n); sums.reserveCapacity(n * n)
        for i in 0..<n {
            for j in 0..<n {
                let a = Int64(levels.values[i]), b = Int64(levels.values[j])
                diffs.append(abs(a - b)); sums.append(a + b)
            }
        }
        func indexed(_ v: [Int64]) -> ([Double], [Int32]) {
            var u = v.sorted()
            var w = 0
            for k in 0..<u.count where k == 0 || u[k] != u[w - 1] { u[w] = u[k]; w += 1 }
            u.removeSubrange(w...)
            let idx = v.map { x -> Int32 in
                var lo = 0, hi = u.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if u[mid] < x { lo = mid + 1 } else { hi = mid } }
                return Int32(lo)
            }
            return (u.map { Double($0) }, idx)
        }
        (diffValues, diffIndex) = indexed(diffs)
        (sumValues, sumIndex) = indexed(sums)
    }
}

/// The normalised GLCM with its marginal, diagonal and cross-diagonal probabilities and entropies.
struct CooccurrenceProbabilities: Sendable {
    let n: Int
    let g: [Double]
    let ng: Double
    /// p_ij, row-major n × n.
    let p: [Double]
    /// p_i. (= p_.j by symmetry).
    let pi: [Double]
    let nonZero: Int
    let diffK: [Double], diffP: [Double], sumK: [Double], sumP: [Double]
    let mu: Double, diffMean: Double, sumMean: Double
    let hxy: Double, hx: Double, hxy1: Double, hxy2: Double

    init(_ m: CooccurrenceMatrix, _ layout: CooccurrenceLayout) {
        n = m.n; g = layout.g; ng = layout.ng
        let total = Double(m.total)
        var rows = [Int64](repeating: 0, count: n)
        var diffC = [Int64](repeating: 0, count: layout.diffValues.count)
        var sumC = [Int64](repeating: 0, count: layout.sumValues.count)
        var nz = 0
        for k in 0..<(n * n) where m.counts[k] != 0 {
            let c = m.counts[k]
            rows[k / n] += c
            diffC[Int(layout.diffIndex[k])] += c
            sumC[Int(layout.sumIndex[k])] += c
            nz += 1
        }
        nonZero = nz
        p = m.counts.map { Double($0) / total }
        pi = rows.map { Double($0) / total }
        // Keep only the differences and sums that occur.
        var dK: [Double] = [], dP: [Double] = [], sK: [Double] = [], sP: [Double] = []
        for k in 0..<diffC.count where diffC[k] != 0 { dK.append(layout.diffValues[k]); dP.append(Double(diffC[k]) / total) }
        for k in 0..<sumC.count where sumC[k] != 0 { sK.append(layout.sumValues[k]); sP.append(Double(sumC[k]) / total) }
        diffK = dK; diffP = dP; sumK = sK; sumP = sP

        var mu = 0.0, dm = 0.0, sm = 0.0
        for i in 0..<n { for j in 0..<n where p[i * n + j] > 0 { mu += g[i] * p[i * n + j] } }
        for k in 0..<dK.count { dm += dK[k] * dP[k] }
        for k in 0..<sK.count { sm += sK[k] * sP[k] }
        self.mu = mu; diffMean = dm; sumMean = sm

        let logPi = pi.map { $0 > 0 ? DetMath.log2($0) : 0 }
        var hxy = 0.0, hxy1 = 0.0, hxy2 = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let q = p[i * n + j]
                if q > 0 { hxy -= q * DetMath.log2(q); hxy1 -= q * (logPi[i] + logPi[j]) }
                let r = pi[i] * pi[j]
                if r > 0 { hxy2 -= r * (logPi[i] + logPi[j]) }
            }
        }
        self.hxy = hxy; self.hxy1 = hxy1; self.hxy2 = hxy2
        hx = DirectionalAggregation.entropy(pi)
    }

    /// Σ over non-zero p_ij of f(g_i, g_j, p_ij), row-major.
    @inline(__always) func sumIJ(_ f: (Double, Double, Double) -> Double) -> Double {
        var s = 0.0
        for i in 0..<n { for j in 0..<n where p[i * n + j] > 0 { s += f(g[i], g[j], p[i * n + j]) } }
        return s
    }
    /// Σ over non-zero p_i. of f(g_i, p_i.).
    @inline(__always) func sumI(_ f: (Double, Double) -> Double) -> Double {
        var s = 0.0
        for i in 0..<n where pi[i] > 0 { s += f(g[i], pi[i]) }
        return s
    }
    /// Σ_k f(k, p_{i−j,k}), ascending k.
    @inline(__always) func sumDiff(_ f: (Double, Double) -> Double) -> Double {
        var s = 0.0
        for k in 0..<diffK.count { s += f(diffK[k], diffP[k]) }
        return s
    }
    /// Σ_k f(k, p_{i+j,k}), ascending k.
    @inline(__always) func sumSum(_ f: (Double, Double) -> Double) -> Double {
        var s = 0.0
        for k in 0..<sumK.count { s += f(sumK[k], sumP[k]) }
        return s
    }
}
