/// Grey level size zone matrix features (IBSI 9SAK): s_ij counts the zones (linked voxels of equal
/// grey level, 26-connected in 3D, 8-connected per slice) with grey level i and size j voxels.
public enum GLSZM {
    /// GLSZM features for each of `settings.zoneAggregations` (`2D`, `2.5D`, `3D`).
    public static func features(_ input: FeatureInput) -> [Feature] {
        let aggs = input.settings.zoneAggregations
        if let problem = zoneInputProblem(input) { return undefinedFeatures(table, aggregations: aggs, reason: problem) }
        return aggregatedFeatures(table, aggregations: aggs) { sliceWise in
            matrices(input.levels, sliceWise: sliceWise, zones: input.zoneMap(sliceWise: sliceWise))
        }
    }

    /// The volume's GLSZM, or one per slice holding ROI voxels.
    public static func matrices(_ g: GreyLevels, linkage: Int = 1, sliceWise: Bool) -> [ZoneMatrix] {
        matrices(g, sliceWise: sliceWise, zones: ZoneMap(g, linkage: linkage, inPlane: sliceWise))
    }

    /// The same from an existing zone labelling of `g`.
    static func matrices(_ g: GreyLevels, sliceWise: Bool, zones zm: ZoneMap) -> [ZoneMatrix] {
        let nv = voxelsPerSlice(g)
        if !sliceWise {
            return [ZoneMatrix(pairs: zm.zones.map { ($0.level, $0.size) }, voxelCount: nv.reduce(0, +))]
        }
        var perSlice = [[(level: Int, column: Int)]](repeating: [], count: nv.count)
        for z in zm.zones { perSlice[z.slice].append((z.level, z.size)) }
        return (0..<nv.count).filter { nv[$0] > 0 }.map { ZoneMatrix(pairs: perSlice[$0], voxelCount: nv[$0]) }
    }

    /// The IBSI GLSZM features; i = grey level, j = zone size, N_s = zones, N_v = voxels.
    public static let table: [FeatureFormula<ZoneMatrix>] = [
        /// Small zone emphasis: (1/N_s) Σ_j s_.j / j²
        FeatureFormula("szm.sze", "P001") { $0.smallColumnEmphasis },
        /// Large zone emphasis: (1/N_s) Σ_j j² s_.j
        FeatureFormula("szm.lze", "48P8") { $0.largeColumnEmphasis },
        /// Low grey level zone emphasis: (1/N_s) Σ_i s_i. / i²
        FeatureFormula("szm.lgze", "XMSY") { $0.lowGreyLevelEmphasis },
        /// High grey level zone emphasis: (1/N_s) Σ_i i² s_i.
        FeatureFormula("szm.hgze", "5GN9") { $0.highGreyLevelEmphasis },
        /// Small zone low grey level emphasis: (1/N_s) Σ_ij s_ij / (i² j²)
        FeatureFormula("szm.szlge", "5RAI") { $0.weighted { i, j in 1 / (i * i * j * j) } },
        /// Small zone high grey level emphasis: (1/N_s) Σ_ij i² s_ij / j²
        FeatureFormula("szm.szhge", "HW1V") { $0.weighted { i, j in i * i / (j * j) } },
        /// Large zone low grey level emphasis: (1/N_s) Σ_ij j² s_ij / i²
        FeatureFormula("szm.lzlge", "YH51") { $0.weighted { i, j in j * j / (i * i) } },
        /// Large zone high grey level emphasis: (1/N_s) Σ_ij i² j² s_ij
        FeatureFormula("szm.lzhge", "J17V") { $0.weighted { i, j in i * i * j * j } },
        /// Grey level non-uniformity: (1/N_s) Σ_i s_i.²
        FeatureFormula("szm.glnu", "JNSA") { $0.greyLevelNonUniformity },
        /// Normalised grey level non-uniformity: (1/N_s²) Σ_i s_i.²
        FeatureFormula("szm.glnu.norm", "Y1RO") { $0.greyLevelNonUniformityNormalised },
        /// Zone size non-uniformity: (1/N_s) Σ_j s_.j²
        FeatureFormula("szm.zsnu", "4JP3") { $0.columnNonUniformity },
        /// Normalised zone size non-uniformity: (1/N_s²) Σ_j s_.j²
        FeatureFormula("szm.zsnu.norm", "VB3A") { $0.columnNonUniformityNormalised },
        /// Zone percentage: N_s / N_v
        FeatureFormula("szm.z.perc", "P30P") { $0.percentage },
        /// Grey level variance: Σ_ij (i − μ)² p_ij, μ = Σ_ij i p_ij, p_ij = s_ij / N_s
        FeatureFormula("szm.gl.var", "BYLV") { $0.greyLevelVariance },
        /// Zone size variance: Σ_ij (j − μ)² p_ij, μ = Σ_ij j p_ij
        FeatureFormula("szm.zs.var", "3NSA") { $0.columnVariance },
        /// Zone size entropy: −Σ_ij p_ij log2 p_ij
        FeatureFormula("szm.zs.entr", "GU8N") { $0.entropy },
    ]
}
