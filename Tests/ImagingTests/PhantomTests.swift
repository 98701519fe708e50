import Testing
@testable import Imaging

/// The IBSI phantoms. Expected values come from the IBSI manual (digital phantom) and from the CT phantom's
/// header decoded by hand with Python `gzip` + `struct` (a reader independent of ours):
/// dim = (3, 204, 201, 60), datatype 16 (float32), pixdim = 0.977, 0.977, 3.0 (float32), sform_code 1 with
/// srow_x = (−0.977, 0, 0, 174.3945), srow_y = (0, −0.977, 0, 79.6255), srow_z = (0, 0, 3, −100.4);
/// mask: 125,256 voxels, bounding box x 51…150, y 51…149, z 17…42; sum of rounded HU in the ROI −5,872,342,
/// min −1000, max 723.
@Suite struct PhantomTests {
    @Test func digitalPhantomLoads() throws {
        let r = try Ingest.load(imagePath: ibsiRoot + "/digital_phantom/image.nii.gz",
                                maskPath: ibsiRoot + "/digital_phantom/mask.nii.gz", marginMM: 10)
        #expect(r.mask.count == 74)
        #expect(r.image.dims == Dims(5, 4, 4))
        #expect(r.image.spacing == Spacing(2, 2, 2))
        let inside = zip(r.image.voxels, r.mask.voxels).filter { $0.1 != 0 }.map { $0.0 }
        #expect(Set(inside) == [1, 3, 4, 6])   // IBSI manual: grey levels 1, 3, 4, 6 in the ROI
    }

    @Test func ctPhantomHeaderGeometry() throws {
        let f = try NIfTIFile(ibsiRoot + "/ct_phantom/image.nii.gz")
        let g = f.geometry
        #expect(g.dims == Dims(204, 201, 60))
        #expect(f.header.datatype == .float32)
        #expect(g.spacing == Spacing(Double(Float(0.977)), Double(Float(0.977)), 3))
        #expect(abs(g.origin.0 - 174.3945) < 1e-3 && abs(g.origin.1 - 79.6255) < 1e-3 && abs(g.origin.2 + 100.4) < 1e-3)
        #expect(g.direction == [[-1, 0, 0], [0, -1, 0], [0, 0, 1]])
        #expect(Orientation.code(g.direction) == "LPS")
    }

    @Test func ctPhantomROI() throws {
        let r = try Ingest.load(imagePath: ibsiRoot + "/ct_phantom/image.nii.gz",
                                maskPath: ibsiRoot + "/ct_phantom/mask.nii.gz", marginMM: 0)
        #expect(r.mask.count == 125_256)
        #expect(r.image.offsetInFile == (51, 51, 17))
        #expect(r.image.dims == Dims(100, 99, 26))
        let inside = zip(r.image.voxels, r.mask.voxels).filter { $0.1 != 0 }.map { Int($0.0) }
        #expect(inside.reduce(0, +) == -5_872_342)
        #expect(inside.min() == -1000 && inside.max() == 723)
        // The crop's origin is voxel (51, 51, 17) of the file: 174.3945 − 51·0.977, 79.6255 − 51·0.977, −100.4 + 17·3.
        #expect(abs(r.image.geometry.origin.0 - (174.3945 - 51 * 0.977)) < 1e-3)
        #expect(abs(r.image.geometry.origin.2 - (-100.4 + 51)) < 1e-3)
    }

    @Test func ctPhantomMarginIsClippedAndConvertedPerAxis() throws {
        // 10 mm → ceil(10 / 0.977) = 11 voxels in-plane, ceil(10 / 3) = 4 slices.
        let r = try Ingest.load(imagePath: ibsiRoot + "/ct_phantom/image.nii.gz",
                                maskPath: ibsiRoot + "/ct_phantom/mask.nii.gz", marginMM: 10)
        #expect(r.image.offsetInFile == (40, 40, 13))
        #expect(r.image.dims == Dims(100 + 22, 99 + 22, 26 + 8))
        #expect(r.mask.count == 125_256)
    }
}

/// `inspect`'s summary of the CT phantom, against the values decoded by hand with Python (see PhantomTests).
@Suite struct InspectSummaryTests {
    @Test func ctPhantomImageAndMask() throws {
        let img = try NIfTISummary.of(ibsiRoot + "/ct_phantom/image.nii.gz")
        #expect(img.range?.min == -1000 && img.range?.max == 3065)
        #expect(img.datatype == .float32 && img.version == 1 && !img.bigEndian)
        #expect(!img.isBinary && img.nonFinite == 0)
        let m = try NIfTISummary.of(ibsiRoot + "/ct_phantom/mask.nii.gz")
        #expect(m.isBinary && m.nonZero == 125_256)
        #expect(m.lines.contains("  mask        125256 voxels inside, 358.681 mL"))   // 125256 · 0.977² · 3 mm³
        #expect(m.lines.contains("  orientation LPS (axes i, j, k point toward; RAS+ world)"))
        #expect(m.lines.contains("  dims        204 × 201 × 60 voxels"))
        #expect(m.lines.contains("  spacing     0.977 × 0.977 × 3 mm"))
    }

    @Test func pairGivenByItsImgFile() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(2, 2, 1), spacing: Spacing(1, 1, 1))
        try NIfTIWriter.write(path: tmp.file("p.hdr"), geometry: g, values: [0, 1, 2, 3], datatype: .int16, bigEndian: true)
        let s = try NIfTISummary.of(tmp.file("p.img"))
        #expect(s.range?.min == 0 && s.range?.max == 3 && s.bigEndian && s.labels.count == 3)
    }
}
