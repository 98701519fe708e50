// bad-input-corpus: byte builders (gzip, NIfTI-1/2, JPEG samples, JSON as Python writes it) and file helpers.
import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// MARK: - bytes

typealias Bytes = [UInt8]

func b(_ s: String) -> Bytes { Array(s.utf8) }
func zeros(_ n: Int) -> Bytes { Bytes(repeating: 0, count: n) }
func repeated(_ x: Bytes, _ n: Int) -> Bytes { var o = Bytes(); o.reserveCapacity(x.count * n); for _ in 0..<n { o += x }; return o }
func hex(_ s: String) -> Bytes {
    var out = Bytes(), it = Array(s.utf8), i = 0
    while i + 1 < it.count { out.append(UInt8(String(decoding: it[i...i + 1], as: UTF8.self), radix: 16)!); i += 2 }
    return out
}

/// gzip.compress(data, compresslevel=6, mtime=0) of Python 3.11 = zlib deflate level 6, windowBits 31, memLevel 8.
func gz(_ data: Bytes) -> Bytes {
    var s = z_stream()
    guard deflateInit2_(&s, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { fatalError("deflateInit2 failed") }
    defer { deflateEnd(&s) }
    let bound = Int(deflateBound(&s, UInt(data.count)))
    var out = Bytes(repeating: 0, count: bound + 64)
    var input = data
    let rc: Int32 = input.withUnsafeMutableBufferPointer { inp in
        out.withUnsafeMutableBufferPointer { o in
            s.next_in = inp.baseAddress
            s.avail_in = UInt32(inp.count)
            s.next_out = o.baseAddress
            s.avail_out = UInt32(o.count)
            return deflate(&s, Z_FINISH)
        }
    }
    guard rc == Z_STREAM_END else { fatalError("deflate: \(rc)") }
    return Bytes(out[0..<Int(s.total_out)])
}

/// Fixed-size little/big-endian writer over a byte array (Python's struct.pack_into).
struct Packer {
    var bytes: Bytes
    let big: Bool
    mutating func raw(_ off: Int, _ v: UInt64, _ n: Int) {
        for k in 0..<n {
            let shift = big ? (n - 1 - k) * 8 : k * 8
            bytes[off + k] = UInt8(truncatingIfNeeded: v >> UInt64(shift))
        }
    }
    mutating func h(_ off: Int, _ vs: [Int]) { for (k, v) in vs.enumerated() { raw(off + 2 * k, UInt64(bitPattern: Int64(v)), 2) } }
    mutating func i(_ off: Int, _ vs: [Int]) { for (k, v) in vs.enumerated() { raw(off + 4 * k, UInt64(bitPattern: Int64(v)), 4) } }
    mutating func q(_ off: Int, _ vs: [Int]) { for (k, v) in vs.enumerated() { raw(off + 8 * k, UInt64(bitPattern: Int64(v)), 8) } }
    mutating func f(_ off: Int, _ vs: [Double]) { for (k, v) in vs.enumerated() { raw(off + 4 * k, UInt64(Float(v).bitPattern), 4) } }
    mutating func d(_ off: Int, _ vs: [Double]) { for (k, v) in vs.enumerated() { raw(off + 8 * k, v.bitPattern, 8) } }
    mutating func s(_ off: Int, _ v: Bytes) { for (k, x) in v.enumerated() { bytes[off + k] = x } }
}

/// A header patch applied last (lying headers): offset, struct format, values.
enum Patch {
    case h(Int, [Int]), i(Int, [Int]), q(Int, [Int]), f(Int, [Double]), d(Int, [Double]), s(Int, Bytes)
    func apply(_ p: inout Packer) {
        switch self {
        case let .h(o, v): p.h(o, v)
        case let .i(o, v): p.i(o, v)
        case let .q(o, v): p.q(o, v)
        case let .f(o, v): p.f(o, v)
        case let .d(o, v): p.d(o, v)
        case let .s(o, v): p.s(o, v)
        }
    }
}

// MARK: - NIfTI

/// datatype name → (NIfTI code, bitpix, struct format)
let DT: [(String, Int, Int, Character)] = [
    ("uint8", 2, 8, "B"), ("int16", 4, 16, "h"), ("int32", 8, 32, "i"), ("float32", 16, 32, "f"),
    ("float64", 64, 64, "d"), ("int8", 256, 8, "b"), ("uint16", 512, 16, "H"), ("uint32", 768, 32, "I"),
]
func dtInfo(_ name: String) -> (Int, Int, Character) {
    for (n, c, bp, f) in DT where n == name { return (c, bp, f) }
    fatalError("unknown dtype \(name)")
}

/// The base study: 24×24×12 CT-like int16 image, 1 mm voxels, a sphere of radius 5 mm as tumour mask.
let DIMS = [24, 24, 12]

struct LCG {
    var s: UInt64
    mutating func next() -> UInt64 {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return s >> 33
    }
}

func baseImageValues(_ dims: [Int] = DIMS, seed: UInt64 = 7) -> [Double] {
    var r = LCG(s: seed)
    let (nx, ny, nz) = (dims[0], dims[1], dims[2])
    var out = [Double]()
    out.reserveCapacity(nx * ny * nz)
    for k in 0..<nz {
        for j in 0..<ny {
            for i in 0..<nx {
                let dx = Double(i) - Double(nx) / 2, dy = Double(j) - Double(ny) / 2, dz = Double(k) - Double(nz) / 2
                let inside = dx * dx + dy * dy + dz * dz <= 25
                out.append(Double((inside ? 60 : -20) + Int(r.next() % 41) - 20))
            }
        }
    }
    return out
}
let BASE = baseImageValues()

func sphereMask(_ dims: [Int] = DIMS, radius: Double = 5.0, value: Double = 1) -> [Double] {
    let (nx, ny, nz) = (dims[0], dims[1], dims[2])
    var out = [Double]()
    for k in 0..<nz {
        for j in 0..<ny {
            for i in 0..<nx {
                let dx = Double(i) - Double(nx) / 2, dy = Double(j) - Double(ny) / 2, dz = Double(k) - Double(nz) / 2
                out.append(dx * dx + dy * dy + dz * dz <= radius * radius ? value : 0)
            }
        }
    }
    return out
}

func pack(_ values: [Double], _ dtype: String, big: Bool = false) -> Bytes {
    let (_, bitpix, fmt) = dtInfo(dtype)
    let n = bitpix / 8
    var p = Packer(bytes: zeros(values.count * n), big: big)
    for (k, v) in values.enumerated() {
        switch fmt {
        case "f": p.raw(k * n, UInt64(Float(v).bitPattern), 4)
        case "d": p.raw(k * n, v.bitPattern, 8)
        default: p.raw(k * n, UInt64(bitPattern: Int64(v)), n)
        }
    }
    return p.bytes
}

func product(_ dims: [Int]) -> Int { dims.reduce(1, *) }

/// A NIfTI-1 single file; `patch` is applied to the header last (lying headers).
func nifti1(_ values: [Double]? = nil, dims: [Int] = DIMS, dtype: String = "int16", pixdim: [Double] = [1, 1, 1],
            voxOffset: Double = 352, slope: Double = 1, inter: Double = 0, sform: [[Double]]? = nil,
            qformCode: Int = 0, sformCode: Int = 1, big: Bool = false, patch: [Patch] = [], data: Bytes? = nil,
            quat: [Double] = [0, 0, 0], magic: Bytes = [0x6E, 0x2B, 0x31, 0]) -> Bytes {
    var h = Packer(bytes: zeros(348), big: big)
    h.i(0, [348])
    let d = [dims.count] + dims + Array(repeating: 1, count: 7 - dims.count)
    h.h(40, d.map { max(-32768, min(32767, $0)) })
    let (code, bitpix, _) = dtInfo(dtype)
    h.h(70, [code, bitpix])
    let pd = [1.0] + pixdim + Array(repeating: 1.0, count: 7 - pixdim.count)
    h.f(76, pd)
    h.f(108, [voxOffset, slope, inter])
    h.h(252, [qformCode, sformCode])
    h.f(256, quat)
    let sf = sform ?? [[pd[1], 0, 0, 0], [0, pd[2], 0, 0], [0, 0, pd[3], 0]]
    for (r, row) in sf.enumerated() { h.f(280 + 16 * r, row) }
    h.s(344, magic)
    for p in patch { p.apply(&h) }
    let body = data ?? pack(values ?? baseImageValues(dims), dtype, big: big)
    let pad = voxOffset.isFinite && voxOffset >= 348 && voxOffset <= 4096 ? max(0, Int(voxOffset) - 348) : 4
    return h.bytes + zeros(pad) + body
}

func nifti2(_ values: [Double]? = nil, dims: [Int] = DIMS, dtype: String = "int16", pixdim: [Double] = [1, 1, 1],
            voxOffset: Int = 544, patch: [Patch] = []) -> Bytes {
    var h = Packer(bytes: zeros(540), big: false)
    h.i(0, [540])
    h.s(4, [0x6E, 0x2B, 0x32, 0, 0x0D, 0x0A, 0x1A, 0x0A])
    let (code, bitpix, _) = dtInfo(dtype)
    h.h(12, [code, bitpix])
    h.q(16, [dims.count] + dims + Array(repeating: 1, count: 7 - dims.count))
    let pd = [1.0] + pixdim + Array(repeating: 1.0, count: 7 - pixdim.count)
    h.d(104, pd)
    h.q(168, [voxOffset])
    h.d(176, [1.0, 0.0])
    h.i(344, [0, 1])
    for r in 0..<3 {
        var row = [0.0, 0, 0, 0]
        row[r] = pd[r + 1]
        h.d(400 + 32 * r, row)
    }
    for p in patch { p.apply(&h) }
    let v = values ?? baseImageValues(dims.count == 3 ? dims : DIMS)
    return h.bytes + zeros(max(0, voxOffset - 540)) + pack(v, dtype)
}

let validImage = nifti1()
let validMaskRaw = nifti1(sphereMask(), dtype: "uint8")
let fullGz = gz(validImage)
let validMaskGz = gz(validMaskRaw)

// MARK: - JPEG (ImageMagick 16×16 grey gradient, 16×16 mask square, RGB, CMYK, progressive, 1×1; a PNG)

func b64(_ s: String) -> Bytes { Bytes(Data(base64Encoded: s)!) }
let JPEG: [(String, Bytes)] = [
    ("grey", b64("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/wAALCAAQABABAREA/8QAFgABAQEAAAAAAAAAAAAAAAAAAAgJ/8QAFxAAAwEAAAAAAAAAAAAAAAAAABhkov/aAAgBAQAAPwCSFjkyFjkya1rHJkLHJk//2Q==")),
    ("mask", b64("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAQABABAREA/8QAFQABAQAAAAAAAAAAAAAAAAAAAAn/xAAhEAAABQIHAAAAAAAAAAAAAAAJEhMVFwQUGSIoQkZiZP/aAAgBAQAAPwCfwGIGONHKOqKNY1ZOEvLi4X/tpkU7HuZXaXMHOAxwXIu1RSVJT3wlmbm+w9tSspfdCpbjZQGI52C5KOl2SpKZObMzc33/AIqlZS+6FS3GyhzhzsaOLtLsaxq982eXFwsPFTIp2Pcyu0ub/9k=")),
    ("rgb", b64("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAQABADAREAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAcI/8QAGBAAAgMAAAAAAAAAAAAAAAAAABUBUmL/xAAWAQEBAQAAAAAAAAAAAAAAAAAACAT/xAAWEQADAAAAAAAAAAAAAAAAAAAAFmL/2gAMAwEAAhEDEQA/AMsPYsZkuS+G6g9iwS5DdRPHui80uSLG6g90EuQ3Uf/Z")),
    ("cmyk", b64("/9j/7gAOQWRvYmUAZAAAAAAC/9sAQwADAgIDAgIDAwMDBAMDBAUIBQUEBAUKBwcGCAwKDAwLCgsLDQ4SEA0OEQ4LCxAWEBETFBUVFQwPFxgWFBgSFBUU/9sAQwEDBAQFBAUJBQUJFA0LDRQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU/8AAFAgACAAIBAERAAIRAQMRAQQRAP/EABQAAQAAAAAAAAAAAAAAAAAAAAj/xAAdEAABAgcAAAAAAAAAAAAAAAAAAQMGEhcnUZHw/8QAFAEBAAAAAAAAAAAAAAAAAAAACP/EABkRAAEFAAAAAAAAAAAAAAAAAAEABRdRkf/aAA4EAQACEQMRBAAAPwBMU6ifLWlDVPrlQ1EKEnixhTBvd0x//9k=")),
    ("prog", b64("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/wgALCAAQABABAREA/8QAFgABAQEAAAAAAAAAAAAAAAAAAAcI/9oACAEBAAAAAZG1s//EABUQAQEAAAAAAAAAAAAAAAAAAAAW/9oACAEBAAEFAphMJhMP/8QAFRABAQAAAAAAAAAAAAAAAAAAADL/2gAIAQEABj8ClKUv/8QAFhAAAwAAAAAAAAAAAAAAAAAAABHw/9oACAEBAAE/IZRKJRKP/9oACAEBAAAAEM//xAAUEAEAAAAAAAAAAAAAAAAAAAAg/9oACAEBAAE/EAkl/9k=")),
    ("1x1", b64("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAv/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AD//Z")),
    ("png", b64("iVBORw0KGgoAAAANSUhEUgAAABAAAAAQAQAAAAA3iMLMAAAABGdBTUEAALGPC/xhBQAAACBjSFJNAAB6JgAAgIQAAPoAAACA6AAAdTAAAOpgAAA6mAAAF3CculE8AAAAAmJLR0QAAd2KE6QAAAAHdElNRQfqCxsJHDPdtXQPAAAADklEQVQI12P4/5+BFAQA/U4f4XOLpqwAAAAldEVYdGRhdGU6Y3JlYXRlADIwMjYtMTEtMjdUMDk6Mjg6NTErMDA6MDDHlBnTAAAAJXRFWHRkYXRlOm1vZGlmeQAyMDI2LTExLTI3VDA5OjI4OjUxKzAwOjAwtsmhbwAAAABJRU5ErkJggg==")),
]
func jpeg(_ k: String) -> Bytes { JPEG.first { $0.0 == k }!.1 }
let G = jpeg("grey"), M = jpeg("mask")

func flip(_ x: Bytes, _ at: Int) -> Bytes { var y = x; y[at % y.count] ^= 0xFF; return y }
/// Rewrites the SOF0/SOF2 frame size.
func sofSize(_ x: Bytes, _ w: Int, _ h: Int) -> Bytes {
    var p = Packer(bytes: x, big: true)
    for i in 0..<(x.count - 8) where x[i] == 0xFF && (x[i + 1] == 0xC0 || x[i + 1] == 0xC2) {
        p.h(i + 5, [h, w]); break
    }
    return p.bytes
}

// MARK: - JSON written as Python's json.dumps writes it (ensure_ascii, separators ', '/': ' or ','/': ' with indent)

indirect enum J {
    case o([(String, J)]), a([J]), s(String), i(Int), d(Double), null

    func replacing(_ from: String, _ to: String) -> J {
        switch self {
        case let .o(kv): return .o(kv.map { ($0.0, $0.1.replacing(from, to)) })
        case let .a(xs): return .a(xs.map { $0.replacing(from, to) })
        case let .s(x): return .s(x.replacingOccurrences(of: from, with: to))
        default: return self
        }
    }
}

func jsonString(_ s: String) -> String {
    var o = "\""
    for u in s.utf16 {
        switch u {
        case 0x22: o += "\\\""
        case 0x5C: o += "\\\\"
        case 0x0A: o += "\\n"
        case 0x0D: o += "\\r"
        case 0x09: o += "\\t"
        case 0x08: o += "\\b"
        case 0x0C: o += "\\f"
        case 0x20..<0x7F: o.unicodeScalars.append(Unicode.Scalar(UInt8(u)))
        case 0x7F: o += "\u{7F}"
        default: let h = String(u, radix: 16); o += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        }
    }
    return o + "\""
}

func dumps(_ j: J, indent: Int? = nil, level: Int = 0) -> String {
    let itemSep = indent == nil ? ", " : ","
    func nl(_ l: Int) -> String { indent.map { "\n" + String(repeating: " ", count: $0 * l) } ?? "" }
    switch j {
    case .null: return "null"
    case let .i(x): return String(x)
    case let .d(x): return x.description
    case let .s(x): return jsonString(x)
    case let .a(xs):
        if xs.isEmpty { return "[]" }
        return "[" + nl(level + 1) + xs.map { dumps($0, indent: indent, level: level + 1) }.joined(separator: itemSep + nl(level + 1))
            + nl(level) + "]"
    case let .o(kv):
        if kv.isEmpty { return "{}" }
        return "{" + nl(level + 1)
            + kv.map { jsonString($0.0) + ": " + dumps($0.1, indent: indent, level: level + 1) }.joined(separator: itemSep + nl(level + 1))
            + nl(level) + "}"
    }
}

/// One phase of a manifest: name, image, mask, then the extra keys in order; `nil` values drop a key (Python's ph()).
func ph(_ changes: [(String, J?)] = []) -> J {
    var kv: [(String, J?)] = [("name", .s("venous")), ("image", .s("venous.nii.gz")), ("mask", .s("venous_mask.nii.gz"))]
    for (k, v) in changes {
        if let i = kv.firstIndex(where: { $0.0 == k }) { kv[i].1 = v } else { kv.append((k, v)) }
    }
    return .o(kv.compactMap { k, v in v.map { (k, $0) } })
}
func phases(_ ps: J...) -> J { .o([("phases", .a(ps))]) }
func ints(_ xs: Int...) -> J { .a(xs.map { .i($0) }) }

// MARK: - files

func fail(_ msg: String) -> Never {
    FileHandle.standardError.write(Data(("bad-input-corpus: " + msg + "\n").utf8))
    exit(1)
}

func mkdirs(_ path: String) {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch { fail("\(path): \(error)") }
}

func writeFile(_ path: String, _ data: Bytes) {
    guard let f = fopen(path, "wb") else { fail("\(path): cannot create (errno \(errno))") }
    if !data.isEmpty && fwrite(data, 1, data.count, f) != data.count { fail("\(path): write failed") }
    fclose(f)
}

func put(_ folder: String, _ rel: String, _ data: Bytes) {
    let p = folder + "/" + rel
    mkdirs((p as NSString).deletingLastPathComponent)
    writeFile(p, data)
}

func makeSymlink(_ target: String, _ path: String) { if symlink(target, path) != 0 { fail("symlink \(path): errno \(errno)") } }
func fifo(_ path: String) { if mkfifo(path, 0o666) != 0 { fail("mkfifo \(path): errno \(errno)") } }

func pair(_ f: String, _ image: Bytes, _ mask: Bytes? = nil, image iname: String = "venous.nii.gz",
          mask mname: String = "venous_mask.nii.gz") {
    put(f, iname, iname.hasSuffix(".gz") ? gz(image) : image)
    let mb = mask ?? validMaskRaw
    put(f, mname, mname.hasSuffix(".gz") ? (mask == nil ? validMaskGz : gz(mb)) : mb)
}

func manifest(_ f: String, _ obj: J) { put(f, "study.json", b(dumps(obj, indent: 1))) }
func manifest(_ f: String, raw: Bytes) { put(f, "study.json", raw) }
