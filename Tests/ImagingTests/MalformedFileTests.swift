import Testing
@testable import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// Every bad input gets a one-line error that names the file and the problem — never a crash, hang or huge
/// allocation. Each row starts from a valid little-endian NIfTI-1 file and breaks one thing.
@Suite struct MalformedFileTests {
    static let dims = Dims(32, 24, 6)
    static let geometry = Geometry(dims: dims, spacing: Spacing(1, 1, 2))

    /// Image: int16 values that do not compress to nothing; mask: a block reaching the last slice.
    static func writeValid(_ tmp: TempDir, image: String = "img.nii", mask: String = "mask.nii",
                           imageType: NIfTIDataType = .int16) throws {
        var v = [Double](), m = [Double]()
        var state: UInt32 = 12345
        for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
            state = state &* 1103515245 &+ 12345
            v.append(Double(Int(state >> 16) % 2000) - 1000)
            m.append((10..<20).contains(i) && (8..<16).contains(j) && k >= 2 ? 1 : 0)
        } } }
        try NIfTIWriter.write(path: tmp.file(image), geometry: geometry, values: v, datatype: imageType)
        try NIfTIWriter.write(path: tmp.file(mask), geometry: geometry, values: m, datatype: .uint8)
    }

    // Little-endian NIfTI-1 field patches.
    static func i16(_ b: inout [UInt8], _ off: Int, _ v: Int16) { let u = UInt16(bitPattern: v); b[off] = UInt8(u & 0xFF); b[off + 1] = UInt8(u >> 8) }
    static func f32(_ b: inout [UInt8], _ off: Int, _ v: Float) { let u = v.bitPattern; for n in 0..<4 { b[off + n] = UInt8((u >> (8 * UInt32(n))) & 0xFF) } }

    /// (name, which file is broken, how, words the error must contain)
    static let headerCases: [(String, @Sendable (inout [UInt8]) -> Void, String)] = [
        ("zero dim", { i16(&$0, 42, 0) }, "dim[1] = 0"),
        ("negative dim", { i16(&$0, 44, -5) }, "dim[2] = -5"),
        ("overflowing dims", { i16(&$0, 42, 32767); i16(&$0, 44, 32767); i16(&$0, 46, 32767) }, "too large"),
        ("rank 0", { i16(&$0, 40, 0) }, "dim[0] = 0"),
        ("4-D data", { i16(&$0, 40, 4); i16(&$0, 48, 3) }, "4-D data"),
        ("5-D data", { i16(&$0, 40, 5); i16(&$0, 48, 1); i16(&$0, 50, 2) }, "more than 3 dimensions"),
        ("NaN spacing", { f32(&$0, 80, .nan) }, "pixdim[1] = nan"),
        ("zero spacing", { f32(&$0, 84, 0) }, "pixdim[2] = 0"),
        ("infinite spacing", { f32(&$0, 88, .infinity) }, "pixdim[3] = inf"),
        ("unknown datatype", { i16(&$0, 70, 1234) }, "unsupported datatype code 1234"),
        ("complex datatype", { i16(&$0, 70, 32) }, "unsupported datatype code 32"),
        ("vox_offset past the end", { f32(&$0, 108, 1_000_000) }, "truncated: header promises"),
        ("vox_offset huge", { f32(&$0, 108, 3e9) }, "not a sane data offset"),
        ("vox_offset NaN", { f32(&$0, 108, .nan) }, "not a sane data offset"),
        ("vox_offset inside header", { f32(&$0, 108, 100) }, "inside the header"),
        ("data cut short", { $0.removeLast(100) }, "truncated"),
        ("bad magic (ANALYZE)", { $0[344] = 0; $0[345] = 0; $0[346] = 0 }, "bad magic"),
        ("bad sizeof_hdr", { $0[0] = 0x11 }, "not a NIfTI file"),
        ("header cut", { $0.removeLast($0.count - 200) }, "only 200 bytes"),
        ("empty file", { $0.removeAll() }, "only 0 bytes"),
    ]

    @Test(arguments: headerCases.indices)
    func brokenImageHeader(_ index: Int) throws {
        let (name, mutate, words) = Self.headerCases[index]
        let tmp = TempDir()
        try Self.writeValid(tmp)
        var b = readAll(tmp.file("img.nii"))
        mutate(&b)
        writeBytes(b, tmp.file("bad.nii"))
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("bad.nii"), maskPath: tmp.file("mask.nii")) }
        #expect(e?.contains(tmp.file("bad.nii")) == true, "\(name): \(e ?? "no error")")
        #expect(e?.contains(words) == true, "\(name): \(e ?? "no error")")
        #expect(e.map { !$0.contains("\n") } == true)
        // The same damage in the mask is caught as well.
        let e2 = errorText { _ = try Ingest.load(imagePath: tmp.file("img.nii"), maskPath: tmp.file("bad.nii")) }
        #expect(e2?.contains(tmp.file("bad.nii")) == true, "\(name) as mask: \(e2 ?? "no error")")
        // And `inspect` reports it instead of crashing.
        #expect(errorText { _ = try NIfTISummary.of(tmp.file("bad.nii")) } != nil)
    }

    @Test func truncatedGzip() throws {
        let tmp = TempDir()
        try Self.writeValid(tmp, image: "img.nii.gz", mask: "mask.nii.gz")
        let img = readAll(tmp.file("img.nii.gz")), msk = readAll(tmp.file("mask.nii.gz"))
        writeBytes(Array(img.prefix(img.count * 6 / 10)), tmp.file("cut.nii.gz"))
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("cut.nii.gz"), maskPath: tmp.file("mask.nii.gz")) }
        #expect(e?.contains("cut.nii.gz: cannot read voxels") == true, "\(e ?? "no error")")
        writeBytes(Array(msk.prefix(msk.count - 12)), tmp.file("cutmask.nii.gz"))
        let e2 = errorText { _ = try Ingest.load(imagePath: tmp.file("img.nii.gz"), maskPath: tmp.file("cutmask.nii.gz")) }
        #expect(e2?.contains("cutmask.nii.gz: truncated") == true || e2?.contains("cutmask.nii.gz: corrupt") == true, "\(e2 ?? "no error")")
    }

    @Test func corruptGzip() throws {
        let tmp = TempDir()
        try Self.writeValid(tmp, image: "img.nii.gz", mask: "mask.nii.gz")
        var msk = readAll(tmp.file("mask.nii.gz"))
        for n in stride(from: msk.count / 2, to: msk.count / 2 + 8, by: 1) { msk[n] ^= 0x5A }
        writeBytes(msk, tmp.file("bad.nii.gz"))
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("img.nii.gz"), maskPath: tmp.file("bad.nii.gz")) }
        #expect(e?.contains("bad.nii.gz: ") == true, "\(e ?? "no error")")
        #expect(e?.contains("corrupt") == true || e?.contains("truncated") == true, "\(e ?? "no error")")
    }

    @Test func gzipChecksumMismatch() throws {
        let tmp = TempDir()
        try Self.writeValid(tmp, image: "img.nii.gz", mask: "mask.nii.gz")
        var msk = readAll(tmp.file("mask.nii.gz"))
        msk[msk.count - 8] ^= 0xFF   // the CRC-32 in the gzip trailer: data inflate fine, the check fails
        writeBytes(msk, tmp.file("crc.nii.gz"))
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("img.nii.gz"), maskPath: tmp.file("crc.nii.gz")) }
        #expect(e?.contains("crc.nii.gz: corrupt compressed data") == true, "\(e ?? "no error")")
        // A mask large enough that the header read stops long before the trailer: caught by the slice stream.
        let g = Geometry(dims: Dims(256, 256, 8), spacing: Spacing(1, 1, 1))
        var v = [UInt8](repeating: 0, count: g.dims.count)
        var state: UInt32 = 7
        for i in v.indices { state = state &* 1664525 &+ 1013904223; v[i] = UInt8(state >> 31) }
        try NIfTIWriter.write(Mask(geometry: g, voxels: v), path: tmp.file("big.nii.gz"))
        var big = readAll(tmp.file("big.nii.gz"))
        big[big.count - 8] ^= 0xFF
        writeBytes(big, tmp.file("bigcrc.nii.gz"))
        let e2 = errorText { _ = try NIfTISummary.of(tmp.file("bigcrc.nii.gz")) }
        #expect(e2?.contains("bigcrc.nii.gz: corrupt compressed data") == true, "\(e2 ?? "no error")")
    }

    @Test func renamedNonNIfTI() throws {
        let tmp = TempDir()
        try Self.writeValid(tmp)
        try JPEGWriter.write(grey: [UInt8](repeating: 9, count: 64), width: 8, height: 8, path: tmp.file("photo.jpg"))
        writeBytes(readAll(tmp.file("photo.jpg")), tmp.file("photo.nii"))
        writeBytes(Array("patient notes, not an image\n".utf8), tmp.file("notes.nii.gz"))
        for bad in ["photo.nii", "notes.nii.gz"] {
            let e = errorText { _ = try Ingest.load(imagePath: tmp.file(bad), maskPath: tmp.file("mask.nii")) }
            #expect(e?.contains(tmp.file(bad) + ": not a NIfTI file") == true, "\(e ?? "no error")")
        }
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("nothere.nii"), maskPath: tmp.file("mask.nii")) }
        #expect(e?.contains("nothere.nii: cannot open") == true, "\(e ?? "no error")")
    }

    @Test func missingImgOfPair() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(2, 2, 2), spacing: Spacing(1, 1, 1))
        try NIfTIWriter.write(path: tmp.file("a.hdr"), geometry: g, values: [Double](repeating: 1, count: 8), datatype: .uint8)
        unlink(tmp.file("a.img"))
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("a.hdr"), maskPath: tmp.file("a.hdr")) }
        #expect(e?.contains("a.hdr: image data file (.img) of this .hdr is missing") == true, "\(e ?? "no error")")
    }

    @Test func nonFiniteVoxels() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(4, 1, 1), spacing: Spacing(1, 1, 1))
        try NIfTIWriter.write(path: tmp.file("m.nii"), geometry: g, values: [0, 1, 1, 0], datatype: .uint8)
        try NIfTIWriter.write(path: tmp.file("nan.nii"), geometry: g, values: [0, 5, .nan, 0], datatype: .float32)
        try NIfTIWriter.write(path: tmp.file("inf.nii.gz"), geometry: g, values: [0, -.infinity, 3, 0], datatype: .float64,
                              bigEndian: true)
        let e1 = errorText { _ = try Ingest.load(imagePath: tmp.file("nan.nii"), maskPath: tmp.file("m.nii")) }
        #expect(e1?.contains("nan.nii: nan voxel inside the ROI at voxel (2, 0, 0)") == true, "\(e1 ?? "no error")")
        let e2 = errorText { _ = try Ingest.load(imagePath: tmp.file("inf.nii.gz"), maskPath: tmp.file("m.nii")) }
        #expect(e2?.contains("inf.nii.gz: -inf voxel inside the ROI at voxel (1, 0, 0)") == true, "\(e2 ?? "no error")")
        // Outside the ROI they are ignored (set to 0).
        try NIfTIWriter.write(path: tmp.file("out.nii"), geometry: g, values: [.nan, 5, 6, .infinity], datatype: .float32)
        let r = try Ingest.load(imagePath: tmp.file("out.nii"), maskPath: tmp.file("m.nii"), marginMM: 1)
        #expect(r.image.voxels == [0, 5, 6, 0])
        // A value too large for the fixed-point grid inside the ROI is an error too.
        try NIfTIWriter.write(path: tmp.file("big.nii"), geometry: g, values: [0, 3e12, 1, 0], datatype: .float64)
        let e3 = errorText { _ = try Ingest.load(imagePath: tmp.file("big.nii"), maskPath: tmp.file("m.nii")) }
        #expect(e3?.contains("does not fit the fixed-point range") == true, "\(e3 ?? "no error")")
    }

    @Test func emptyMask() throws {
        let tmp = TempDir()
        try Self.writeValid(tmp)
        try NIfTIWriter.write(path: tmp.file("empty.nii.gz"), geometry: Self.geometry,
                              values: [Double](repeating: 0, count: Self.dims.count), datatype: .uint8)
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("img.nii"), maskPath: tmp.file("empty.nii.gz")) }
        #expect(e?.contains("empty.nii.gz: empty mask") == true, "\(e ?? "no error")")
        let e2 = errorText { _ = try Ingest.load(imagePath: tmp.file("img.nii"), maskPath: tmp.file("mask.nii"), label: 2) }
        #expect(e2?.contains("mask.nii: empty mask: no voxel has label 2") == true, "\(e2 ?? "no error")")
    }

    @Test(arguments: [
        (Geometry(dims: Dims(32, 24, 5), spacing: Spacing(1, 1, 2)), "dims differ"),
        (Geometry(dims: Dims(32, 24, 6), spacing: Spacing(1, 1, 2.5)), "spacing differs"),
        (Geometry(dims: Dims(32, 24, 6), spacing: Spacing(1, 1, 2), origin: (0, 0, 5)), "origin differs"),
        (Geometry(dims: Dims(32, 24, 6), spacing: Spacing(1, 1, 2), direction: [[-1, 0, 0], [0, 1, 0], [0, 0, 1]]), "direction differs"),
    ])
    func maskGeometryMismatch(_ g: Geometry, _ words: String) throws {
        let tmp = TempDir()
        try Self.writeValid(tmp)
        try NIfTIWriter.write(path: tmp.file("other.nii"), geometry: g, values: [Double](repeating: 1, count: g.dims.count), datatype: .uint8)
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("img.nii"), maskPath: tmp.file("other.nii")) }
        #expect(e?.contains("other.nii: mask does not match the image: \(words)") == true, "\(e ?? "no error")")
    }
}

/// Every single-byte change of a valid header (four values per byte) either loads or throws — never traps.
@Suite struct HeaderMutationTests {
    @Test(arguments: [false, true])
    func everyHeaderByte(_ bigEndian: Bool) throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(6, 5, 4), spacing: Spacing(1, 1, 2))
        try NIfTIWriter.write(path: tmp.file("img.nii"), geometry: g, values: (0..<120).map { Double($0 % 50) },
                              datatype: .float32, bigEndian: bigEndian)
        try NIfTIWriter.write(path: tmp.file("mask.nii"), geometry: g, values: (0..<120).map { $0 % 7 == 0 ? 1 : 0 },
                              datatype: .uint8, bigEndian: bigEndian)
        let valid = readAll(tmp.file("img.nii"))
        var loaded = 0, refused = 0
        for off in 0..<352 {
            for v in Set([UInt8(0), 0xFF, 0x80, valid[off] ^ 1, 0x7F]) where v != valid[off] {
                var b = valid
                b[off] = v
                writeBytes(b, tmp.file("bad.nii"))
                if (try? Ingest.load(imagePath: tmp.file("bad.nii"), maskPath: tmp.file("mask.nii"), marginMM: 50)) != nil {
                    loaded += 1
                } else { refused += 1 }
                _ = try? NIfTISummary.of(tmp.file("bad.nii"))
                _ = try? Ingest.load(imagePath: tmp.file("img.nii"), maskPath: tmp.file("bad.nii"))
            }
        }
        #expect(loaded > 0 && refused > 0)
    }

    /// A gzip file cut at every length, or with any byte flipped: an error, never a trap or a hang.
    @Test func everyGzipCutAndFlip() throws {
        let tmp = TempDir()
        let g = Geometry(dims: Dims(16, 16, 4), spacing: Spacing(1, 1, 1))
        try NIfTIWriter.write(path: tmp.file("img.nii.gz"), geometry: g, values: (0..<1024).map { Double(($0 * 37) % 301) },
                              datatype: .int16)
        try NIfTIWriter.write(path: tmp.file("mask.nii.gz"), geometry: g, values: (0..<1024).map { $0 % 5 == 0 ? 1 : 0 },
                              datatype: .uint8)
        let valid = readAll(tmp.file("img.nii.gz"))
        var loaded: [Int] = []
        for cut in 0..<valid.count {
            writeBytes(Array(valid.prefix(cut)), tmp.file("cut.nii.gz"))
            if (try? Ingest.load(imagePath: tmp.file("cut.nii.gz"), maskPath: tmp.file("mask.nii.gz"))) != nil { loaded.append(cut) }
        }
        // Every cut into the voxel data is refused (the ROI reaches the last slice). The sub-region reader stops
        // after the last voxel it needs, so a cut that loses only the gzip trailer (8 bytes: CRC-32 + size) and
        // the final empty deflate block goes unnoticed for the image — by design, nothing past the ROI is read.
        #expect(loaded.allSatisfy { $0 >= valid.count - 10 }, "\(loaded) of \(valid.count)")
        for off in stride(from: 10, to: valid.count, by: 3) {
            var b = valid
            b[off] ^= 0x55
            writeBytes(b, tmp.file("flip.nii.gz"))
            _ = try? Ingest.load(imagePath: tmp.file("flip.nii.gz"), maskPath: tmp.file("mask.nii.gz"))
            _ = try? NIfTISummary.of(tmp.file("flip.nii.gz"))
        }
    }
}
