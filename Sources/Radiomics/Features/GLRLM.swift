import Imaging

/// Grey level run length matrix features (IBSI TP0I): 16 features in every requested aggregation
/// (`settings.matrixAggregations`).
///
/// For direction m, r_ij counts the runs (maximal sequences of consecutive ROI voxels along m with the same
/// grey level) of grey level i and length j. Merged aggregations sum the integer counts and, as the IBSI manual
/// requires, the voxel counts N_v of the merged matrices. Notation: g_i grey level of row i, N_s = Σ r_ij,
/// r_i. = Σ_j r_ij, r_.j = Σ_i r_ij, p_ij = r_ij / N_s. Entropy in bits.
public enum GLRLM {
    /// Largest number of distinct grey levels in the ROI for which a GLRLM is built.
    static let maxLevels = 1024

    /// Computes the GLRLM features for every requested aggregation (table order within each aggregation).
    public static func features(_ input: FeatureInput) -> [Feature] {
        let aggregations = input.settings.matrixAggregations
        let levels = CompactGreyLevels(input.levels)
        func undefined(_ reason: String) -> [Feature] {
            DirectionalAggregation.features(table: table, aggregations: aggregations, values: nil, reason: reason)
        }
        guard levels.isConsistent else { return undefined("GLRLM: grey levels do not match the grid") }
        guard levels.n <= maxLevels else { return undefined("GLRLM: more than \(maxLevels) grey levels in the ROI") }
        let g = levels.values.map { Double($0) }
        let values = DirectionalAggregation.values(
            levels: levels, aggregations: aggregations, featureCount: table.count,
            build: { dir, z in RunLengthMatrix(levels, dir, slice: z) },
            evaluate: { m in
                let s = RunLengthSums(m, g)
                return table.map { $0.compute(s) }
            })
        return DirectionalAggregation.features(table: table, aggregations: aggregations, values: values, reason: "")
    }

    /// The 16 IBSI GLRLM features, in the IBSI manual's order.
    static let table: [FeatureFormula<RunLengthSums>] = [
        /// Short runs emphasis (22OV): Σ_j r_.j / j² / N_s.
        .init("rlm.sre", "22OV") { s in s.sumJ { j, r in r / (j * j) } / s.ns },
        /// Long runs emphasis (W4KF): Σ_j j² r_.j / N_s.
        .init("rlm.lre", "W4KF") { s in s.sumJ { j, r in j * j * r } / s.ns },
        /// Low grey level run emphasis (V3SW): Σ_i r_i. / g_i² / N_s.
        .init("rlm.lgre", "V3SW") { s in s.sumI { g, r in r / (g * g) } / s.ns },
        /// High grey level run emphasis (G3QZ): Σ_i g_i² r_i. / N_s.
        .init("rlm.hgre", "G3QZ") { s in s.sumI { g, r in g * g * r } / s.ns },
        /// Short run low grey level emphasis (HTZT): Σ r_ij / (g_i² j²) / N_s.
        .init("rlm.srlge", "HTZT") { s in s.sumIJ { g, j, r in r / (g * g * j * j) } / s.ns },
        /// Short run high grey level emphasis (GD3A): Σ g_i² r_ij / j² / N_s.
        .init("rlm.srhge", "GD3A") { s in s.sumIJ { g, j, r in g * g * r / (j * j) } / s.ns },
        /// Long run low grey level emphasis (IVPO): Σ j² r_ij / g_i² / N_s.
        .init("rlm.lrlge", "IVPO") { s in s.sumIJ { g, j, r in j * j * r / (g * g) } / s.ns },
        /// Long run high grey level emphasis (3KUM): Σ g_i² j² r_ij / N_s.
        .init("rlm.lrhge", "3KUM") { s in s.sumIJ { g, j, r in g * g * j * j * r } / s.ns },
        /// Grey level non-uniformity (R5YN): Σ_i r_i.² / N_s.
        .init("rlm.glnu", "R5YN") { s in s.sumI { _, r in r * r } / s.ns },
        /// Normalised grey level non-uniformity (OVBL): Σ_i r_i.² / N_s².
        .init("rlm.glnu.norm", "OVBL") { s in s.sumI { _, r in r * r } / (s.ns * s.ns) },
        /// Run length non-uniformity (W92Y): Σ_j r_.j² / N_s.
        .init("rlm.rlnu", "W92Y") { s in s.sumJ { _, r in r * r } / s.ns },
        /// Normalised run length non-uniformity (IC23): Σ_j r_.j² / N_s².
        .init("rlm.rlnu.norm", "IC23") { s in s.sumJ { _, r in r * r } / (s.ns * s.ns) },
        /// Run percentage (9ZK5): N_s / N_v (N_v summed over merged matrices).
        .init("rlm.r.perc", "9ZK5") { s in s.ns / s.nv },
        /// Grey level variance (8CE5): Σ (g_i − μ)² p_ij, μ = Σ g_i p_ij.
        .init("rlm.gl.var", "8CE5") { s in
            let mu = s.sumI { g, r in g * r } / s.ns
            return s.sumI { g, r in (g - mu) * (g - mu) * r } / s.ns
        },
        /// Run length variance (SXLW): Σ (j − μ)² p_ij, μ = Σ j p_ij.
        .init("rlm.rl.var", "SXLW") { s in
            let mu = s.sumJ { j, r in j * r } / s.ns
            return s.sumJ { j, r in (j - mu) * (j - mu) * r } / s.ns
        },
        /// Run entropy (HJ9O): −Σ p_ij log₂ p_ij.
        .init("rlm.rl.entr", "HJ9O") { s in
            -s.sumIJ { _, _, r in let p = r / s.ns; return p * DetMath.log2(p) }
        },
    ]
}

/// Integer run counts of one direction (and slice): n grey levels × `maxRun` lengths, row-major, plus the
/// number of ROI voxels N_v the runs were taken from.
struct RunLengthMatrix: DirectionalMatrix {
    let n: Int
    let maxRun: Int
    var counts: [Int64]
    var runs: Int64
    var voxels: Int64

    var isEmpty: Bool { runs == 0 }
    mutating func add(_ other: RunLengthMatrix) {
        for k in 0..<counts.count { counts[k] += other.counts[k] }
        runs += other.runs
        voxels += other.voxels
    }

    /// Counts the runs along `dir` in slice `slice` (nil = whole volume).
    init(_ levels: CompactGreyLevels, _ dir: TextureDirection, slice: Int?) {
        let d = levels.dims
        let n = levels.n, maxRun = max(d.x, d.y, d.z)
        var c = [Int64](repeating: 0, count: n * maxRun)
        var runs: Int64 = 0, voxels: Int64 = 0
        let zLo = slice ?? 0, zHi = (slice ?? (d.z - 1)) + 1
        let offset = dir.dx + d.x * (dir.dy + d.y * dir.dz)
        levels.index.withUnsafeBufferPointer { idx in
            c.withUnsafeMutableBufferPointer { m in
                for z in zLo..<zHi {
                    for y in 0..<d.y {
                        let row = d.index(0, y, z)
                        for x in 0..<d.x {
                            let a = idx[row + x]
                            if a < 0 { continue }
                            voxels += 1
                            // A run starts where the previous voxel along dir is outside the grid or differs.
                            let px = x - dir.dx, py = y - dir.dy, pz = z - dir.dz
                            if px >= 0, px < d.x, py >= 0, py < d.y, pz >= zLo, pz < zHi, idx[row + x - offset] == a {
                                continue
                            }
                            var length = 1
                            var (qx, qy, qz, q) = (x + dir.dx, y + dir.dy, z + dir.dz, row + x + offset)
                            while qx >= 0, qx < d.x, qy >= 0, qy < d.y, qz >= zLo, qz < zHi, idx[q] == a {
                                length += 1
                                qx += dir.dx; qy += dir.dy; qz += dir.dz; q += offset
                            }
                            m[Int(a) * maxRun + min(length, maxRun) - 1] += 1
                            runs += 1
                        }
                    }
                }
            }
        }
        self.n = n
        self.maxRun = maxRun
        counts = c
        self.runs = runs
        self.voxels = voxels
    }
}

/// Marginal sums of a run length matrix, as Doubles, for the feature table.
struct RunLengthSums: Sendable {
    /// Grey level of each row.
    let g: [Double]
    /// r_i. per row and r_.j per length (index j − 1).
    let ri: [Double], rj: [Double]
    /// Non-zero cells (row, length, count), row-major.
    let cells: [(i: Int, j: Double, r: Double)]
    let ns: Double, nv: Double

    init(_ m: RunLengthMatrix, _ g: [Double]) {
        self.g = g
        var ri = [Int64](repeating: 0, count: m.n), rj = [Int64](repeating: 0, count: m.maxRun)
        var cells: [(i: Int, j: Double, r: Double)] = []
        for i in 0..<m.n {
            for j in 0..<m.maxRun {
                let r = m.counts[i * m.maxRun + j]
                if r == 0 { continue }
                ri[i] += r; rj[j] += r
                cells.append((i, Double(j + 1), Double(r)))
            }
        }
        self.ri = ri.map { Double($0) }
        self.rj = rj.map { Double($0) }
        self.cells = cells
        ns = Double(m.runs)
        nv = Double(m.voxels)
    }

    /// Σ_i f(g_i, r_i.) over rows with runs.
    @inline(__always) func sumI(_ f: (Double, Double) -> Double) -> Double {
        var s = 0.0
        for i in 0..<ri.count where ri[i] > 0 { s += f(g[i], ri[i]) }
        return s
    }
    /// Σ_j f(j, r_.j) over lengths with runs.
    @inline(__always) func sumJ(_ f: (Double, Double) -> Double) -> Double {
        var s = 0.0
        for j in 0..<rj.count where rj[j] > 0 { s += f(Double(j + 1), rj[j]) }
        return s
    }
    /// Σ_ij f(g_i, j, r_ij) over non-zero cells.
    @inline(__always) func sumIJ(_ f: (Double, Double, Double) -> Double) -> Double {
        var s = 0.0
        for c in cells { s += f(g[c.i], c.j, c.r) }
        return s
    }
}
