import Testing
@testable import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// Regression tests for what the reliability campaign (tools/bad-input-corpus, tools/fuzz; RELIABILITY.md) found:
/// each input once hung, crashed or allocated without bound; now it is a one-line error naming the file.
@Suite struct BadInputCorpusTests {
    /// Opens the write end of the FIFO after `seconds` (unblocking a reader stuck in open) and closes it at once.
    final class Unblock { let path: String; let seconds: UInt32; init(_ p: String, _ s: UInt32) { path = p; seconds = s } }
    static func unblock(_ fifo: String, after seconds: UInt32) {
        var t = pthread_t()
        let box = Unmanaged.passRetained(Unblock(fifo, seconds)).toOpaque()
        pthread_create(&t, nil, { arg in
            let u = Unmanaged<Unblock>.fromOpaque(arg!).takeRetainedValue()
            sleep(u.seconds)
            let fd = open(u.path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            return nil
        }, box)
        pthread_detach(t)
    }

    /// corpus 105-jpeg-slice-fifo: a JPEG slice that is a named pipe blocked `fopen` forever (extract, assess and
    /// serve hung). It must be refused as "not a regular file" without opening it.
    @Test func jpegSliceThatIsAFIFOIsRefused() throws {
        let tmp = TempDir()
        let fifo = tmp.file("slice1.jpg")
        #expect(mkfifo(fifo, 0o600) == 0)
        Self.unblock(fifo, after: 3)   // without the fix the decoder would block here; this lets the test finish
        let e = errorText { _ = try JPEGImage.decode(fifo) }
        #expect(e?.contains(fifo) == true && e?.contains("not a regular file") == true, "\(e ?? "no error")")
    }

    /// The same through a JPEG stack folder (what `extract --image folder` and study folders use).
    @Test func jpegStackWithAFIFOSliceIsRefused() throws {
        let tmp = TempDir()
        mkdir(tmp.file("us"), 0o755)
        try JPEGWriter.write(grey: [UInt8](repeating: 100, count: 64), width: 8, height: 8, path: tmp.file("us/slice0.jpg"))
        let fifo = tmp.file("us/slice1.jpg")
        #expect(mkfifo(fifo, 0o600) == 0)
        Self.unblock(fifo, after: 3)
        let e = errorText { _ = try JPEGStack.load(tmp.file("us"), spacing: Spacing(1, 1, 1)) }
        #expect(e?.contains("slice1.jpg") == true && e?.contains("not a regular file") == true, "\(e ?? "no error")")
    }

    /// A gzip file holding `payload` in one stored (uncompressed) deflate block, with its CRC-32 and length.
    static func storedGzip(_ payload: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in payload {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        crc = ~crc
        let n = UInt16(payload.count)
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)]
            + payload + le32(crc) + le32(UInt32(payload.count))
    }

    /// corpus 112-huge-slice-tiny-gz: a 400-byte .nii.gz whose header declares one 32767×32767 float64 slice. The
    /// mask scan allocated the 8.6 GB slice buffer and a 1 GB flag array before finding out there is no data
    /// (30 s and > 1 GB RSS). Deflate expands at most 1032:1, so the file is refused from its size alone.
    @Test func tinyGzipDeclaringAHugeSliceIsRefusedBeforeAllocating() throws {
        let tmp = TempDir()
        try NIfTIWriter.write(path: tmp.file("small.nii"), geometry: Geometry(dims: Dims(2, 2, 1), spacing: Spacing(1, 1, 1)),
                              values: [0, 1, 1, 0], datatype: .uint8)
        var h = Array(readAll(tmp.file("small.nii")).prefix(352))
        func i16(_ off: Int, _ v: Int16) { let u = UInt16(bitPattern: v); h[off] = UInt8(u & 0xFF); h[off + 1] = UInt8(u >> 8) }
        i16(40, 3); i16(42, 32767); i16(44, 32767); i16(46, 1)   // dim
        i16(70, 64); i16(72, 64)                                   // float64
        let gz = Self.storedGzip(h)
        writeBytes(gz, tmp.file("huge_mask.nii.gz"))
        let e = errorText { _ = try Ingest.load(imagePath: tmp.file("huge_mask.nii.gz"), maskPath: tmp.file("huge_mask.nii.gz")) }
        #expect(e?.contains("huge_mask.nii.gz: truncated") == true && e?.contains("gzip file can hold") == true, "\(e ?? "no error")")
        // A valid file in the same stored-block gzip form still loads (the bound only refuses impossible sizes).
        let ok = Self.storedGzip(readAll(tmp.file("small.nii")))
        writeBytes(ok, tmp.file("small_stored.nii.gz"))
        let r = try Ingest.load(imagePath: tmp.file("small_stored.nii.gz"), maskPath: tmp.file("small_stored.nii.gz"))
        #expect(r.mask.count == 2)
    }
}

extension BadInputCorpusTests {
    /// corpus 130-manifest-41-many-phases: a study.json listing 500 phases (each a full extraction) kept `assess`
    /// busy for 30 s on the build machine; the 1 MiB manifest limit allowed ~15,000 phases (hours). Refused now.
    @Test func manifestWithTooManyPhasesIsRefused() throws {
        let tmp = TempDir()
        try StudyTests.nifti(tmp.file("v.nii")); try StudyTests.nifti(tmp.file("m.nii"), mask: true)
        let phases = (0..<(Study.maxPhases + 1)).map { #"{ "name": "p\#($0)", "image": "v.nii", "mask": "m.nii" }"# }
        writeBytes(Array(#"{ "phases": [\#(phases.joined(separator: ","))] }"#.utf8), tmp.file("study.json"))
        let e = errorText { _ = try Study.open(tmp.path) }
        #expect(e?.contains("study.json: \(Study.maxPhases + 1) phases listed, at most \(Study.maxPhases)") == true, "\(e ?? "no error")")
        // 32 phases (the limit) are still accepted.
        let ok = phases.dropLast().joined(separator: ",")
        writeBytes(Array(#"{ "phases": [\#(ok)] }"#.utf8), tmp.file("study.json"))
        let accepted = try Study.open(tmp.path).phases.count   // (no `try` inside #expect: Swift 6.0.3)
        #expect(accepted == Study.maxPhases)
    }
}
