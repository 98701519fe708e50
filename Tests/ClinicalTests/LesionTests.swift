import Testing
import Imaging
@testable import Clinical

/// Lesion counting, diameters and the peritumoral ring, checked against values worked by hand.
@Suite struct LesionTests {
    func mask(_ d: Dims, _ s: Spacing, _ inside: [(Int, Int, Int)]) -> Mask {
        var m = Mask(geometry: Geometry(dims: d, spacing: s), voxels: [UInt8](repeating: 0, count: d.count))
        for (i, j, k) in inside { m[i, j, k] = true }
        return m
    }

    @Test func diagonalNeighboursAreOneLesionUnder26Connectivity() {
        // (0,0,0) and (1,1,1) touch only at a corner: one lesion with 26-connectivity.
        let m = mask(Dims(4, 4, 4), Spacing(10, 10, 10), [(0, 0, 0), (1, 1, 1), (3, 3, 3)])
        let (lesions, _) = LesionFinder.find(m)
        #expect(lesions.count == 2)
        #expect(lesions[0].voxelCount == 2)
        #expect(lesions[0].volumeML == 2.0)      // 2 × 1000 mm³
    }

    @Test func specksBelowThresholdAreDropped() {
        // 1 mm³ voxels: a 5-voxel blob is 0.005 mL < 0.01 mL, an 11-voxel one 0.011 mL is kept.
        let speck = (0..<5).map { ($0, 0, 0) }
        let blob = (0..<11).map { ($0, 5, 5) }
        let m = mask(Dims(12, 8, 8), Spacing(1, 1, 1), speck + blob)
        let (lesions, labels) = LesionFinder.find(m)
        #expect(lesions.count == 1)
        #expect(lesions[0].voxelCount == 11)
        #expect(labels[m.dims.index(0, 0, 0)] == 0)
        #expect(labels[m.dims.index(0, 5, 5)] == 1)
    }

    @Test func diametersAreEdgeToEdge() {
        // A 3×4-pixel rectangle on one slice at 2 × 1 mm pixels, 5 mm thick: 6 mm × 4 mm in-plane.
        // In-plane diagonal √(6² + 4²) = √52 = 7.2111 mm; 3-D diagonal √(52 + 5²) = √77 = 8.7750 mm.
        var pts: [(Int, Int, Int)] = []
        for j in 0..<4 { for i in 0..<3 { pts.append((i + 1, j + 1, 1)) } }
        let m = mask(Dims(6, 6, 3), Spacing(2, 1, 5), pts)
        let l = LesionFinder.find(m).lesions[0]
        #expect(abs(l.longestAxialDiameterCM - 0.72111) < 1e-4)
        #expect(abs(l.maximum3DDiameterCM - 0.87750) < 1e-4)
        #expect(l.largestSlice == 1)
    }

    @Test func ringWidthIsInMillimetres() {
        // One voxel at 1 mm spacing: within 1 mm lie its 6 face neighbours; within 1.5 mm also the
        // 12 edge neighbours (√2 = 1.414); within 2 mm also the 8 corners (√3 = 1.732) and 6 at distance 2.
        let m = mask(Dims(7, 7, 7), Spacing(1, 1, 1), [(3, 3, 3)])
        #expect(PeritumoralRing.ring(around: m, widthMM: 1).count == 6)
        #expect(PeritumoralRing.ring(around: m, widthMM: 1.5).count == 18)
        #expect(PeritumoralRing.ring(around: m, widthMM: 2).count == 32)
        // Anisotropic: 0.5 mm in-plane, 2 mm slices, 1 mm ring → in-plane disc radius 2 voxels (13 pixels − centre)
        // plus nothing above/below (2 mm > 1 mm).
        let a = mask(Dims(7, 7, 3), Spacing(0.5, 0.5, 2), [(3, 3, 1)])
        #expect(PeritumoralRing.ring(around: a, widthMM: 1).count == 12)
    }

    @Test func ringIsClippedToLiver() {
        let m = mask(Dims(7, 7, 7), Spacing(1, 1, 1), [(3, 3, 3)])
        let liver = mask(Dims(7, 7, 7), Spacing(1, 1, 1), [(3, 3, 3), (4, 3, 3)])
        #expect(PeritumoralRing.ring(around: m, widthMM: 1, liver: liver).count == 1)
    }
}
