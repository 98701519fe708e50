/// Grey level distance zone matrix features (IBSI VMDZ): d_ij counts the zones (as in GLSZM, on the
/// intensity mask) with grey level i whose smallest distance to the ROI border is j. The distance map
/// is taken on the morphological mask in face-neighbour (Manhattan) steps, 1 on the edge.
public enum GLDZM {
    /// GLDZM features for each of `settings.zoneAggregations` (`2D`, `2.5D`, `3D`).
    public static func features(_ input: FeatureInput) -> [Feature] {
        let aggs = input.settings.zoneAggregations
        if let problem = zoneInputProblem(input) { return undefinedFeatures(table, aggregations: aggs, reason: problem) }
        if input.region.morphMask.count != input.levels.levels.count {
            return undefinedFeatures(table, aggregations: aggs, reason: "morphological mask does not match the grey levels")
        }
        return aggregatedFeatures(table, aggregations: aggs) { sliceWise in
            matrices(input.levels, morphMask: input.region.morphMask, sliceWise: sliceWise, zones: input.zoneMap(sliceWise: sliceWise))
        }
    }

    /// The volume's GLDZM, or one per slice holding ROI voxels (distances then measured in plane).
    public static func matrices(_ g: GreyLevels, morphMask: [UInt8], linkage: Int = 1, sliceWise: Bool) -> [ZoneMatrix] {
        matrices(g, morphMask: morphMask, sliceWise: sliceWise, zones: ZoneMap(g, linkage: linkage, inPlane: sliceWise))
    }

    /// The same from an existing zone labelling of `g`.
    static func matrices(_ g: GreyLevels, morphMask: [UInt8], sliceWise: Bool, zones zm: ZoneMap) -> [ZoneMatrix] {
        // A voxel of the intensity mask outside the morphological one (not expected) counts as on the edge.
        var mask = morphMask
        for n in 0..<mask.count where g.levels[n] > 0 { mask[n] = 1 }
        let dist = borderDistanceMap(mask: mask, dims: g.dims, inPlane: sliceWise)
        var zoneDistance = [Int](repeating: Int.max, count: zm.zones.count)
        for n in 0..<zm.label.count where zm.label[n] >= 0 {
            let z = Int(zm.label[n])
            zoneDistance[z] = min(zoneDistance[z], max(1, Int(dist[n])))
        }
        let nv = voxelsPerSlice(g)
        if !sliceWise {
            return [ZoneMatrix(pairs: zm.zones.indices.map { (zm.zones[$0].level, zoneDistance[$0]) }, voxelCount: nv.reduce(0, +))]
        }
        var perSlice = [[(level: Int, column: Int)]](repeating: [], count: nv.count)
        for (z, zone) in zm.zones.enumerated() { perSlice[zone.slice].append((zone.level, zoneDistance[z])) }
        return (0..<nv.count).filter { nv[$0] > 0 }.map { ZoneMatrix(pairs: perSlice[$0], voxelCount: nv[$0]) }
    }

    /// The IBSI GLDZM features; i = grey level, j = zone distance, N_s = zones, N_v = voxels.
    public static let table: [FeatureFormula<ZoneMatrix>] = [
        /// Small distance emphasis: (1/N_s) Σ_j d_.j / j²
        FeatureFormula("dzm.sde", "0GBI") { $0.smallColumnEmphasis },
        /// Large distance emphasis: (1/N_s) Σ_j j² d_.j
        FeatureFormula("dzm.lde", "MB4I") { $0.largeColumnEmphasis },
        /// Low grey level zone emphasis: (1/N_s) Σ_i d_i. / i²
        FeatureFormula("dzm.lgze", "S1RA") { $0.lowGreyLevelEmphasis },
        /// High grey level zone emphasis: (1/N_s) Σ_i i² d_i.
        FeatureFormula("dzm.hgze", "K26C") { $0.highGreyLevelEmphasis },
        /// Small distance low grey level emphasis: (1/N_s) Σ_ij d_ij / (i² j²)
        FeatureFormula("dzm.sdlge", "RUVG") { $0.weighted { i, j in 1 / (i * i * j * j) } },
        /// Small distance high grey level emphasis: (1/N_s) Σ_ij i² d_ij / j²
        FeatureFormula("dzm.sdhge", "DKNJ") { $0.weighted { i, j in i * i / (j * j) } },
        /// Large distance low grey level emphasis: (1/N_s) Σ_ij j² d_ij / i²
        FeatureFormula("dzm.ldlge", "A7WM") { $0.weighted { i, j in j * j / (i * i) } },
        /// Large distance high grey level emphasis: (1/N_s) Σ_ij i² j² d_ij
        FeatureFormula("dzm.ldhge", "KLTH") { $0.weighted { i, j in i * i * j * j } },
        /// Grey level non-uniformity: (1/N_s) Σ_i d_i.²
        FeatureFormula("dzm.glnu", "VFT7") { $0.greyLevelNonUniformity },
        /// Normalised grey level non-uniformity: (1/N_s²) Σ_i d_i.²
        FeatureFormula("dzm.glnu.norm", "7HP3") { $0.greyLevelNonUniformityNormalised },
        /// Zone distance non-uniformity: (1/N_s) Σ_j d_.j²
        FeatureFormula("dzm.zdnu", "V294") { $0.columnNonUniformity },
        /// Normalised zone distance non-uniformity: (1/N_s²) Σ_j d_.j²
        FeatureFormula("dzm.zdnu.norm", "IATH") { $0.columnNonUniformityNormalised },
        /// Zone percentage: N_s / N_v
        FeatureFormula("dzm.z.perc", "VIWW") { $0.percentage },
        /// Grey level variance: Σ_ij (i − μ)² p_ij, μ = Σ_ij i p_ij, p_ij = d_ij / N_s
        FeatureFormula("dzm.gl.var", "QK93") { $0.greyLevelVariance },
        /// Zone distance variance: Σ_ij (j − μ)² p_ij, μ = Σ_ij j p_ij
        FeatureFormula("dzm.zd.var", "7WT1") { $0.columnVariance },
        /// Zone distance entropy: −Σ_ij p_ij log2 p_ij
        FeatureFormula("dzm.zd.entr", "GBDU") { $0.entropy },
    ]
}
