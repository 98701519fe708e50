import Testing
@testable import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// JPEG files written through libjpeg. A uniform 8×8-aligned greyscale area at quality 100 has only a DC
/// coefficient with quantiser 1, so it decodes exactly; colour goes through YCbCr and can be off by one.
@Suite struct JPEGTests {
    @Test func lumaFormulaBT601() {
        // (299R + 587G + 114B + 500) / 1000, worked by hand.
        #expect(JPEGImage.luma(255, 0, 0) == 76)      // 76245 + 500 → 76
        #expect(JPEGImage.luma(0, 255, 0) == 150)     // 149685 + 500 → 150
        #expect(JPEGImage.luma(0, 0, 255) == 29)      // 29070 + 500 → 29
        #expect(JPEGImage.luma(255, 255, 255) == 255)
        #expect(JPEGImage.luma(10, 20, 30) == 18)     // 2990 + 11740 + 3420 + 500 = 18650
    }

    @Test func naturalSortOrder() {
        let names = ["slice10.jpg", "slice2.jpg", "slice1.jpg", "Slice3.jpg", "slice02b.jpg"]
        #expect(names.sorted(by: JPEGStack.naturalLess) == ["Slice3.jpg", "slice1.jpg", "slice2.jpg", "slice02b.jpg", "slice10.jpg"])
    }

    @Test func greyStackWithJPEGMask() throws {
        let tmp = TempDir()
        mkdir(tmp.file("img"), 0o755); mkdir(tmp.file("mask"), 0o755)
        let w = 32, h = 24
        // Slice files named 1, 2, 10: natural order must give z = 0, 1, 2 with grey 40, 80, 120.
        for (k, name) in [(0, "s1.jpg"), (1, "s2.jpg"), (2, "s10.jpg")] {
            try JPEGWriter.write(grey: [UInt8](repeating: UInt8(40 * (k + 1)), count: w * h), width: w, height: h,
                                 path: tmp.file("img/" + name), quality: 100)
            // Mask: white 8×8 block at x 8…15, y 8…15 on slices 1 and 2 (block-aligned: exact at quality 100).
            var m = [UInt8](repeating: 0, count: w * h)
            if k > 0 { for y in 8..<16 { for x in 8..<16 { m[y * w + x] = 255 } } }
            try JPEGWriter.write(grey: m, width: w, height: h, path: tmp.file("mask/" + name), quality: 100)
        }
        let r = try Ingest.load(imagePath: tmp.file("img"), maskPath: tmp.file("mask"), marginMM: 1, spacing: Spacing(0.5, 0.5, 3))
        #expect(r.mask.count == 128)
        #expect(r.image.offsetInFile == (6, 6, 0))       // 1 mm / 0.5 mm = 2 voxels in-plane, 1 slice in z
        #expect(r.image.dims == Dims(12, 12, 3))
        #expect(r.image.spacing == Spacing(0.5, 0.5, 3))
        #expect(r.image[0, 0, 0] == 40 && r.image[5, 5, 1] == 80 && r.image[11, 11, 2] == 120)
    }

    @Test func rgbSingleImageBecomesLuma() throws {
        let tmp = TempDir()
        let w = 16, h = 16
        var rgb = [UInt8](), m = [UInt8]()
        for _ in 0..<(w * h) { rgb += [255, 0, 0]; m.append(255) }
        try JPEGWriter.write(rgb: rgb, width: w, height: h, path: tmp.file("red.jpg"), quality: 100)
        try JPEGWriter.write(grey: m, width: w, height: h, path: tmp.file("m.jpeg"), quality: 100)
        let r = try Ingest.load(imagePath: tmp.file("red.jpg"), maskPath: tmp.file("m.jpeg"))
        #expect(r.image.dims == Dims(16, 16, 1) && r.mask.count == 256)
        // Pure red: luma 76 by the formula; JPEG's YCbCr round trip may move R/G/B by one step (so ±1).
        #expect(r.image.voxels.allSatisfy { abs($0 - 76) <= 1 })
    }

    @Test func jpegImageWithNIfTIMask() throws {
        let tmp = TempDir()
        try JPEGWriter.write(grey: [UInt8](repeating: 200, count: 64), width: 8, height: 8, path: tmp.file("a.jpg"), quality: 100)
        var m = [Double](repeating: 0, count: 64); m[9] = 1
        try NIfTIWriter.write(path: tmp.file("m.nii"), geometry: Geometry(dims: Dims(8, 8, 1), spacing: Spacing(1, 1, 1)),
                              values: m, datatype: .uint8)
        let r = try Ingest.load(imagePath: tmp.file("a.jpg"), maskPath: tmp.file("m.nii"), spacing: Spacing(0.3, 0.3, 1))
        #expect(r.image.voxels == [200] && r.image.offsetInFile == (1, 1, 0) && r.image.spacing == Spacing(0.3, 0.3, 1))
        try NIfTIWriter.write(path: tmp.file("m2.nii"), geometry: Geometry(dims: Dims(8, 7, 1), spacing: Spacing(1, 1, 1)),
                              values: [Double](repeating: 1, count: 56), datatype: .uint8)
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("a.jpg"), maskPath: tmp.file("m2.nii")) }
        #expect(e?.contains("m2.nii: mask does not match the image: dims differ") == true, "\(e ?? "no error")")
    }

    @Test func brokenJPEGs() throws {
        let tmp = TempDir()
        var px = [UInt8]()
        for i in 0..<(64 * 64) { px.append(UInt8((i * 7) % 251)) }
        try JPEGWriter.write(grey: px, width: 64, height: 64, path: tmp.file("ok.jpg"))
        let ok = readAll(tmp.file("ok.jpg"))
        writeBytes(Array(ok.prefix(ok.count / 2)), tmp.file("cut.jpg"))
        writeBytes(Array("not a jpeg at all".utf8), tmp.file("text.jpg"))
        writeBytes([], tmp.file("empty.jpg"))
        for name in ["cut.jpg", "text.jpg", "empty.jpg"] {
            let e = errorText { _ = try JPEGImage.decode(tmp.file(name)) }
            #expect(e?.contains(tmp.file(name) + ": cannot decode JPEG: ") == true, "\(e ?? "no error")")
        }
        mkdir(tmp.file("empty"), 0o755)
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("empty"), maskPath: tmp.file("ok.jpg")) }
        #expect(e?.contains("folder holds no .jpg/.jpeg slices") == true, "\(e ?? "no error")")
        // Slices of different sizes in one stack.
        mkdir(tmp.file("mixed"), 0o755)
        try JPEGWriter.write(grey: px, width: 64, height: 64, path: tmp.file("mixed/1.jpg"))
        try JPEGWriter.write(grey: [UInt8](repeating: 1, count: 16), width: 4, height: 4, path: tmp.file("mixed/2.jpg"))
        let e2 = errorText { _ = try Ingest.load(imagePath: tmp.file("mixed"), maskPath: tmp.file("mixed")) }
        #expect(e2?.contains("2.jpg: slice is 4×4, the first slice is 64×64") == true, "\(e2 ?? "no error")")
    }

    @Test func writerIsAtomicAndRejectsBadSizes() throws {
        let tmp = TempDir()
        let e = errorText { try JPEGWriter.write(rgb: [1, 2, 3], width: 2, height: 2, path: tmp.file("x.jpg")) }
        #expect(e?.contains("do not fit") == true)
        #expect(access(tmp.file("x.jpg"), F_OK) != 0)
        let e2 = errorText { try JPEGWriter.write(grey: [1], width: 1, height: 1, path: tmp.file("nodir/x.jpg")) }
        #expect(e2?.contains("cannot write JPEG") == true)
    }
}
