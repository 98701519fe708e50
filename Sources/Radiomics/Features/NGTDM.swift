/// Neighbourhood grey tone difference matrix features (IBSI IPET). For each ROI voxel k with at least one
/// ROI neighbour (Chebyshev distance δ, centre excluded, in plane for 2D), X̄_k = S_k / W_k is the mean grey
/// level of its W_k ROI neighbours; s_i = Σ_k |i − X̄_k| over voxels of level i, n_i their number.
public enum NGTDM {
    /// NGTDM features for each of `settings.zoneAggregations` (`2D`, `2.5D`, `3D`).
    public static func features(_ input: FeatureInput) -> [Feature] {
        let aggs = input.settings.zoneAggregations
        if let problem = zoneInputProblem(input) { return undefinedFeatures(table, aggregations: aggs, reason: problem) }
        return aggregatedFeatures(table, aggregations: aggs) { matrices(input.levels, distance: input.settings.distance, sliceWise: $0) }
    }

    /// The NGTDM with exact integer parts: |i − S/W| = |i·W − S| / W, so s_i is kept as one integer
    /// numerator per neighbourhood size W and divided only when a feature is computed.
    public struct Matrix: Sendable, MergeableMatrix {
        /// Highest grey level Ng and largest neighbourhood size.
        public let levels: Int, maxNeighbours: Int
        /// n_i, index i in 0…Ng (0 unused).
        public private(set) var counts: [Int64]
        /// Σ |i·W − S| over voxels of level i with W neighbours, at index i·(maxNeighbours + 1) + W.
        public private(set) var numerators: [Int64]

        public init(levels: Int, maxNeighbours: Int) {
            self.levels = levels; self.maxNeighbours = maxNeighbours
            counts = [Int64](repeating: 0, count: levels + 1)
            numerators = [Int64](repeating: 0, count: (levels + 1) * (maxNeighbours + 1))
        }

        /// Adds a voxel of level i (1…levels) whose W ≥ 1 ROI neighbours sum to S.
        public mutating func add(level i: Int, neighbours w: Int, sum s: Int64) {
            counts[i] += 1
            numerators[i * (maxNeighbours + 1) + w] += abs(Int64(i) * Int64(w) - s)
        }

        public static func merged(_ parts: [Matrix]) -> Matrix {
            guard var m = parts.first else { return Matrix(levels: 0, maxNeighbours: 0) }
            for p in parts.dropFirst() where p.levels == m.levels && p.maxNeighbours == m.maxNeighbours {
                for i in m.counts.indices { m.counts[i] += p.counts[i] }
                for i in m.numerators.indices { m.numerators[i] += p.numerators[i] }
            }
            return m
        }

        /// s_i = Σ_W numerator(i, W) / W.
        public func s(_ i: Int) -> Double {
            var t = 0.0
            for w in 1...max(1, maxNeighbours) where w <= maxNeighbours {
                let num = numerators[i * (maxNeighbours + 1) + w]
                if num != 0 { t += Double(num) / Double(w) }
            }
            return t
        }

        /// Levels present (n_i > 0) with p_i = n_i / N_v,c and s_i, by level; nil when N_v,c = 0.
        var present: (nvc: Double, rows: [(i: Double, p: Double, s: Double)])? {
            let nvc = counts.reduce(0, +)
            guard nvc > 0 else { return nil }
            var rows: [(i: Double, p: Double, s: Double)] = []
            for i in 1..<counts.count where counts[i] > 0 {
                rows.append((Double(i), Double(counts[i]) / Double(nvc), s(i)))
            }
            return (Double(nvc), rows)
        }
    }

    /// The volume's NGTDM, or one per slice holding ROI voxels.
    public static func matrices(_ g: GreyLevels, distance: Int = 1, sliceWise: Bool) -> [Matrix] {
        let nb = Neighbourhood(dims: g.dims, distance: distance, inPlane: sliceWise)
        let ng = max(g.count, Int(g.levels.max() ?? 0))
        let sliceSize = max(1, g.dims.x * g.dims.y)
        let empty = Matrix(levels: ng, maxNeighbours: nb.offsets.count)
        var perSlice = [Matrix](repeating: empty, count: sliceWise ? g.dims.z : 1)
        var used = [Bool](repeating: false, count: perSlice.count)
        for n in 0..<g.levels.count where g.levels[n] > 0 {
            var w = 0, s: Int64 = 0
            nb.forEach(of: n) { u in
                let m = g.levels[u]
                if m > 0 { w += 1; s += Int64(m) }
            }
            let k = sliceWise ? n / sliceSize : 0
            used[k] = true
            if w > 0 { perSlice[k].add(level: Int(g.levels[n]), neighbours: w, sum: s) }
        }
        return perSlice.indices.filter { used[$0] }.map { perSlice[$0] }
    }

    /// The IBSI NGTDM features; sums run over levels with p_i > 0, N_g,p of them.
    public static let table: [FeatureFormula<Matrix>] = [
        /// Coarseness: 1 / Σ_i p_i s_i (10⁶ when the sum is 0)
        FeatureFormula("ngt.coarseness", "QCDE") { m in
            guard let (_, rows) = m.present else { return nil }
            let d = rows.reduce(0.0) { $0 + $1.p * $1.s }
            return d == 0 ? 1e6 : 1 / d
        },
        /// Contrast: [1/(N_g,p(N_g,p − 1)) Σ_i1 Σ_i2 p_i1 p_i2 (i1 − i2)²] · [(1/N_v,c) Σ_i s_i]; 0 if N_g,p = 1
        FeatureFormula("ngt.contrast", "65HE") { m in
            guard let (nvc, rows) = m.present else { return nil }
            let ngp = Double(rows.count)
            if rows.count < 2 { return 0 }
            var a = 0.0
            for r1 in rows { for r2 in rows { let d = r1.i - r2.i; a += r1.p * r2.p * d * d } }
            return a / (ngp * (ngp - 1)) * (rows.reduce(0.0) { $0 + $1.s } / nvc)
        },
        /// Busyness: Σ_i p_i s_i / Σ_i1 Σ_i2 |i1 p_i1 − i2 p_i2|; 0 if N_g,p = 1
        FeatureFormula("ngt.busyness", "NQ30") { m in
            guard let (_, rows) = m.present else { return nil }
            if rows.count < 2 { return 0 }
            var d = 0.0
            for r1 in rows { for r2 in rows { d += abs(r1.i * r1.p - r2.i * r2.p) } }
            return rows.reduce(0.0) { $0 + $1.p * $1.s } / d
        },
        /// Complexity: (1/N_v,c) Σ_i1 Σ_i2 |i1 − i2| (p_i1 s_i1 + p_i2 s_i2) / (p_i1 + p_i2)
        FeatureFormula("ntg.complexity", "HDEZ") { m in
            guard let (nvc, rows) = m.present else { return nil }
            var t = 0.0
            for r1 in rows { for r2 in rows { t += abs(r1.i - r2.i) * (r1.p * r1.s + r2.p * r2.s) / (r1.p + r2.p) } }
            return t / nvc
        },
        /// Strength: Σ_i1 Σ_i2 (p_i1 + p_i2)(i1 − i2)² / Σ_i s_i; 0 if Σ_i s_i = 0
        FeatureFormula("ngt.strength", "1X9X") { m in
            guard let (_, rows) = m.present else { return nil }
            let ss = rows.reduce(0.0) { $0 + $1.s }
            if ss == 0 { return 0 }
            var t = 0.0
            for r1 in rows { for r2 in rows { let d = r1.i - r2.i; t += (r1.p + r2.p) * d * d } }
            return t / ss
        },
    ]
}
