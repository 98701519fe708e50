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
    /// numerator per neighbourhood size W and divided only when a feature is computed. Sparse: only
    /// levels and sizes that occur are stored, so a fine discretisation never allocates a huge table.
    public struct Matrix: Sendable, MergeableMatrix {
        /// The NGTDM row of one grey level.
        public struct Row: Sendable, Equatable {
            /// Grey level i and n_i, the number of its voxels with a valid neighbourhood.
            public var level: Int, count: Int64
            /// (W, Σ |i·W − S|) over those voxels, by W.
            public var numerators: [Numerator]
        }
        /// Σ |i·W − S| over the voxels with `neighbours` = W ROI neighbours.
        public struct Numerator: Sendable, Equatable { public var neighbours: Int, sum: Int64 }
        /// Rows by level, n_i > 0.
        public let rows: [Row]

        /// One record per voxel of level i with W ≥ 1 ROI neighbours whose levels sum to S.
        init(voxels: [(level: Int, neighbours: Int, sum: Int64)]) {
            let sorted = voxels.sorted { ($0.level, $0.neighbours) < ($1.level, $1.neighbours) }
            var rows: [Row] = []
            for v in sorted {
                let num = abs(Int64(v.level) * Int64(v.neighbours) - v.sum)
                if rows.last?.level != v.level { rows.append(Row(level: v.level, count: 0, numerators: [])) }
                let r = rows.count - 1
                rows[r].count += 1
                if rows[r].numerators.last?.neighbours == v.neighbours {
                    rows[r].numerators[rows[r].numerators.count - 1].sum += num
                } else { rows[r].numerators.append(Numerator(neighbours: v.neighbours, sum: num)) }
            }
            self.rows = rows
        }

        private init(rows: [Row]) { self.rows = rows }

        /// Slice matrices merged by summing n_i and the numerators (2.5D).
        public static func merged(_ parts: [Matrix]) -> Matrix {
            let all = parts.flatMap(\.rows).sorted { $0.level < $1.level }
            var rows: [Row] = []
            for r in all {
                guard rows.last?.level == r.level else { rows.append(r); continue }
                let k = rows.count - 1
                rows[k].count += r.count
                var terms = rows[k].numerators + r.numerators
                terms.sort { $0.neighbours < $1.neighbours }
                var combined: [Numerator] = []
                for t in terms {
                    if combined.last?.neighbours == t.neighbours { combined[combined.count - 1].sum += t.sum } else { combined.append(t) }
                }
                rows[k].numerators = combined
            }
            return Matrix(rows: rows)
        }

        /// Levels present with p_i = n_i / N_v,c and s_i = Σ_W numerator / W, by level; nil when N_v,c = 0.
        var present: (nvc: Double, rows: [(i: Double, p: Double, s: Double)])? {
            let nvc = rows.reduce(Int64(0)) { $0 + $1.count }
            guard nvc > 0 else { return nil }
            return (Double(nvc), rows.map { r in
                (Double(r.level), Double(r.count) / Double(nvc),
                 r.numerators.reduce(0.0) { $0 + Double($1.sum) / Double($1.neighbours) })
            })
        }
    }

    /// The volume's NGTDM, or one per slice holding ROI voxels.
    public static func matrices(_ g: GreyLevels, distance: Int = 1, sliceWise: Bool) -> [Matrix] {
        let nb = Neighbourhood(dims: g.dims, distance: distance, inPlane: sliceWise)
        let sliceSize = max(1, g.dims.x * g.dims.y)
        var perSlice = [[(level: Int, neighbours: Int, sum: Int64)]](repeating: [], count: sliceWise ? g.dims.z : 1)
        var used = [Bool](repeating: false, count: perSlice.count)
        for n in 0..<g.levels.count where g.levels[n] > 0 {
            var w = 0, s: Int64 = 0
            nb.forEach(of: n) { u in
                let m = g.levels[u]
                if m > 0 { w += 1; s += Int64(m) }
            }
            let k = sliceWise ? n / sliceSize : 0
            used[k] = true
            if w > 0 { perSlice[k].append((Int(g.levels[n]), w, s)) }
        }
        return perSlice.indices.filter { used[$0] }.map { Matrix(voxels: perSlice[$0]) }
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
