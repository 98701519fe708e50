/// Neighbouring grey level dependence matrix features (IBSI REK0): s_ij counts the voxels of grey
/// level i whose neighbourhood (Chebyshev distance δ, in plane for 2D, ROI voxels only) holds j voxels
/// — the centre included — with |X_k − X_m| ≤ α.
public enum NGLDM {
    /// NGLDM features for each of `settings.zoneAggregations` (`2D`, `2.5D`, `3D`).
    public static func features(_ input: FeatureInput) -> [Feature] {
        let aggs = input.settings.zoneAggregations
        if let problem = zoneInputProblem(input) { return undefinedFeatures(table, aggregations: aggs, reason: problem) }
        if input.settings.ngldmAlpha < 0 { return undefinedFeatures(table, aggregations: aggs, reason: "NGLDM α must be ≥ 0") }
        return aggregatedFeatures(table, aggregations: aggs) {
            matrices(input.levels, distance: input.settings.distance, alpha: input.settings.ngldmAlpha, sliceWise: $0)
        }
    }

    /// The volume's NGLDM, or one per slice holding ROI voxels.
    public static func matrices(_ g: GreyLevels, distance: Int = 1, alpha: Int = 0, sliceWise: Bool) -> [ZoneMatrix] {
        let nb = Neighbourhood(dims: g.dims, distance: distance, inPlane: sliceWise)
        let sliceSize = max(1, g.dims.x * g.dims.y)
        let a = Int64(alpha)
        var perSlice = [[(level: Int, column: Int)]](repeating: [], count: sliceWise ? g.dims.z : 1)
        for n in 0..<g.levels.count where g.levels[n] > 0 {
            let lv = Int64(g.levels[n])
            var j = 1
            nb.forEach(of: n) { u in
                let m = g.levels[u]
                if m > 0 && abs(Int64(m) - lv) <= a { j += 1 }
            }
            perSlice[sliceWise ? n / sliceSize : 0].append((Int(lv), j))
        }
        return perSlice.filter { !$0.isEmpty }.map { ZoneMatrix(pairs: $0, voxelCount: Int64($0.count)) }
    }

    /// The IBSI NGLDM features; i = grey level, j = dependence count, N_s = N_v = neighbourhoods.
    public static let table: [FeatureFormula<ZoneMatrix>] = [
        /// Low dependence emphasis: (1/N_s) Σ_j s_.j / j²
        FeatureFormula("ngl.lde", "SODN") { $0.smallColumnEmphasis },
        /// High dependence emphasis: (1/N_s) Σ_j j² s_.j
        FeatureFormula("ngl.hde", "IMOQ") { $0.largeColumnEmphasis },
        /// Low grey level count emphasis: (1/N_s) Σ_i s_i. / i²
        FeatureFormula("ngl.lgce", "TL9H") { $0.lowGreyLevelEmphasis },
        /// High grey level count emphasis: (1/N_s) Σ_i i² s_i.
        FeatureFormula("ngl.hgce", "OAE7") { $0.highGreyLevelEmphasis },
        /// Low dependence low grey level emphasis: (1/N_s) Σ_ij s_ij / (i² j²)
        FeatureFormula("ngl.ldlge", "EQ3F") { $0.weighted { i, j in 1 / (i * i * j * j) } },
        /// Low dependence high grey level emphasis: (1/N_s) Σ_ij i² s_ij / j²
        FeatureFormula("ngl.ldhge", "JA6D") { $0.weighted { i, j in i * i / (j * j) } },
        /// High dependence low grey level emphasis: (1/N_s) Σ_ij j² s_ij / i²
        FeatureFormula("ngl.hdlge", "NBZI") { $0.weighted { i, j in j * j / (i * i) } },
        /// High dependence high grey level emphasis: (1/N_s) Σ_ij i² j² s_ij
        FeatureFormula("ngl.hdhge", "9QMG") { $0.weighted { i, j in i * i * j * j } },
        /// Grey level non-uniformity: (1/N_s) Σ_i s_i.²
        FeatureFormula("ngl.glnu", "FP8K") { $0.greyLevelNonUniformity },
        /// Normalised grey level non-uniformity: (1/N_s²) Σ_i s_i.²
        FeatureFormula("ngl.glnu.norm", "5SPA") { $0.greyLevelNonUniformityNormalised },
        /// Dependence count non-uniformity: (1/N_s) Σ_j s_.j²
        FeatureFormula("ngl.dcnu", "Z87G") { $0.columnNonUniformity },
        /// Normalised dependence count non-uniformity: (1/N_s²) Σ_j s_.j²
        FeatureFormula("ngl.dcnu.norm", "OKJI") { $0.columnNonUniformityNormalised },
        /// Dependence count percentage: N_s / N_v (1 when every voxel has a neighbourhood)
        FeatureFormula("ngl.dc.perc", "6XV8") { $0.percentage },
        /// Grey level variance: Σ_ij (i − μ)² p_ij, μ = Σ_ij i p_ij, p_ij = s_ij / N_s
        FeatureFormula("ngl.gl.var", "1PFV") { $0.greyLevelVariance },
        /// Dependence count variance: Σ_ij (j − μ)² p_ij, μ = Σ_ij j p_ij
        FeatureFormula("ngl.dc.var", "DNX2") { $0.columnVariance },
        /// Dependence count entropy: −Σ_ij p_ij log2 p_ij
        FeatureFormula("ngl.dc.entr", "FCBV") { $0.entropy },
        /// Dependence count energy: Σ_ij p_ij²
        FeatureFormula("ngl.dc.energy", "CAS9") { $0.energy },
    ]
}
