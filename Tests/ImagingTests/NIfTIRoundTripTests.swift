import Testing
@testable import Imaging

/// Files written through libnifti in every datatype, byte order, container and NIfTI version; the values are
/// known by construction (a formula of the voxel index), so the reader is checked against the formula.
@Suite struct NIfTIRoundTripTests {
    static let dims = Dims(7, 6, 5)
    static let geometry = Geometry(dims: dims, spacing: Spacing(0.75, 0.8, 2.5), origin: (-10, 20.5, -30),
                                   direction: [[-1, 0, 0], [0, -1, 0], [0, 0, 1]])

    /// A value for each voxel that fits every datatype (0…120, signed types also negative).
    static func stored(_ i: Int, _ j: Int, _ k: Int, signed: Bool) -> Double {
        let v = Double((i * 7 + j * 3 + k * 11) % 121)
        return signed && (i + j) % 2 == 1 ? -v : v
    }
    /// Mask: a 3×3×3 block at (2…4, 1…3, 1…3) with one voxel removed.
    static func inMask(_ i: Int, _ j: Int, _ k: Int) -> Bool {
        (2...4).contains(i) && (1...3).contains(j) && (1...3).contains(k) && !(i == 4 && j == 3 && k == 3)
    }

    static let cases: [(NIfTIDataType, Bool, String, Int)] = {
        var c: [(NIfTIDataType, Bool, String, Int)] = []
        for t in NIfTIDataType.allCases { for be in [false, true] { for ext in [".nii", ".nii.gz", ".hdr"] { for v in [1, 2] {
            c.append((t, be, ext, v))
        } } } }
        return c
    }()

    @Test(arguments: cases)
    func roundTrip(_ dt: NIfTIDataType, _ bigEndian: Bool, _ ext: String, _ version: Int) throws {
        let tmp = TempDir()
        let signed = [.int8, .int16, .int32, .float32, .float64].contains(dt)
        let d = Self.dims
        var values = [Double](), mask = [Double]()
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x {
            values.append(Self.stored(i, j, k, signed: signed)); mask.append(Self.inMask(i, j, k) ? 1 : 0)
        } } }
        let img = tmp.file("img" + ext), msk = tmp.file("mask" + ext)
        // scl_slope 2, scl_inter −5: integral, so integer data must load exactly as 2·v − 5.
        try NIfTIWriter.write(path: img, geometry: Self.geometry, values: values, datatype: dt, slope: 2, intercept: -5,
                              bigEndian: bigEndian, version: version)
        try NIfTIWriter.write(path: msk, geometry: Self.geometry, values: mask, datatype: dt == .int8 ? .int8 : .uint8,
                              bigEndian: bigEndian, version: version)
        // The header on disk really is in the requested byte order (sizeof_hdr 348 / 540 as the first 4 bytes).
        let raw = readAll(ext == ".nii.gz" ? img : img)
        if ext != ".nii.gz" {
            let size = version == 1 ? [0, 0, 1, 0x5C] : [0, 0, 2, 0x1C]
            #expect(Array(raw.prefix(4)) == (bigEndian ? size : size.reversed()).map(UInt8.init))
        }
        let r = try Ingest.load(imagePath: img, maskPath: msk, marginMM: 1)
        // Margin 1 mm → 2 voxels in x (0.75 mm), 2 in y (0.8 mm), 1 in z (2.5 mm) around (2…4, 1…3, 1…3).
        #expect(r.image.offsetInFile == (0, 0, 0))
        #expect(r.image.dims == Dims(7, 6, 5))
        #expect(r.mask.count == 26)
        #expect(r.image.geometry.mismatch(with: Self.geometry) == nil)
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x {
            let expected = 2 * Self.stored(i, j, k, signed: signed) - 5
            #expect(Double(r.image[i, j, k]) == expected, "voxel (\(i),\(j),\(k)) \(dt) be=\(bigEndian) \(ext) v\(version)")
            #expect(r.mask[i, j, k] == Self.inMask(i, j, k))
        } } }
    }

    @Test func cropOffsetAndOriginFollowTheROI() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(20, 20, 20), spacing: Spacing(1, 1, 2), origin: (5, 6, 7))
        var img = [Double](), msk = [Double]()
        for k in 0..<20 { for j in 0..<20 { for i in 0..<20 {
            img.append(Double(i + 100 * j + 10000 * k) / 4)   // float data: x.25 rounds down, x.5 away from zero
            msk.append(i == 10 && j == 11 && (k == 12 || k == 13) ? 3 : (i == 2 && j == 2 && k == 2 ? 1 : 0))
        } } }
        try NIfTIWriter.write(path: tmp.file("i.nii.gz"), geometry: g, values: img, datatype: .float32)
        try NIfTIWriter.write(path: tmp.file("m.nii.gz"), geometry: g, values: msk, datatype: .int16)
        let r = try Ingest.load(imagePath: tmp.file("i.nii.gz"), maskPath: tmp.file("m.nii.gz"), label: 3, marginMM: 2)
        #expect(r.image.offsetInFile == (8, 9, 11))
        #expect(r.image.dims == Dims(5, 5, 4))
        #expect(r.mask.count == 2)
        #expect(r.image.geometry.origin == (13, 15, 29))
        // voxel (10, 11, 12): (10 + 1100 + 120000) / 4 = 30277.5 → 30278 (half away from zero)
        #expect(r.image[2, 2, 1] == 30278)
        // voxel (9, 11, 12): 121109 / 4 = 30277.25 → 30277
        #expect(r.image[1, 2, 1] == 30277)
        // label 1 alone: a single voxel at (2, 2, 2)
        let one = try Ingest.load(imagePath: tmp.file("i.nii.gz"), maskPath: tmp.file("m.nii.gz"), label: 1)
        #expect(one.mask.count == 1 && one.image.offsetInFile == (2, 2, 2))
        // default: every non-zero voxel → bounding box spans both labels
        let all = try Ingest.load(imagePath: tmp.file("i.nii.gz"), maskPath: tmp.file("m.nii.gz"))
        #expect(all.mask.count == 3 && all.image.dims == Dims(9, 10, 12))
    }

    @Test func floatMaskIsInsideAboveOneHalf() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(4, 1, 1), spacing: Spacing(1, 1, 1))
        try NIfTIWriter.write(path: tmp.file("i.nii"), geometry: g, values: [1, 2, 3, 4], datatype: .int16)
        try NIfTIWriter.write(path: tmp.file("m.nii"), geometry: g, values: [0.4, 0.5, 0.51, 1], datatype: .float32)
        let r = try Ingest.load(imagePath: tmp.file("i.nii"), maskPath: tmp.file("m.nii"))
        #expect(r.mask.voxels == [1, 1] && r.image.voxels == [3, 4])
    }

    @Test func unitQuantisesFloatData() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(3, 1, 1), spacing: Spacing(1, 1, 1))
        try NIfTIWriter.write(path: tmp.file("i.nii"), geometry: g, values: [0.1234, -0.0015, 2.5], datatype: .float64)
        try NIfTIWriter.write(path: tmp.file("m.nii"), geometry: g, values: [1, 1, 1], datatype: .uint8)
        let r = try Ingest.load(imagePath: tmp.file("i.nii"), maskPath: tmp.file("m.nii"), unit: 0.001)
        #expect(r.image.voxels == [123, -2, 2500] && r.image.unit == 0.001)
    }

    @Test func twoDimensionalFile() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(4, 3, 1), spacing: Spacing(0.5, 0.5, 1))
        try NIfTIWriter.write(path: tmp.file("a.nii"), geometry: g, values: (0..<12).map(Double.init), datatype: .uint16)
        var b = readAll(tmp.file("a.nii"))
        b[40] = 2; b[46] = 0; b[47] = 0   // dim[0] = 2, dim[3] = 0 (unused)
        writeBytes(b, tmp.file("2d.nii"))
        let r = try Ingest.load(imagePath: tmp.file("2d.nii"), maskPath: tmp.file("2d.nii"))
        #expect(r.image.dims == Dims(4, 3, 1) && r.mask.count == 11 && r.image.offsetInFile == (0, 0, 0))
        #expect(r.image.voxels == (0..<12).map(Int32.init))
    }

    @Test func qformOnlyAndPixdimOnlyGeometry() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(2, 2, 2), spacing: Spacing(1.5, 1.5, 3), origin: (1, 2, 3),
                         direction: [[0, 1, 0], [-1, 0, 0], [0, 0, 1]])
        try NIfTIWriter.write(path: tmp.file("a.nii"), geometry: g, values: [Double](repeating: 1, count: 8), datatype: .uint8)
        var b = readAll(tmp.file("a.nii"))
        // sform_code (offset 254) := 0 → the qform (same transform) must be used.
        b[254] = 0; b[255] = 0
        writeBytes(b, tmp.file("q.nii"))
        let q = try NIfTIFile(tmp.file("q.nii")).geometry
        #expect(q.mismatch(with: g, tolerance: 1e-6) == nil)
        #expect(Orientation.code(q.direction) == "ALS")
        // qform_code (252) := 0 too → pixdim only: origin 0, identity axes.
        b[252] = 0; b[253] = 0
        writeBytes(b, tmp.file("p.nii"))
        let p = try NIfTIFile(tmp.file("p.nii")).geometry
        #expect(p == Geometry(dims: Dims(2, 2, 2), spacing: Spacing(1.5, 1.5, 3)))
    }
}
