import Testing
import Imaging
@testable import Radiomics

/// Hand-worked GLSZM, GLDZM, NGTDM and NGLDM examples: each matrix is counted by hand in the comments
/// from the IBSI definitions, and the expected values are the IBSI formulas evaluated on it as fractions.
@Suite struct ZoneFamilyTests {
    /// A FeatureInput over `levels` (x fastest; 0 = outside the intensity mask). The morphological mask is
    /// `morph` or, by default, the intensity mask.
    static func input(_ levels: [Int32], _ dims: Dims, mode: String, aggregations: [Aggregation],
                      morph: [UInt8]? = nil, alpha: Int = 0) -> FeatureInput {
        let mask = levels.map { UInt8($0 > 0 ? 1 : 0) }
        let sp = Spacing(1, 1, 1)
        let region = Region(dims: dims, spacing: sp, intensities: levels, unit: 1, morphMask: morph ?? mask, intensityMask: mask)
        let g = GreyLevels(dims: dims, spacing: sp, levels: levels, count: Int(levels.max() ?? 0))
        let s = ExtractionSettings(name: "test", mode: mode, discretisation: .none, binSize: nil, ngldmAlpha: alpha,
                                   textureAggregations: aggregations)
        return FeatureInput(region: region, levels: g, settings: s)
    }

    static func value(_ fs: [Feature], _ tag: String, _ agg: Aggregation) -> Double? {
        fs.first { $0.tag == tag && $0.aggregation == agg.rawValue }?.value
    }

    static func expectClose(_ fs: [Feature], _ tag: String, _ agg: Aggregation, _ expected: Double,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        guard let v = value(fs, tag, agg) else {
            Issue.record("\(tag) [\(agg.rawValue)] missing or undefined", sourceLocation: sourceLocation); return
        }
        #expect(abs(v - expected) <= 1e-12 * max(1, abs(expected)), "\(tag) [\(agg.rawValue)] = \(v), expected \(expected)",
                sourceLocation: sourceLocation)
    }

    /// 3×3 slice (rows y = 0, 1, 2):
    ///     1 1 2
    ///     1 2 2
    ///     3 3 1
    static let slice: [Int32] = [1, 1, 2,
                                 1, 2, 2,
                                 3, 3, 1]

    /// 8-connected zones: level 1 {(0,0),(1,0),(0,1)} size 3 and {(2,2)} size 1 (its neighbours are 2, 2, 3);
    /// level 2 {(2,0),(1,1),(2,1)} size 3; level 3 {(0,2),(1,2)} size 2. So s(1,3) = s(1,1) = s(2,3) = s(3,2) = 1,
    /// N_s = 4, N_v = 9; s_.1 = 1, s_.2 = 1, s_.3 = 2; s_1. = 2, s_2. = 1, s_3. = 1.
    @Test func glszmSingleSlice() {
        let fs = GLSZM.features(Self.input(Self.slice, Dims(3, 3, 1), mode: "2D", aggregations: [.twoD]))
        Self.expectClose(fs, "szm.sze", .twoD, (1.0 + 1.0 / 4 + 2.0 / 9) / 4)          // 53/144
        Self.expectClose(fs, "szm.lze", .twoD, (1.0 + 4 + 9 * 2) / 4)                  // 23/4
        Self.expectClose(fs, "szm.lgze", .twoD, (2.0 + 1.0 / 4 + 1.0 / 9) / 4)
        Self.expectClose(fs, "szm.hgze", .twoD, (2.0 + 4 + 9) / 4)
        Self.expectClose(fs, "szm.szlge", .twoD, (1.0 / 9 + 1 + 1.0 / 36 + 1.0 / 36) / 4)   // cells (1,3),(1,1),(2,3),(3,2)
        Self.expectClose(fs, "szm.lzhge", .twoD, (9.0 + 1 + 36 + 36) / 4)
        Self.expectClose(fs, "szm.glnu", .twoD, (4.0 + 1 + 1) / 4)
        Self.expectClose(fs, "szm.glnu.norm", .twoD, (4.0 + 1 + 1) / 16)
        Self.expectClose(fs, "szm.zsnu", .twoD, (1.0 + 1 + 4) / 4)
        Self.expectClose(fs, "szm.z.perc", .twoD, 4.0 / 9)
        Self.expectClose(fs, "szm.gl.var", .twoD, 44.0 / 64)                           // μ = 7/4
        let a: Double = 3 - 2.25, b: Double = 1 - 2.25, c: Double = 2 - 2.25     // zone sizes minus their mean 9/4
        let zsVar: Double = (2 * a * a + b * b + c * c) / 4
        Self.expectClose(fs, "szm.zs.var", .twoD, zsVar)
        Self.expectClose(fs, "szm.zs.entr", .twoD, 2)                                  // four cells, p = 1/4
    }

    /// Slice 0 as above, slice 1 all level 1 (one zone of size 9, N_v = 9).
    /// 2D averages per slice: sze = (53/144 + 1/81) / 2. 2.5D merges: cells (1,1),(1,3),(2,3),(3,2),(1,9),
    /// N_s = 5. 3D (26-connected): every level-1 voxel of slice 0 touches slice 1, one zone of 3 + 1 + 9 = 13:
    /// cells (1,13),(2,3),(3,2), N_s = 3, N_v = 18.
    @Test func glszmAggregations() {
        let two = Self.slice + [Int32](repeating: 1, count: 9)
        let fs = GLSZM.features(Self.input(two, Dims(3, 3, 2), mode: "3D", aggregations: [.twoD, .twoFiveD, .threeD]))
        Self.expectClose(fs, "szm.sze", .twoD, (53.0 / 144 + 1.0 / 81) / 2)
        Self.expectClose(fs, "szm.sze", .twoFiveD, (1.0 + 2.0 / 9 + 1.0 / 4 + 1.0 / 81) / 5)
        Self.expectClose(fs, "szm.sze", .threeD, (1.0 / 169 + 1.0 / 9 + 1.0 / 4) / 3)
        Self.expectClose(fs, "szm.lze", .threeD, (169.0 + 9 + 4) / 3)
        Self.expectClose(fs, "szm.z.perc", .twoFiveD, 5.0 / 18)
        Self.expectClose(fs, "szm.z.perc", .threeD, 3.0 / 18)
        // Reference-table order: feature by feature, aggregations in the order asked.
        #expect(fs.prefix(3).map(\.aggregation) == ["2D", "2.5D", "3D"])
        #expect(fs.count == 16 * 3)
    }

    /// 5×5 slice, concentric rings of levels 1 (edge), 2, and 3 (centre):
    ///     1 1 1 1 1
    ///     1 2 2 2 1
    ///     1 2 3 2 1
    ///     1 2 2 2 1
    ///     1 1 1 1 1
    /// 4-connected distance to the border: 1 on the edge ring, 2 on the next, 3 in the centre, so
    /// d(1,1) = d(2,2) = d(3,3) = 1, N_s = 3, N_v = 25.
    static let rings: [Int32] = [1, 1, 1, 1, 1,
                                 1, 2, 2, 2, 1,
                                 1, 2, 3, 2, 1,
                                 1, 2, 2, 2, 1,
                                 1, 1, 1, 1, 1]

    @Test func gldzmRings() {
        let fs = GLDZM.features(Self.input(Self.rings, Dims(5, 5, 1), mode: "2D", aggregations: [.twoD]))
        Self.expectClose(fs, "dzm.sde", .twoD, (1.0 + 1.0 / 4 + 1.0 / 9) / 3)
        Self.expectClose(fs, "dzm.lde", .twoD, 14.0 / 3)
        Self.expectClose(fs, "dzm.sdlge", .twoD, (1.0 + 1.0 / 16 + 1.0 / 81) / 3)
        Self.expectClose(fs, "dzm.ldhge", .twoD, (1.0 + 16 + 81) / 3)
        Self.expectClose(fs, "dzm.zdnu", .twoD, 1)
        Self.expectClose(fs, "dzm.z.perc", .twoD, 3.0 / 25)
        Self.expectClose(fs, "dzm.zd.var", .twoD, 2.0 / 3)
        Self.expectClose(fs, "dzm.zd.entr", .twoD, DetMath.log2(3))
    }

    /// Same rings with the centre voxel re-segmented out of the intensity mask but kept in the
    /// morphological mask: distances come from the morphological mask, so the level-2 ring keeps
    /// distance 2 (it would be 1 next to the hole): d(1,1) = d(2,2) = 1, N_s = 2, N_v = 24.
    @Test func gldzmUsesMorphologicalMask() {
        var lv = Self.rings
        lv[12] = 0
        let fs = GLDZM.features(Self.input(lv, Dims(5, 5, 1), mode: "2D", aggregations: [.twoD],
                                           morph: [UInt8](repeating: 1, count: 25)))
        Self.expectClose(fs, "dzm.sde", .twoD, (1.0 + 1.0 / 4) / 2)
        Self.expectClose(fs, "dzm.z.perc", .twoD, 2.0 / 24)
    }

    /// 3×3×3 cube of level 1 with a level-2 centre. In 3D (6-connected distance, outside the grid is
    /// outside the ROI) the centre is 2 steps from the border, every other voxel 1: d(1,1) = d(2,2) = 1.
    @Test func gldzmCube() {
        var lv = [Int32](repeating: 1, count: 27)
        lv[13] = 2
        let fs = GLDZM.features(Self.input(lv, Dims(3, 3, 3), mode: "3D", aggregations: [.threeD]))
        Self.expectClose(fs, "dzm.sde", .threeD, (1.0 + 1.0 / 4) / 2)
        Self.expectClose(fs, "dzm.lde", .threeD, (1.0 + 4) / 2)
        Self.expectClose(fs, "dzm.z.perc", .threeD, 2.0 / 27)
    }

    /// 3×3 slice
    ///     1 2 1
    ///     2 3 2
    ///     1 2 1
    /// 8-neighbourhood, all voxels in the ROI. Corner (level 1): neighbours 2, 2, 3, W = 3, |1 − 7/3| = 4/3;
    /// edge (level 2): neighbours 1, 1, 2, 3, 2, W = 5, |2 − 9/5| = 1/5; centre (3): mean 12/8, |3 − 3/2| = 3/2.
    /// n = (4, 4, 1), N_v,c = 9, p = (4/9, 4/9, 1/9), s = (16/3, 4/5, 3/2).
    static let cross: [Int32] = [1, 2, 1,
                                 2, 3, 2,
                                 1, 2, 1]

    @Test func ngtdmCross() {
        let fs = NGTDM.features(Self.input(Self.cross, Dims(3, 3, 1), mode: "2D", aggregations: [.twoD]))
        // Σ p s = 64/27 + 16/45 + 1/6 = 781/270
        Self.expectClose(fs, "ngt.coarseness", .twoD, 270.0 / 781)
        // [Σ Σ p p (i−j)² = 8/9] / (3·2) · [Σ s / N_v,c = (229/30) / 9]
        Self.expectClose(fs, "ngt.contrast", .twoD, 4.0 / 27 * (229.0 / 270))
        // Σ Σ |i p_i − j p_j| over ip = (4/9, 8/9, 3/9) = 2 · 10/9
        Self.expectClose(fs, "ngt.busyness", .twoD, (781.0 / 270) / (20.0 / 9))
        // pairs (1,2): 46/15, (1,3): 2 · 137/30, (2,3): 47/50, each counted twice, / N_v,c
        Self.expectClose(fs, "ntg.complexity", .twoD, 2 * (46.0 / 15 + 137.0 / 15 + 47.0 / 50) / 9)
        // Σ Σ (p_i + p_j)(i − j)² = 2 · (8/9 + 20/9 + 5/9), / Σ s = 229/30
        Self.expectClose(fs, "ngt.strength", .twoD, 220.0 / 229)
    }

    /// A voxel without ROI neighbours has no valid neighbourhood: an isolated corner voxel adds nothing.
    @Test func ngtdmSkipsVoxelsWithoutNeighbours() {
        // The cross on slice 0, a lone level-5 voxel on slice 1 (2D neighbourhoods stay in plane).
        let two = Self.cross + [0, 0, 0, 0, 5, 0, 0, 0, 0]
        let fs = NGTDM.features(Self.input(two, Dims(3, 3, 2), mode: "2D", aggregations: [.twoD, .twoFiveD]))
        // Slice 1 has no valid neighbourhood (undefined, left out of the 2D mean); 2.5D merges to the cross's matrix.
        Self.expectClose(fs, "ngt.coarseness", .twoD, 270.0 / 781)
        Self.expectClose(fs, "ngt.coarseness", .twoFiveD, 270.0 / 781)
    }

    /// 2.5D merging sums n_i and s_i: the cross on two slices has n = (8, 8, 2), N_v,c = 18, the same p_i
    /// and twice each s_i, so coarseness halves (1 / (2 · 781/270)) while 2D (the mean of two equal slices) does not.
    @Test func ngtdmMergesSlices() {
        let fs = NGTDM.features(Self.input(Self.cross + Self.cross, Dims(3, 3, 2), mode: "2D", aggregations: [.twoD, .twoFiveD]))
        Self.expectClose(fs, "ngt.coarseness", .twoD, 270.0 / 781)
        Self.expectClose(fs, "ngt.coarseness", .twoFiveD, 270.0 / 1562)
        Self.expectClose(fs, "ngt.strength", .twoFiveD, 110.0 / 229)
    }

    /// NGLDM on the cross with α = 0: corners (1) have no equal neighbour, j = 1; edges (2) have two level-2
    /// neighbours, j = 3; the centre, j = 1. s(1,1) = 4, s(2,3) = 4, s(3,1) = 1, N_s = 9.
    @Test func ngldmCross() {
        let fs = NGLDM.features(Self.input(Self.cross, Dims(3, 3, 1), mode: "2D", aggregations: [.twoD]))
        Self.expectClose(fs, "ngl.lde", .twoD, (5.0 + 4.0 / 9) / 9)
        Self.expectClose(fs, "ngl.hde", .twoD, (5.0 + 4 * 9) / 9)
        Self.expectClose(fs, "ngl.lgce", .twoD, (4.0 + 1 + 1.0 / 9) / 9)
        Self.expectClose(fs, "ngl.ldhge", .twoD, (4.0 + 4 * 4.0 / 9 + 9) / 9)
        Self.expectClose(fs, "ngl.glnu", .twoD, 33.0 / 9)
        Self.expectClose(fs, "ngl.dcnu", .twoD, 41.0 / 9)
        Self.expectClose(fs, "ngl.dcnu.norm", .twoD, 41.0 / 81)
        Self.expectClose(fs, "ngl.dc.perc", .twoD, 1)
        Self.expectClose(fs, "ngl.dc.var", .twoD, 720.0 / 729)
        Self.expectClose(fs, "ngl.dc.entr", .twoD, (8.0 / 9) * DetMath.log2(9.0 / 4) + DetMath.log2(9) / 9)
        Self.expectClose(fs, "ngl.dc.energy", .twoD, 33.0 / 81)
    }

    /// α = 1: corner (1) depends on its two level-2 neighbours, j = 3; edge (2) on all 5, j = 6;
    /// centre (3) on its four level-2 neighbours, j = 5. s(1,3) = 4, s(2,6) = 4, s(3,5) = 1.
    @Test func ngldmCoarseness() {
        let fs = NGLDM.features(Self.input(Self.cross, Dims(3, 3, 1), mode: "2D", aggregations: [.twoD], alpha: 1))
        Self.expectClose(fs, "ngl.hde", .twoD, (4.0 * 9 + 4 * 36 + 25) / 9)
    }

    /// An empty ROI gives every feature undefined, never a crash.
    @Test func emptyROI() {
        let fs = GLSZM.features(Self.input([Int32](repeating: 0, count: 8), Dims(2, 2, 2), mode: "3D", aggregations: [.threeD]))
            + NGTDM.features(Self.input([Int32](repeating: 0, count: 8), Dims(2, 2, 2), mode: "3D", aggregations: [.threeD]))
        #expect(fs.count == 16 + 5)
        #expect(fs.allSatisfy { $0.value == nil && $0.reason != nil })
    }
}
