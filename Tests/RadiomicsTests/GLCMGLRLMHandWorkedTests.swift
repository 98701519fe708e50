import Testing
import Imaging
@testable import Radiomics

/// GLCM and GLRLM of a tiny 2D image, counted by hand from the IBSI definitions (manual, sections GLCM and
/// GLRLM): symmetric GLCM at distance 1, in-plane directions 0° (1,0), 45° (1,1), 90° (0,1), 135° (−1,1).
///
/// Image (x → right, y ↓), every pixel in the ROI:
///
///     y0:  1 2 2
///     y1:  1 1 3
@Suite struct GLCMGLRLMHandWorkedTests {
    static func input(levels: [Int32], dims: Dims, count: Int, mode: String = "2D") -> FeatureInput {
        let mask = levels.map { $0 > 0 ? UInt8(1) : 0 }
        let region = Region(dims: dims, spacing: Spacing(1, 1, 1), intensities: levels, unit: 1,
                            morphMask: mask, intensityMask: mask)
        return FeatureInput(region: region, levels: GreyLevels(dims: dims, spacing: Spacing(1, 1, 1), levels: levels, count: count),
                            settings: ExtractionSettings(name: "test", mode: mode, discretisation: .none, binSize: nil))
    }
    static let image = input(levels: [1, 2, 2, 1, 1, 3], dims: Dims(3, 2, 1), count: 3)

    static func value(_ fs: [Feature], _ tag: String, _ agg: Aggregation) -> Double? {
        fs.first { $0.tag == tag && $0.aggregation == agg.rawValue }?.value
    }
    static func close(_ a: Double?, _ b: Double) -> Bool { guard let a else { return false }; return abs(a - b) < 1e-12 }

    // Neighbour pairs (unordered) per direction:
    //   0°:   1–2, 2–2, 1–1, 1–3        45°: 1–1, 2–3
    //   90°:  1–1, 2–1, 2–3             135°: 2–1, 2–1
    // Merged over the four directions (one slice, so 2D slice-merged = 2.5D merged), each pair counted both ways:
    //          1  2  3
    //     1 [  6  4  1 ]     total 22; row sums 11, 8, 3
    //     2 [  4  2  2 ]
    //     3 [  1  2  0 ]
    @Test func mergedGLCM() {
        let fs = GLCM.features(Self.image)
        for agg in [Aggregation.twoDSliceMerged, .twoFiveDMerged] {
            #expect(Self.close(Self.value(fs, "cm.joint.max", agg), 6.0 / 22))
            // μ = (1·11 + 2·8 + 3·3) / 22
            #expect(Self.close(Self.value(fs, "cm.joint.avg", agg), 36.0 / 22))
            // Σ(i−j)² p: pairs 1–2 (8 counts)·1 + 1–3 (2)·4 + 2–3 (4)·1 = 20
            #expect(Self.close(Self.value(fs, "cm.contrast", agg), 20.0 / 22))
            // Σ|i−j| p: 8·1 + 2·2 + 4·1 = 16
            #expect(Self.close(Self.value(fs, "cm.dissimilarity", agg), 16.0 / 22))
            // Σ p²: (36 + 4 + 2·16 + 2·1 + 2·4) / 22²
            #expect(Self.close(Self.value(fs, "cm.energy", agg), 82.0 / 484))
            // Σ p/(1+|i−j|): (8 + 12/2 + 2/3) / 22 = 2/3
            #expect(Self.close(Self.value(fs, "cm.inv.diff", agg), 2.0 / 3))
            // Σ ij p: 6·1 + 2·4 + 8·2 + 2·3 + 4·6 = 60
            #expect(Self.close(Self.value(fs, "cm.auto.corr", agg), 60.0 / 22))
            // (Σ ij p − μ²) / σ², σ² = (1·11 + 4·8 + 9·3)/22 − μ² → (1320 − 1296) / (1540 − 1296) = 6/61
            #expect(Self.close(Self.value(fs, "cm.corr", agg), 6.0 / 61))
            // −Σ p log₂ p with p = 6/22 (once), 4/22 (twice), 2/22 (three times), 1/22 (twice)
            #expect(abs((Self.value(fs, "cm.joint.entr", agg) ?? 0) - 2.7544418457133455) < 1e-12)
        }
    }

    // Directional matrices (2D averaged = mean over the four):
    //   0°: [[2,1,1],[1,2,0],[1,0,0]] /8   max 1/4,  contrast (2·1 + 2·4)/8 = 5/4
    //   45°: M11 = 2, M23 = M32 = 1  /4    max 1/2,  contrast 2/4
    //   90°: M11 = 2, M12 = M21 = 1, M23 = M32 = 1 /6   max 1/3, contrast 4/6
    //   135°: M12 = M21 = 2 /4             max 1/2,  contrast 4/4
    @Test func averagedGLCM() {
        let fs = GLCM.features(Self.image)
        let maxes: Double = 0.25 + 0.5 + 1.0 / 3 + 0.5
        #expect(Self.close(Self.value(fs, "cm.joint.max", .twoDAveraged), maxes / 4))
        let contrasts: Double = 1.25 + 0.5 + 4.0 / 6 + 1
        #expect(Self.close(Self.value(fs, "cm.contrast", .twoDAveraged), contrasts / 4))
        #expect(Self.value(fs, "cm.joint.max", .threeDMerged) == nil)   // 2D mode: no 3D rows
        #expect(fs.count == 25 * 4)
    }

    // Runs (grey level, length) per direction:
    //   0°:   (1,1) (2,2) (1,2) (3,1)                 N_v 6
    //   45°:  (1,2) (2,1) (3,1) (2,1) (1,1)           N_v 6
    //   90°:  (1,2) (2,1) (1,1) (2,1) (3,1)           N_v 6
    //   135°: (1,1) (2,1) (1,1) (2,1) (1,1) (3,1)     N_v 6
    // Merged: r(1,1) = 6, r(1,2) = 3, r(2,1) = 6, r(2,2) = 1, r(3,1) = 4; N_s = 20, N_v = 4·6 = 24;
    //   r_.1 = 16, r_.2 = 4; r_1. = 9, r_2. = 7, r_3. = 4.
    @Test func mergedGLRLM() {
        let fs = GLRLM.features(Self.image)
        for agg in [Aggregation.twoDSliceMerged, .twoFiveDMerged] {
            #expect(Self.close(Self.value(fs, "rlm.sre", agg), (16 + 4.0 / 4) / 20))
            #expect(Self.close(Self.value(fs, "rlm.lre", agg), (16 + 4.0 * 4) / 20))
            let lgre: Double = 9 + 7.0 / 4 + 4.0 / 9
            #expect(Self.close(Self.value(fs, "rlm.lgre", agg), lgre / 20))
            let hgre: Double = 9 + 7.0 * 4 + 4.0 * 9
            #expect(Self.close(Self.value(fs, "rlm.hgre", agg), hgre / 20))
            #expect(Self.close(Self.value(fs, "rlm.glnu", agg), (81 + 49 + 16) / 20.0))
            #expect(Self.close(Self.value(fs, "rlm.rlnu", agg), (256 + 16) / 20.0))
            #expect(Self.close(Self.value(fs, "rlm.r.perc", agg), 20.0 / 24))
        }
        // 2D averaged short runs emphasis: 0° (1 + ¼ + ¼ + 1)/4, 45° and 90° (4 + ¼)/5, 135° 6/6.
        #expect(Self.close(Self.value(fs, "rlm.sre", .twoDAveraged), (0.625 + 0.85 + 0.85 + 1) / 4))
        let percs: Double = 4.0 / 6 + 5.0 / 6 + 5.0 / 6 + 1
        #expect(Self.close(Self.value(fs, "rlm.r.perc", .twoDAveraged), percs / 4))
    }

    // A 1×1×3 column with levels 1, 1, 2 along z, 3D mode. Of the 13 directions only (0,0,1) links voxels:
    //   GLCM: (0,0,1) pairs 1–1, 1–2 → M11 = 2, M12 = M21 = 1 (total 4); the other 12 matrices are empty and
    //         take no part, so 3D averaged = 3D merged: joint max 1/2, contrast 2/4.
    //   GLRLM: (0,0,1) runs (1,2), (2,1); each other direction runs (1,1), (1,1), (2,1).
    //         Merged: r(1,1) = 24, r(1,2) = 1, r(2,1) = 13; N_s = 38, N_v = 13·3 = 39.
    @Test func columnIn3D() {
        let column = Self.input(levels: [1, 1, 2], dims: Dims(1, 1, 3), count: 2, mode: "3D")
        let cm = GLCM.features(column)
        #expect(cm.count == 25 * 2)
        for agg in [Aggregation.threeDAveraged, .threeDMerged] {
            #expect(Self.close(Self.value(cm, "cm.joint.max", agg), 0.5))
            #expect(Self.close(Self.value(cm, "cm.contrast", agg), 0.5))
        }
        let rlm = GLRLM.features(column)
        #expect(rlm.count == 16 * 2)
        #expect(Self.close(Self.value(rlm, "rlm.r.perc", .threeDMerged), 38.0 / 39))
        #expect(Self.close(Self.value(rlm, "rlm.sre", .threeDMerged), (24 + 13 + 1.0 / 4) / 38))
        #expect(Self.close(Self.value(rlm, "rlm.r.perc", .threeDAveraged), (2.0 / 3 + 12) / 13))
    }

    // Distance δ = 2 on the 3×2 image: only 0° (2,0) finds pairs, 1–2 (row 0) and 1–3 (row 1):
    //   M12 = M21 = 1, M13 = M31 = 1 (total 4); the other three directional matrices are empty.
    //   joint max 1/4; contrast (2·1 + 2·4)/4 = 5/2.
    @Test func distanceTwo() {
        var image = Self.image
        image.settings.distance = 2
        let fs = GLCM.features(image)
        for agg in [Aggregation.twoDAveraged, .twoDSliceMerged, .twoFiveDDirectionMerged, .twoFiveDMerged] {
            #expect(Self.close(Self.value(fs, "cm.joint.max", agg), 0.25))
            #expect(Self.close(Self.value(fs, "cm.contrast", agg), 2.5))
        }
    }

    @Test func tooManyGreyLevelsIsReportedNotComputed() {
        let n = 1100
        let many = Self.input(levels: (1...n).map { Int32($0) }, dims: Dims(n, 1, 1), count: n)
        for fs in [GLCM.features(many), GLRLM.features(many)] {
            #expect(!fs.isEmpty && fs.allSatisfy { $0.value == nil && ($0.reason ?? "").contains("grey levels") })
        }
    }

    @Test func emptyAndSingleVoxelROIs() {
        let empty = Self.input(levels: [0, 0, 0, 0], dims: Dims(2, 2, 1), count: 0)
        let e1 = GLCM.features(empty), e2 = GLRLM.features(empty)
        #expect(e1.count == 100 && e1.allSatisfy { $0.value == nil && $0.reason != nil })
        #expect(e2.count == 64 && e2.allSatisfy { $0.value == nil })
        // One voxel: no co-occurring pairs; one run of length 1 per direction (run percentage 1).
        let one = Self.input(levels: [0, 4, 0, 0], dims: Dims(2, 2, 1), count: 4)
        #expect(GLCM.features(one).allSatisfy { $0.value == nil })
        #expect(Self.value(GLRLM.features(one), "rlm.r.perc", .twoFiveDMerged) == 1)
        #expect(Self.value(GLRLM.features(one), "rlm.lgre", .twoFiveDMerged) == 1.0 / 16)
    }
}
