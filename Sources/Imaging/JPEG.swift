import CJPEG
#if canImport(Glibc)
import Glibc
#endif

/// One decoded JPEG as 8-bit luma, rows top to bottom.
///
/// Colour images are converted to luma with the ITU-R BT.601 weights in integer arithmetic:
/// `Y = (299·R + 587·G + 114·B + 500) / 1000` (round half up), so the result is the same on every machine.
/// Greyscale JPEGs are taken as they are.
public struct JPEGImage: Sendable {
    public var width: Int, height: Int
    public var luma: [UInt8]

    /// Largest accepted image (pixels); bounds the decode buffer.
    public static let maxPixels = 1 << 28

    /// Decodes `path` through libjpeg; corrupt or truncated files throw (libjpeg warnings count as errors).
    public static func decode(_ path: String) throws -> JPEGImage {
        _ = try FileIO.regularFileSize(path)
        var out: UnsafeMutablePointer<UInt8>? = nil
        var w: Int32 = 0, h: Int32 = 0, c: Int32 = 0
        var msg = [CChar](repeating: 0, count: 256)
        let rc = hcc_jpeg_decode(path, &out, &w, &h, &c, maxPixels, &msg, msg.count)
        defer { free(out) }
        guard rc == 0, let p = out else {
            let text = String(decoding: msg.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw IngestError(path, "cannot decode JPEG: \(text.isEmpty ? "unknown error" : text)")
        }
        let n = Int(w) * Int(h)
        var luma = [UInt8](repeating: 0, count: n)
        if c == 1 {
            for i in 0..<n { luma[i] = p[i] }
        } else {
            for i in 0..<n { luma[i] = JPEGImage.luma(p[3 * i], p[3 * i + 1], p[3 * i + 2]) }
        }
        return JPEGImage(width: Int(w), height: Int(h), luma: luma)
    }

    /// BT.601 luma in integer arithmetic: (299R + 587G + 114B + 500) / 1000.
    @inline(__always) public static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let sum: Int = 299 * Int(r) + 587 * Int(g) + 114 * Int(b) + 500
        return UInt8(sum / 1000)
    }
}

/// Writes JPEG files through libjpeg (report overlays, test fixtures).
public enum JPEGWriter {
    /// Writes interleaved RGB bytes (`width·height·3`, rows top to bottom). Atomic: a temporary file is renamed.
    public static func write(rgb: [UInt8], width: Int, height: Int, path: String, quality: Int = 90) throws {
        try write(samples: rgb, components: 3, width: width, height: height, path: path, quality: quality)
    }

    /// Writes greyscale bytes (`width·height`, rows top to bottom).
    public static func write(grey: [UInt8], width: Int, height: Int, path: String, quality: Int = 90) throws {
        try write(samples: grey, components: 1, width: width, height: height, path: path, quality: quality)
    }

    static func write(samples: [UInt8], components: Int, width: Int, height: Int, path: String, quality: Int) throws {
        guard width > 0, height > 0, width <= 65500, height <= 65500, samples.count == width * height * components else {
            throw IngestError(path, "JPEG writer: \(samples.count) samples do not fit \(width)×\(height)×\(components)")
        }
        let tmp = path + ".tmp-\(getpid())"
        var msg = [CChar](repeating: 0, count: 256)
        let rc = samples.withUnsafeBufferPointer {
            hcc_jpeg_encode(tmp, $0.baseAddress, Int32(width), Int32(height), Int32(components), Int32(quality), &msg, msg.count)
        }
        guard rc == 0 else {
            unlink(tmp)
            let text = String(decoding: msg.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw IngestError(path, "cannot write JPEG: \(text)")
        }
        guard rename(tmp, path) == 0 else {
            let e = FileIO.errnoText(); unlink(tmp)
            throw IngestError(path, "cannot write JPEG: \(e)")
        }
    }
}

/// A stack of JPEG slices: a folder of `.jpg`/`.jpeg` files in natural-sort order (`slice2` before `slice10`),
/// or a single file (one slice, 2-D). Slice k of the stack is z = k; image rows are y, top row first.
public enum JPEGStack {
    /// True when `path` names a JPEG file or a folder (a JPEG stack).
    public static func isJPEGInput(_ path: String) -> Bool {
        if isDirectory(path) { return true }
        let l = path.lowercased()
        return l.hasSuffix(".jpg") || l.hasSuffix(".jpeg")
    }

    /// The slice files of `path` in natural-sort order.
    public static func sliceFiles(_ path: String) throws -> [String] {
        guard isDirectory(path) else { return [path] }
        guard let dir = opendir(path) else { throw IngestError(path, "cannot open folder: \(FileIO.errnoText())") }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let l = name.lowercased()
            if !name.hasPrefix("."), l.hasSuffix(".jpg") || l.hasSuffix(".jpeg") { names.append(name) }
        }
        guard !names.isEmpty else { throw IngestError(path, "folder holds no .jpg/.jpeg slices") }
        return names.sorted(by: naturalLess).map { path + "/" + $0 }
    }

    /// Loads every slice as luma (a JPEG slice stack is small: ultrasound stills, slice exports).
    /// All slices must share width and height.
    public static func load(_ path: String, spacing: Spacing) throws -> (geometry: Geometry, luma: [UInt8]) {
        let files = try sliceFiles(path)
        var luma: [UInt8] = [], w = 0, h = 0
        for (k, f) in files.enumerated() {
            let img = try JPEGImage.decode(f)
            if k == 0 { w = img.width; h = img.height } else if img.width != w || img.height != h {
                throw IngestError(f, "slice is \(img.width)×\(img.height), the first slice is \(w)×\(h)")
            }
            guard luma.count + img.luma.count <= Ingest.maxCropVoxels else { throw IngestError(path, "JPEG stack too large") }
            luma += img.luma
        }
        return (Geometry(dims: Dims(w, h, files.count), spacing: spacing), luma)
    }

    /// Natural order: digit runs compare by value, other characters by code point.
    public static func naturalLess(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                var i2 = i, j2 = j
                while i2 < x.count && isDigit(x[i2]) { i2 += 1 }
                while j2 < y.count && isDigit(y[j2]) { j2 += 1 }
                let da = Array(x[i..<i2].drop { $0 == 48 }), db = Array(y[j..<j2].drop { $0 == 48 })
                if da.count != db.count { return da.count < db.count }
                if da != db { return da.lexicographicallyPrecedes(db) }
                if (i2 - i) != (j2 - j) { return (i2 - i) < (j2 - j) }
                i = i2; j = j2
            } else {
                if x[i] != y[j] { return x[i] < y[j] }
                i += 1; j += 1
            }
        }
        return x.count - i < y.count - j
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
