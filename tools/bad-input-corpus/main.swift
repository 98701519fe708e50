// bad-input-corpus OUTDIR — a deterministic corpus of malformed and adversarial study folders (issue 7).
//
//   OUTDIR/studies/<case>/   one study folder per case (NIfTI pairs by name, study.json manifests, JPEG stacks)
//   OUTDIR/outside/          files that escaping paths point at (must never be read)
//   OUTDIR/cases.tsv         case, expect (error|ok|any), image, mask (relative to the study folder; '-' = none),
//                            label ('-' = none), description
//
// Same bytes on every run (gzip mtime 0, zlib level 6, a fixed linear congruential generator); only the one manifest
// and the symlinks that name OUTDIR/outside by its absolute path depend on OUTDIR. A port of the Python prototype
// (`git show ab3eda0:tools/bad-input-corpus`): same 298 cases, same names, byte-identical files for the same OUTDIR.
// No dependency on the product modules: `swift build --product bad-input-corpus` builds it in seconds.
//
// Seed corpora (the committed tools/fuzz-targets/seeds/TARGET were written by these):
//   bad-input-corpus --nifti-seeds DIR | --jpeg-seeds DIR | --manifest-seeds DIR | --config-seeds DIR
import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

nonisolated(unsafe) var OUTSIDE = ""

// MARK: - cases

struct Case {
    let name, desc, expect, image, mask: String
    let label: Int?
    let build: (String) -> Void
}
nonisolated(unsafe) var CASES: [Case] = []
func add(_ name: String, _ desc: String, expect: String = "error", image: String = "venous.nii.gz",
         mask: String = "venous_mask.nii.gz", label: Int? = nil, _ build: @escaping (String) -> Void) {
    CASES.append(Case(name: name, desc: desc, expect: expect, image: image, mask: mask, label: label, build: build))
}
func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
/// Python's repr of the floats used in case names and descriptions.
func r(_ x: Double) -> String { x.description }

// ---------------------------------------------------------------- controls (must succeed)
add("000-control-nifti-gz", "valid study (int16 image, sphere mask) — control", expect: "ok") { pair($0, validImage) }
add("001-control-nifti-raw", "valid uncompressed .nii pair — control", expect: "ok", image: "venous.nii", mask: "venous_mask.nii") {
    pair($0, validImage, image: "venous.nii", mask: "venous_mask.nii")
}
add("002-control-manifest", "valid study.json with clinical values — control", expect: "ok") {
    pair($0, validImage)
    manifest($0, .o([("study_id", .s("CTRL")),
                     ("phases", .a([.o([("name", .s("venous")), ("image", .s("venous.nii.gz")), ("mask", .s("venous_mask.nii.gz")),
                                        ("modality", .s("CT"))])])),
                     ("clinical", .o([("afp", .o([("value", .i(12)), ("unit", .s("ng/mL"))]))]))]))
}
add("003-control-big-endian", "valid big-endian NIfTI-1 — control", expect: "ok") {
    pair($0, nifti1(big: true), nifti1(sphereMask(), dtype: "uint8", big: true))
}
add("004-control-nifti2", "valid NIfTI-2 pair — control", expect: "ok") { pair($0, nifti2(), nifti2(sphereMask(), dtype: "uint8")) }
add("005-control-jpeg-stack", "valid JPEG slice stack with JPEG mask folder — control", expect: "any", image: "us", mask: "us_mask") { f in
    for k in 0..<4 { put(f, "us/slice\(k).jpg", G); put(f, "us_mask/slice\(k).jpg", M) }
}

// ---------------------------------------------------------------- gzip damage
for (n, cut) in ["0", "1", "9", "10", "20", "100", "200", "half", "90%", "-9", "-4", "-1"].enumerated() {
    add("010-gzip-cut-\(two(n))", "image .nii.gz truncated to \(cut) bytes") { f in
        let x = fullGz
        let k = cut == "half" ? x.count / 2 : cut == "90%" ? x.count * 9 / 10 : cut.hasPrefix("-") ? x.count + Int(cut)! : Int(cut)!
        put(f, "venous.nii.gz", Bytes(x[0..<k])); put(f, "venous_mask.nii.gz", validMaskGz)
    }
}
for (n, pos) in ["3", "12", "40", "mid", "-12", "-6", "-2"].enumerated() {
    add("011-gzip-flip-\(two(n))", "image .nii.gz with one byte flipped at \(pos) (deflate data or CRC/length trailer)") { f in
        var x = fullGz
        let k = pos == "mid" ? x.count / 2 : pos.hasPrefix("-") ? x.count + Int(pos)! : Int(pos)!
        x[k] ^= 0x5A
        put(f, "venous.nii.gz", x); put(f, "venous_mask.nii.gz", validMaskGz)
    }
}
add("012-gzip-concatenated-garbage", "valid gzip member followed by garbage bytes", expect: "any") {
    put($0, "venous.nii.gz", fullGz + repeated(b("\0garbage"), 10)); put($0, "venous_mask.nii.gz", validMaskGz)
}
add("013-gzip-empty-member", "gzip of zero bytes") { put($0, "venous.nii.gz", gz([])); put($0, "venous_mask.nii.gz", validMaskGz) }
add("014-gzip-header-only", "gzip of a header without voxel data") {
    put($0, "venous.nii.gz", gz(Bytes(validImage[0..<352]))); put($0, "venous_mask.nii.gz", validMaskGz)
}
add("015-mask-gzip-cut", "mask .nii.gz truncated in the middle") {
    put($0, "venous.nii.gz", fullGz); put($0, "venous_mask.nii.gz", Bytes(validMaskGz[0..<validMaskGz.count / 2]))
}

// ---------------------------------------------------------------- uncompressed truncation
for (n, keep) in ["0", "100", "347", "348", "352", "353", "1000", "half", "-1"].enumerated() {
    add("020-raw-cut-\(two(n))", "uncompressed image truncated to \(keep) bytes", image: "venous.nii", mask: "venous_mask.nii") { f in
        let x = validImage
        let k = keep == "half" ? x.count / 2 : keep == "-1" ? x.count - 1 : Int(keep)!
        put(f, "venous.nii", Bytes(x[0..<k])); put(f, "venous_mask.nii", validMaskRaw)
    }
}

// ---------------------------------------------------------------- lying / overflowing dims
let LIES: [(String, [Patch])] = [
    ("dims-larger-than-data", [.h(42, [240, 240, 120])]),
    ("dims-x-huge", [.h(42, [32767])]),
    ("dims-all-max", [.h(42, [32767, 32767, 32767])]),
    ("dim-negative", [.h(44, [-5])]),
    ("dim-zero-x", [.h(42, [0])]),
    ("dim0-zero", [.h(40, [0])]),
    ("dim0-eight", [.h(40, [8])]),
    ("dim0-negative", [.h(40, [-1])]),
    ("dim0-one", [.h(40, [1])]),
    ("bitpix-lies", [.h(72, [64])]),
    ("datatype-float64-on-int16-data", [.h(70, [64, 64])]),
]
for (n, (what, patch)) in LIES.enumerated() {
    for comp in ["gz", "raw"] {
        let ext = comp == "gz" ? ".nii.gz" : ".nii"
        // bitpix is redundant with datatype (readers use datatype), so a wrong bitpix may load.
        add("030-lie-\(two(n))-\(what)-\(comp)", "image header lies: \(what) (\(comp))", expect: what == "bitpix-lies" ? "any" : "error",
            image: "venous" + ext, mask: "venous_mask" + ext) { pair($0, nifti1(patch: patch), image: "venous" + ext, mask: "venous_mask" + ext) }
    }
}
let N2: [(String, [Patch])] = [
    ("dims-2^40", [.q(24, [1 << 40])]),
    ("dims-product-overflows-int64", [.q(24, [1 << 31, 1 << 31, 1 << 31])]),
    ("dims-int64-max", [.q(24, [Int.max])]),
    ("dim-negative", [.q(32, [-24])]),
    ("vox-offset-huge", [.q(168, [1 << 60])]),
    ("vox-offset-negative", [.q(168, [-540])]),
    ("pixdim-nan", [.d(112, [.nan])]),
    ("slope-inf", [.d(176, [.infinity])]),
]
for (n, (what, patch)) in N2.enumerated() {
    // Non-finite scl_slope means "no scaling" to libnifti (as scl_slope = 0 in the standard): may load unscaled.
    add("031-nifti2-\(two(n))-\(what)", "NIfTI-2 image header: \(what)", expect: what == "slope-inf" ? "any" : "error") {
        pair($0, nifti2(patch: patch), nifti2(sphereMask(), dtype: "uint8"))
    }
}

// ---------------------------------------------------------------- datatypes
for (n, code) in [0, 1, 32, 128, 1536, 1792, 2048, 2304, 1024, 1280, 9999, -4].enumerated() {
    add("040-datatype-\(two(n))-code-\(code)", "unsupported datatype code \(code)") { pair($0, nifti1(patch: [.h(70, [code])])) }
}
for (n, dt) in ["uint8", "int8", "uint16", "int32", "uint32", "float32", "float64"].enumerated() {
    add("041-datatype-\(two(n))-\(dt)", "valid \(dt) image", expect: "ok") { f in
        var v = dt.hasPrefix("u") ? BASE.map { max(0, $0) } : BASE
        if dt == "int8" { v = v.map { max(-128, min(127, $0)) } }
        pair(f, nifti1(v, dtype: dt))
    }
}

// ---------------------------------------------------------------- spacing, offset, scaling
for (n, pd) in [0.0, -1.0, .nan, .infinity, 1e-30, 1e30, 1e-6].enumerated() {
    add("050-pixdim-\(two(n))-\(r(pd))", "image pixdim[1] = \(r(pd)) (mask keeps 1 mm)", expect: pd == -1.0 ? "any" : "error") {
        pair($0, nifti1(pixdim: [pd, 1, 1], sformCode: 0))
    }
}
for (n, pd) in [0.0, .nan, 1e30].enumerated() {
    add("051-pixdim-both-\(two(n))", "image and mask both pixdim[3] = \(r(pd))", expect: pd != 1e30 ? "error" : "any") {
        pair($0, nifti1(pixdim: [1, 1, pd], sformCode: 0), nifti1(sphereMask(), dtype: "uint8", pixdim: [1, 1, pd], sformCode: 0))
    }
}
for (n, vo) in [0.0, 100.0, 347.0, 1e10, .nan, -352.0, 352.5, 4000.0].enumerated() {
    add("052-vox-offset-\(two(n))", "vox_offset = \(r(vo))", expect: vo == 0.0 || vo == 352.5 ? "any" : "error") {
        pair($0, nifti1(patch: [.f(108, [vo])]))
    }
}
let SCALINGS: [(Double, Double)] = [(.nan, 0.0), (.infinity, 0.0), (0.0, 0.0), (1e30, 0.0), (-1e30, 0.0), (1.0, .nan),
                                    (1.0, -.infinity), (1.0, 3e9), (1e-30, 0.0), (0.5, 0.25)]
for (n, (s, i)) in SCALINGS.enumerated() {
    let allowed = (s == 0 && i == 0) || (s == 1e-30 && i == 0) || (s == 0.5 && i == 0.25) || !(s.isFinite && i.isFinite)
    add("053-scaling-\(two(n))", "scl_slope = \(r(s)), scl_inter = \(r(i))", expect: allowed ? "any" : "error") {
        pair($0, nifti1(slope: s, inter: i))
    }
}

// ---------------------------------------------------------------- NaN / Inf voxels
func withSpecial(_ dtype: String, _ val: Double, _ inside: Bool) -> Bytes {
    var v = BASE
    let (nx, ny, nz) = (DIMS[0], DIMS[1], DIMS[2])
    v[inside ? (nz / 2 * ny + ny / 2) * nx + nx / 2 : 0] = val
    return nifti1(v, dtype: dtype)
}
var specials: [(String, Double, Bool)] = []
for d in ["float32", "float64"] { for v in [Double.nan, .infinity, -.infinity, 3e38] { for ins in [true, false] { specials.append((d, v, ins)) } } }
for (n, (dt, val, inside)) in specials.enumerated() {
    add("060-special-\(two(n))-\(dt)-\(r(val))-\(inside ? "roi" : "outside")",
        "\(dt) image with \(r(val)) \(inside ? "inside" : "outside") the ROI", expect: inside ? "error" : "ok") {
        pair($0, withSpecial(dt, val, inside))
    }
}

// ---------------------------------------------------------------- geometry
typealias Maker = (_ values: [Double]?, _ dtype: String) -> Bytes
let GEOMS: [(String, Maker)] = [
    ("sform-nan", { nifti1($0, dtype: $1, sform: [[.nan, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]) }),
    ("sform-zero", { nifti1($0, dtype: $1, sform: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]) }),
    ("sform-huge", { nifti1($0, dtype: $1, sform: [[1e30, 0, 0, 0], [0, 1e30, 0, 0], [0, 0, 1e30, 0]]) }),
    ("sform-inf-origin", { nifti1($0, dtype: $1, sform: [[1, 0, 0, .infinity], [0, 1, 0, 0], [0, 0, 1, 0]]) }),
    ("qform-bad-quaternion", { nifti1($0, dtype: $1, qformCode: 1, sformCode: 0, quat: [2, 2, 2]) }),
    ("qform-nan-quaternion", { nifti1($0, dtype: $1, qformCode: 1, sformCode: 0, quat: [.nan, 0, 0]) }),
    ("sform-code-99", { nifti1($0, dtype: $1, sformCode: 99) }),
    ("sform-shear", { nifti1($0, dtype: $1, sform: [[1, 0.5, 0, 0], [0, 1, 0.5, 0], [0, 0, 1, 0]]) }),
]
for (n, (what, make)) in GEOMS.enumerated() {
    add("070-geometry-\(two(n))-\(what)", "image and mask share a degenerate transform: \(what)", expect: "any") {
        pair($0, make(nil, "int16"), make(sphereMask(), "uint8"))
    }
}
typealias MaskMaker = (_ values: [Double], _ dims: [Int]) -> Bytes
let MISMATCH: [(String, [Int], MaskMaker)] = [
    ("dims", [24, 24, 11], { nifti1($0, dims: $1, dtype: "uint8") }),
    ("spacing", DIMS, { nifti1($0, dims: $1, dtype: "uint8", pixdim: [1, 1, 2]) }),
    ("origin", DIMS, { nifti1($0, dims: $1, dtype: "uint8", sform: [[1, 0, 0, 5], [0, 1, 0, 0], [0, 0, 1, 0]]) }),
    ("direction", DIMS, { nifti1($0, dims: $1, dtype: "uint8", sform: [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0]]) }),
    ("2d-vs-3d", [24, 24], { nifti1($0, dims: $1, dtype: "uint8") }),
    ("4d-mask", [24, 24, 12, 2], { nifti1($0, dims: $1, dtype: "uint8") }),
    ("transposed", [12, 24, 24], { nifti1($0, dims: $1, dtype: "uint8") }),
]
for (n, (what, dims, make)) in MISMATCH.enumerated() {
    add("071-mask-mismatch-\(two(n))-\(what)", "mask grid differs from the image: \(what)") { f in
        let cnt = product(dims), m = sphereMask()
        let vals = Array(Array(Array(repeating: m, count: cnt / m.count + 1).joined())[0..<cnt])
        pair(f, validImage, make(vals, dims))
    }
}

// ---------------------------------------------------------------- 4-D and more
for (n, (dims, exp)) in [([24, 24, 12, 2], "error"), ([24, 24, 12, 1], "ok"), ([24, 24, 12, 1, 3], "error"),
                         ([24, 24, 1, 2], "error"), ([24, 24, 12, 1, 1, 1, 1], "ok")].enumerated() {
    add("080-ndim-\(two(n))-\(dims.map(String.init).joined(separator: "x"))",
        "\(dims.count)-D image (\(dims.map(String.init).joined(separator: ", ")))", expect: exp) { f in
        let cnt = product(dims)
        let v = Array((BASE + BASE + BASE)[0..<cnt])
        let m0 = sphereMask()
        let m = Array((m0 + m0 + m0)[0..<cnt])
        pair(f, nifti1(v, dims: dims), nifti1(m, dims: dims, dtype: "uint8"))
    }
}

// ---------------------------------------------------------------- headers: magic, size, ANALYZE
let HDRS: [(String, [Patch])] = [
    ("bad-magic", [.s(344, b("xxxx"))]),
    ("analyze-no-magic", [.s(344, [0, 0, 0, 0])]),
    ("sizeof-hdr-0", [.i(0, [0])]),
    ("sizeof-hdr-byteswapped-garbage", [.i(0, [0x01020304])]),
    ("pair-magic-in-single-file", [.s(344, b("ni1\0"))]),
    ("nifti2-magic-in-nifti1", [.s(344, b("n+2\0"))]),
]
for (n, (what, patch)) in HDRS.enumerated() {
    add("090-header-\(two(n))-\(what)", "image header: \(what)") { pair($0, nifti1(patch: patch)) }
}
let pairHeader = Bytes(nifti1(voxOffset: 0, magic: b("ni1\0"))[0..<348])
add("091-hdr-img-pair-missing-img", ".hdr/.img pair with the .img missing", image: "venous.hdr", mask: "venous_mask.nii.gz") {
    put($0, "venous.hdr", pairHeader); put($0, "venous_mask.nii.gz", validMaskGz)
}
add("092-hdr-img-pair-short-img", ".hdr/.img pair with a truncated .img", image: "venous.hdr", mask: "venous_mask.nii.gz") {
    put($0, "venous.hdr", pairHeader); put($0, "venous.img", zeros(100)); put($0, "venous_mask.nii.gz", validMaskGz)
}
add("093-hdr-img-gz-pair-fifo", ".hdr with its .img.gz a named pipe", image: "venous.hdr", mask: "venous_mask.nii.gz") {
    put($0, "venous.hdr", pairHeader); fifo($0 + "/venous.img.gz"); put($0, "venous_mask.nii.gz", validMaskGz)
}

// ---------------------------------------------------------------- wrong file types
let WRONG: [(String, Bytes)] = [
    ("empty-file", []),
    ("zeros-4k", zeros(4096)),
    ("text", repeated(b("this is not an image\n"), 20)),
    ("png", jpeg("png")),
    ("jpeg", G),
    ("zip", b("PK\u{03}\u{04}") + zeros(400)),
    ("elf", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01] + zeros(400)),
    ("dicom-preamble", zeros(128) + b("DICM") + zeros(400)),
    ("random", (0..<5000).map { UInt8(($0 * 37 + 11) & 255) }),
    ("gzip-of-text", gz(repeated(b("hello world\n"), 100))),
]
for (n, (what, data)) in WRONG.enumerated() {
    add("100-wrongtype-\(two(n))-\(what)", "image .nii.gz is actually: \(what)") {
        put($0, "venous.nii.gz", data); put($0, "venous_mask.nii.gz", validMaskGz)
    }
    add("101-wrongtype-mask-\(two(n))-\(what)", "mask .nii.gz is actually: \(what)") {
        put($0, "venous.nii.gz", fullGz); put($0, "venous_mask.nii.gz", data)
    }
}
add("102-image-is-directory", "venous.nii.gz is a folder") {
    mkdirs($0 + "/venous.nii.gz"); put($0, "venous.nii.gz/x", b("x")); put($0, "venous_mask.nii.gz", validMaskGz)
}
add("103-image-is-fifo", "venous.nii.gz is a named pipe (a read would block forever)") {
    fifo($0 + "/venous.nii.gz"); put($0, "venous_mask.nii.gz", validMaskGz)
}
add("104-mask-is-fifo", "venous_mask.nii.gz is a named pipe") { put($0, "venous.nii.gz", fullGz); fifo($0 + "/venous_mask.nii.gz") }
add("105-jpeg-slice-fifo", "a JPEG slice is a named pipe", image: "us", mask: "us_mask") {
    put($0, "us/slice0.jpg", G); fifo($0 + "/us/slice1.jpg")
    put($0, "us_mask/slice0.jpg", M); put($0, "us_mask/slice1.jpg", M)
}
add("106-image-unreadable", "venous.nii.gz has mode 000 (unreadable unless root)", expect: "any") {
    put($0, "venous.nii.gz", fullGz); put($0, "venous_mask.nii.gz", validMaskGz); chmod($0 + "/venous.nii.gz", 0)
}

// ---------------------------------------------------------------- huge declared sizes, bombs
add("110-huge-dims-tiny-gz", ".nii.gz of 300 bytes declaring 32767×32767×2 float64 (17 GB)") {
    put($0, "venous.nii.gz", gz(nifti1(dtype: "float64", patch: [.h(42, [32767, 32767, 2])], data: [])))
}
add("111-huge-dims-tiny-gz-mask", "mask .nii.gz of a few bytes declaring 32767×32767×1000 uint8") {
    put($0, "venous.nii.gz", fullGz); put($0, "venous_mask.nii.gz", gz(nifti1(dtype: "uint8", patch: [.h(42, [32767, 32767, 1000])], data: [])))
}
add("112-huge-slice-tiny-gz", "mask declaring one 32767×32767 float64 slice (8.6 GB slice buffer) with no data") {
    put($0, "venous.nii.gz", fullGz); put($0, "venous_mask.nii.gz", gz(nifti1(dtype: "float64", patch: [.h(42, [32767, 32767, 1])], data: [])))
}
nonisolated(unsafe) var bombCache: Bytes? = nil
/// 512×512×512 uint8 zeros (128 MB) deflated (zlib level 6: ~125 kB).
func bomb() -> Bytes {
    if let x = bombCache { return x }
    let x = gz(nifti1(dims: [512, 512, 512], dtype: "uint8", data: zeros(512 * 512 * 512)))
    bombCache = x
    return x
}
add("113-gzip-bomb-mask", "mask: 512×512×512 zeros (128 MB) compressed to ~130 kB, image 24×24×12") {
    put($0, "venous.nii.gz", fullGz); put($0, "venous_mask.nii.gz", bomb())
}
add("114-gzip-bomb-both", "image and mask 512×512×512 uint8 zeros (empty mask)", image: "venous.nii.gz") {
    put($0, "venous.nii.gz", bomb()); put($0, "venous_mask.nii.gz", bomb())
}
add("115-raw-huge-dims-sparse-file", "uncompressed .nii declaring 32767×32767×32767 int16 in a 1 kB file",
    image: "venous.nii", mask: "venous_mask.nii") {
    put($0, "venous.nii", nifti1(patch: [.h(42, [32767, 32767, 32767])], data: zeros(600))); put($0, "venous_mask.nii", validMaskRaw)
}

// ---------------------------------------------------------------- masks
func maskWith(_ points: [(Int, Int, Int)] = [], value: Double = 1, fill: Double = 0) -> Bytes {
    var v = [Double](repeating: fill, count: product(DIMS))
    for (i, j, k) in points { v[(k * DIMS[1] + j) * DIMS[0] + i] = value }
    return nifti1(v, dtype: "uint8")
}
let SPHERE = sphereMask()
let MASKS: [(String, Bytes, String, Int?)] = [
    ("empty", maskWith(), "error", nil),
    ("one-voxel", maskWith([(12, 12, 6)]), "any", nil),
    ("one-voxel-corner", maskWith([(0, 0, 0)]), "any", nil),
    ("two-opposite-corners", maskWith([(0, 0, 0), (23, 23, 11)]), "any", nil),
    ("whole-image", maskWith(fill: 1), "any", nil),
    ("label-2-only-asked-1", nifti1(sphereMask(value: 2), dtype: "uint8"), "error", 1),
    ("label-asked-absent", nifti1(sphereMask(value: 1), dtype: "uint8"), "error", 7),
    ("float-0.5", nifti1(SPHERE.map { $0 * 0.5 }, dtype: "float32"), "error", nil),
    ("float-nan-mask", nifti1(SPHERE.map { $0 != 0 ? .nan : 0.0 }, dtype: "float32"), "any", nil),
    ("negative-labels", nifti1(SPHERE.map { -$0 }, dtype: "int16"), "any", nil),
    ("single-slice-line", maskWith((0..<24).map { ($0, 12, 6) }), "any", nil),
    ("huge-label-value", nifti1(SPHERE.map { $0 * 2000000000 }, dtype: "int32"), "any", nil),
    ("mask-scaled-to-zero", nifti1(SPHERE, dtype: "uint8", slope: 0, inter: 0), "any", nil),
    ("mask-scaled-nan", nifti1(SPHERE, dtype: "uint8", slope: .nan), "any", nil),
]
for (n, (what, mb, exp, label)) in MASKS.enumerated() {
    add("120-mask-\(two(n))-\(what)", "mask: \(what)\(label.map { " (label \($0))" } ?? "")", expect: exp, label: label) { f in
        pair(f, validImage, mb)
        if let label {
            manifest(f, phases(.o([("name", .s("venous")), ("image", .s("venous.nii.gz")), ("mask", .s("venous_mask.nii.gz")),
                                   ("label", .i(label))])))
        }
    }
}

// ---------------------------------------------------------------- manifests
enum ManifestBody { case json(J), raw(Bytes), huge }
let MANIFESTS: [(String, ManifestBody)] = [
    ("empty-file", .raw([])),
    ("not-json", .raw(b("{ this is not json"))),
    ("json-array", .raw(b("[1, 2, 3]"))),
    ("json-null", .raw(b("null"))),
    ("no-phases-key", .json(.o([("study_id", .s("x"))]))),
    ("phases-empty", .json(.o([("phases", .a([]))]))),
    ("phases-not-list", .json(.o([("phases", .o([("venous", .i(1))]))]))),
    ("phase-missing-image", .json(phases(ph([("image", nil)])))),
    ("phase-missing-mask", .json(phases(ph([("mask", nil)])))),
    ("phase-image-number", .json(phases(ph([("image", .i(12))])))),
    ("dotdot-image", .json(phases(ph([("image", .s("../outside/secret.nii.gz"))])))),
    ("dotdot-inner", .json(phases(ph([("image", .s("sub/../../outside/secret.nii.gz"))])))),
    ("dotdot-mask", .json(phases(ph([("mask", .s("../../outside/secret_mask.nii.gz"))])))),
    ("absolute-image", .json(phases(ph([("image", .s("/etc/passwd"))])))),
    ("absolute-outside", .json(phases(ph([("image", .s("@OUTSIDE@/secret.nii.gz"))])))),
    ("absolute-liver", .json(phases(ph([("liver_mask", .s("/etc/shadow"))])))),
    ("nul-in-path", .json(phases(ph([("image", .s("venous.nii.gz\u{0}../../etc/passwd"))])))),
    ("empty-path", .json(phases(ph([("image", .s(""))])))),
    ("dot-path", .json(phases(ph([("image", .s("."))])))),
    ("image-missing-file", .json(phases(ph([("image", .s("nothere.nii.gz"))])))),
    ("duplicate-phase", .json(phases(ph(), ph()))),
    ("empty-phase-name", .json(phases(ph([("name", .s(""))])))),
    ("spacing-two-values", .json(phases(ph([("spacing", ints(1, 1))])))),
    ("spacing-negative", .json(phases(ph([("spacing", ints(1, -1, 1))])))),
    ("spacing-zero", .json(phases(ph([("spacing", ints(0, 0, 0))])))),
    ("spacing-huge-number", .raw(b(#"{"phases": [{"name": "venous", "image": "venous.nii.gz", "mask": "venous_mask.nii.gz", "spacing": [1e999, 1, 1]}]}"#))),
    ("label-huge", .json(phases(ph([("label", .i(1 << 62))])))),
    ("label-too-big-for-int", .raw(b(#"{"phases": [{"name": "venous", "image": "venous.nii.gz", "mask": "venous_mask.nii.gz", "label": 99999999999999999999999}]}"#))),
    ("label-negative", .json(phases(ph([("label", .i(-1))])))),
    ("clinical-string-value", .json(.o([("phases", .a([ph()])), ("clinical", .o([("afp", .o([("value", .s("high")), ("unit", .s("ng/mL"))]))]))]))),
    ("clinical-negative-afp", .json(.o([("phases", .a([ph()])), ("clinical", .o([("afp", .o([("value", .i(-5)), ("unit", .s("ng/mL"))]))]))]))),
    ("clinical-unknown-unit", .json(.o([("phases", .a([ph()])), ("clinical", .o([("albumin", .o([("value", .i(3)), ("unit", .s("furlongs"))]))]))]))),
    ("overrides-negative-count", .json(.o([("phases", .a([ph()])), ("overrides", .o([("tumour_count", .i(-3))]))]))),
    ("overrides-zero-diameter", .json(.o([("phases", .a([ph()])), ("overrides", .o([("largest_diameter_cm", .i(0))]))]))),
    ("study-id-slashes", .json(.o([("study_id", .s("../../../../tmp/evil")), ("phases", .a([ph()]))]))),
    ("study-id-long", .json(.o([("study_id", .s(String(repeating: "A", count: 10000))), ("phases", .a([ph()]))]))),
    ("study-id-control-chars", .json(.o([("study_id", .s("x\n\r\t\u{1B}[31mred")), ("phases", .a([ph()]))]))),
    ("deep-nesting", .raw(b(#"{"phases": "#) + repeated(b("["), 5000) + repeated(b("]"), 5000) + b("}"))),
    ("deep-nesting-objects", .raw(b(#"{"x": "#) + repeated(b(#"{"a":"#), 3000) + b("1") + repeated(b("}"), 3000) + b(#", "phases": []}"#))),
    ("huge-manifest", .huge),
    ("utf16-bom", .raw(hex("fffefffe7b00220070006800610073006500730022003a0020005b005d007d00"))),
    ("many-phases", .json(.o([("phases", .a((0..<500).map { ph([("name", .s("p\($0)"))]) }))]))),
    ("32-phases", .json(.o([("phases", .a((0..<32).map { ph([("name", .s("p\($0)"))]) }))]))),
    ("image-equals-mask", .json(phases(ph([("mask", .s("venous.nii.gz"))])))),
    ("image-is-study-json", .json(phases(ph([("image", .s("study.json"))])))),
    ("jpeg-modality-us-no-spacing", .json(phases(ph([("modality", .s("US"))])))),
]
let MANIFEST_ANY: Set<String> = ["clinical-negative-afp", "clinical-unknown-unit", "study-id-slashes", "study-id-long",
                                 "study-id-control-chars", "jpeg-modality-us-no-spacing", "label-huge", "label-negative",
                                 "image-equals-mask", "32-phases"]
for (n, (what, body)) in MANIFESTS.enumerated() {
    add("130-manifest-\(two(n))-\(what)", "study.json: \(what)", expect: MANIFEST_ANY.contains(what) ? "any" : "error") { f in
        pair(f, validImage)
        switch body {
        case .huge:
            let items = (0..<20000).map { #"{"name": "p\#($0)", "image": "venous.nii.gz", "mask": "venous_mask.nii.gz"}"# }
            manifest(f, raw: b(#"{"phases": ["# + items.joined(separator: ",") + "]}"))
        case let .json(j): manifest(f, j.replacing("@OUTSIDE@", OUTSIDE))
        case let .raw(x): manifest(f, raw: x)
        }
    }
}

// ---------------------------------------------------------------- symlinks
let SYMS: [(String, String, String)] = [
    ("image-to-etc-passwd", "venous.nii.gz", "/etc/passwd"),
    ("image-to-outside-abs", "venous.nii.gz", "@OUTSIDE@/secret.nii.gz"),
    ("image-to-outside-rel", "venous.nii.gz", "../../outside/secret.nii.gz"),
    ("mask-to-outside-abs", "venous_mask.nii.gz", "@OUTSIDE@/secret_mask.nii.gz"),
    ("image-to-dev-zero", "venous.nii.gz", "/dev/zero"),
    ("image-to-dev-urandom", "venous.nii.gz", "/dev/urandom"),
    ("image-to-proc-self-mem", "venous.nii.gz", "/proc/self/mem"),
    ("image-dangling", "venous.nii.gz", "does-not-exist.nii.gz"),
    ("image-loop", "venous.nii.gz", "venous.nii.gz"),
    ("image-to-itself-dir", "venous.nii.gz", "."),
]
for (n, (what, name, target)) in SYMS.enumerated() {
    add("140-symlink-\(two(n))-\(what)", "by name: \(name) is a symlink to \(target)") { f in
        pair(f, validImage)
        unlink(f + "/" + name)
        makeSymlink(target.replacingOccurrences(of: "@OUTSIDE@", with: OUTSIDE), f + "/" + name)
    }
}
let SYMMAN: [(String, String, String, J)] = [
    ("dir-link-outside", "sub", "@OUTSIDE@", ph([("image", .s("sub/secret.nii.gz"))])),
    ("dir-link-root", "root", "/", ph([("image", .s("root/etc/passwd"))])),
    ("dir-link-rel-up", "up", "..", ph([("image", .s("up/../outside/secret.nii.gz"))])),
    ("file-link-outside", "link.nii.gz", "@OUTSIDE@/secret.nii.gz", ph([("image", .s("link.nii.gz"))])),
    ("chain-inside-then-out", "a.nii.gz", "b.nii.gz", ph([("image", .s("a.nii.gz"))])),
    ("jpeg-folder-link-outside", "us", "@OUTSIDE@/jpegs",
     ph([("name", .s("us")), ("image", .s("us")), ("mask", .s("us")), ("modality", .s("US")), ("spacing", ints(1, 1, 1))])),
]
for (n, (what, name, target, phase)) in SYMMAN.enumerated() {
    add("141-manifest-symlink-\(two(n))-\(what)", "study.json points through symlink \(name) → \(target)") { f in
        pair(f, validImage)
        makeSymlink(target.replacingOccurrences(of: "@OUTSIDE@", with: OUTSIDE), f + "/" + name)
        if what == "chain-inside-then-out" { makeSymlink(OUTSIDE + "/secret.nii.gz", f + "/b.nii.gz") }
        manifest(f, phases(phase))
    }
}
add("142-symlink-inside-ok", "by name: venous.nii.gz is a symlink to a file inside the study (allowed)", expect: "any") {
    put($0, "data/img.nii.gz", fullGz); put($0, "venous_mask.nii.gz", validMaskGz)
    makeSymlink("data/img.nii.gz", $0 + "/venous.nii.gz")
}

// ---------------------------------------------------------------- study folders found by name
add("150-byname-no-mask", "image without a mask", mask: "-") { put($0, "venous.nii.gz", fullGz) }
add("151-byname-only-mask", "a mask without its image", image: "-") { put($0, "venous_mask.nii.gz", validMaskGz) }
add("152-byname-nothing", "folder with unrelated files only", image: "-", mask: "-") {
    put($0, "README.txt", b("hello\n")); put($0, "notes.docx", b("PK\u{03}\u{04}"))
}
add("153-byname-hidden-only", "only hidden files", image: "-", mask: "-") {
    put($0, ".venous.nii.gz", fullGz); put($0, ".venous_mask.nii.gz", validMaskGz)
}
add("154-byname-two-phases-one-bad", "arterial valid, venous corrupt") {
    put($0, "arterial.nii.gz", fullGz); put($0, "arterial_mask.nii.gz", validMaskGz)
    put($0, "venous.nii.gz", Bytes(fullGz[0..<fullGz.count / 3])); put($0, "venous_mask.nii.gz", validMaskGz)
}
add("155-byname-seg-suffix", "mask named _seg (allowed)", expect: "ok", mask: "venous_seg.nii.gz") {
    pair($0, validImage, mask: "venous_seg.nii.gz")
}
let UNI = "v\u{E9}n\u{F6}se phase"
add("156-byname-unicode", "phase name with unicode and spaces", expect: "ok", image: UNI + ".nii.gz", mask: UNI + "_mask.nii.gz") {
    pair($0, validImage, image: UNI + ".nii.gz", mask: UNI + "_mask.nii.gz")
}
add("157-byname-liver-bad", "liver mask on another grid", expect: "any") {
    pair($0, validImage)
    put($0, "venous_liver.nii.gz", gz(nifti1(sphereMask([24, 24, 11]), dims: [24, 24, 11], dtype: "uint8")))
}

// ---------------------------------------------------------------- JPEG
func stack(_ f: String, _ imgs: [Bytes], _ masks: [Bytes], img: String = "us", msk: String = "us_mask") {
    for (k, x) in imgs.enumerated() { put(f, "\(img)/slice\(k).jpg", x) }
    for (k, x) in masks.enumerated() { put(f, "\(msk)/slice\(k).jpg", x) }
    if imgs.isEmpty { mkdirs(f + "/" + img) }
    if masks.isEmpty { mkdirs(f + "/" + msk) }
}
func times(_ x: Bytes, _ n: Int) -> [Bytes] { Array(repeating: x, count: n) }
let JPEGS: [(String, [Bytes], [Bytes], String)] = [
    ("truncated-half", times(Bytes(G[0..<G.count / 2]), 2), times(M, 2), "error"),
    ("truncated-no-eoi", times(Bytes(G[0..<G.count - 2]), 2), times(M, 2), "error"),
    ("only-soi", times([0xFF, 0xD8], 2), times(M, 2), "error"),
    ("zero-bytes", times([], 2), times(M, 2), "error"),
    ("png-named-jpg", times(jpeg("png"), 2), times(M, 2), "error"),
    ("cmyk", times(jpeg("cmyk"), 2), times(M, 2), "error"),
    ("corrupt-scan", times(flip(G, G.count - 20), 2), times(M, 2), "any"),
    ("corrupt-huffman-table", times(flip(G, 160), 2), times(M, 2), "any"),
    ("sof-65500x65500", times(sofSize(G, 65500, 65500), 2), times(M, 2), "error"),
    ("sof-0x0", times(sofSize(G, 0, 0), 2), times(M, 2), "error"),
    ("sof-20000x20000", times(sofSize(G, 20000, 20000), 2), times(M, 2), "error"),
    ("sizes-differ", [G, jpeg("1x1")], times(M, 2), "error"),
    ("mask-size-differs", times(G, 2), times(jpeg("1x1"), 2), "error"),
    ("slice-counts-differ", times(G, 3), times(M, 2), "error"),
    ("empty-image-folder", [], times(M, 2), "error"),
    ("empty-mask-folder", times(G, 2), [], "error"),
    ("progressive", times(jpeg("prog"), 2), times(M, 2), "any"),
    ("rgb", times(jpeg("rgb"), 2), times(M, 2), "any"),
    ("one-pixel", times(jpeg("1x1"), 2), times(jpeg("1x1"), 2), "any"),
    // (the prototype's expression for this mask list evaluates to the grey image twice)
    ("mask-all-black", times(G, 2), times(G, 2), "any"),
]
for (n, (what, imgs, masks, exp)) in JPEGS.enumerated() {
    add("160-jpeg-\(two(n))-\(what)", "JPEG stack: \(what)", expect: exp, image: "us", mask: "us_mask") { stack($0, imgs, masks) }
}
add("161-jpeg-non-jpeg-files-only", "JPEG folder holding .png and .txt only", image: "us", mask: "us_mask") {
    put($0, "us/a.png", jpeg("png")); put($0, "us/b.txt", b("x")); stack($0, [], [M])
}
add("162-jpeg-mask-nifti-mismatch", "JPEG image with a NIfTI mask of another size", image: "us", mask: "us_mask.nii.gz") {
    stack($0, times(G, 2), []); rmdir($0 + "/us_mask"); put($0, "us_mask.nii.gz", validMaskGz)
}

// MARK: - seeds for tools/fuzz

func jpegSeeds(_ d: String) {
    mkdirs(d)
    for (k, x) in JPEG where k != "png" { writeFile(d + "/" + k + ".jpg", x) }
}

/// Small valid NIfTI files (8×8×4): every datatype, both byte orders, NIfTI-2, gzip and plain, 2-D and 4-D.
func niftiSeeds(_ d: String) {
    mkdirs(d)
    let dims = [8, 8, 4]
    let vals: [Double] = (0..<(8 * 8 * 4)).map { (i: Int) -> Double in Double((i * 37) % 50 - 10) }
    let m = sphereMask(dims, radius: 2.5)
    var files: [(String, Bytes)] = [
        ("mask-u8", nifti1(m, dims: dims, dtype: "uint8")), ("mask-label2", nifti1(m.map { 2 * $0 }, dims: dims, dtype: "int16")),
        ("be-int16", nifti1(vals, dims: dims, big: true)), ("nifti2", nifti2(vals, dims: dims)),
        ("nifti2-mask", nifti2(m, dims: dims, dtype: "uint8")), ("scaled", nifti1(vals, dims: dims, slope: 0.5, inter: 3.0)),
        ("qform", nifti1(vals, dims: dims, qformCode: 1, sformCode: 0, quat: [0, 0, 1])),
        ("2d", nifti1(Array(vals[0..<64]), dims: [8, 8])), ("4d", nifti1(vals + vals, dims: [8, 8, 4, 2])),
        ("float-nan", nifti1(vals.enumerated().map { (k, v) -> Double in k == 5 ? Double.nan : v }, dims: dims, dtype: "float32")),
    ]
    for (dt, _, _, _) in DT {
        let v = dt.hasPrefix("u") ? vals.map { abs($0) } : vals
        files.append(("dt-" + dt, nifti1(dt == "uint8" ? m : v, dims: dims, dtype: dt)))
    }
    for (k, x) in files {
        writeFile(d + "/" + k + ".nii", x)
        writeFile(d + "/" + k + ".nii.gz", gz(x))
    }
}

func manifestSeeds(_ d: String) {
    mkdirs(d)
    for (n, (what, body)) in MANIFESTS.enumerated() {
        let x: Bytes
        switch body {
        case .huge: continue
        case let .raw(r): x = r
        case let .json(j): x = b(dumps(j))
        }
        if x.count < 20000 { writeFile(d + "/\(two(n))-\(what).json", x) }
    }
    let full: J = .o([
        ("study_id", .s("HCC-001")),
        ("phases", .a([
            .o([("name", .s("venous")), ("image", .s("venous.nii.gz")), ("mask", .s("venous_mask.nii.gz")),
                ("liver_mask", .s("venous_liver.nii.gz")), ("modality", .s("CT")), ("label", .i(1))]),
            .o([("name", .s("us")), ("image", .s("us")), ("mask", .s("us_mask")), ("modality", .s("US")),
                ("spacing", .a([.d(0.2), .d(0.2), .i(1)]))]),
            .o([("name", .s("inside")), ("image", .s("inside.nii.gz")), ("mask", .s("sibling/secret.nii.gz"))]),
        ])),
        ("clinical", .o([("afp", .o([("value", .i(520)), ("unit", .s("ng/mL"))])), ("albumin", .o([("value", .i(35)), ("unit", .s("g/L"))]))])),
        ("overrides", .o([("tumour_count", .i(2)), ("largest_diameter_cm", .d(6.5))])),
    ])
    writeFile(d + "/full.json", b(dumps(full, indent: 1)))
}

func configSeeds(_ d: String) {
    mkdirs(d)
    let confs: [(String, String)] = [
        ("minimal.json", "{}"),
        ("share.json", #"{"watch": [{"path": "/srv/share", "kind": "share"}], "state_dir": "/var/lib/x", "output_dir": "/var/lib/y", "status_file": "/run/x.json", "quiet_seconds": 0, "rescan_seconds": 0.1, "max_attempts": 1, "preset": "ibsi-ct-a", "label": 2, "margin_mm": 0, "self_test_at_start": false}"#),
        ("model.json", #"{"model": {"path": "/etc/hccedge/model.json", "id": "m", "hash": "sha256:00"}, "leds": {"chip": "gpiochip0", "consumer": "c", "lines": {"green": {"offset": 1, "active_low": true}, "busy": {"offset": 4}}}}"#),
        ("unknown-key.json", #"{"watchh": []}"#),
        ("bad-kind.json", #"{"watch": [{"path": "/x", "kind": "floppy"}]}"#),
    ]
    for (k, v) in confs { writeFile(d + "/" + k, b(v)) }
}

// MARK: - main

func usage() -> Never {
    FileHandle.standardError.write(Data("""
        usage: bad-input-corpus OUTDIR          a deterministic corpus of malformed and adversarial study folders
               bad-input-corpus --nifti-seeds|--jpeg-seeds|--manifest-seeds|--config-seeds DIR

        """.utf8))
    exit(2)
}

func removeTree(_ path: String) {
    // rm -rf: never follows the corpus's symlinks (one points at /).
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/rm")
    p.arguments = ["-rf", "--", path]
    do { try p.run() } catch { fail("rm -rf \(path): \(error)") }
    p.waitUntilExit()
    if p.terminationStatus != 0 { fail("rm -rf \(path) failed") }
}

let args = Array(CommandLine.arguments.dropFirst())
if args.count == 2 {
    switch args[0] {
    case "--jpeg-seeds": jpegSeeds(args[1]); exit(0)
    case "--nifti-seeds": niftiSeeds(args[1]); exit(0)
    case "--manifest-seeds": manifestSeeds(args[1]); exit(0)
    case "--config-seeds": configSeeds(args[1]); exit(0)
    default: usage()
    }
}
if args.count != 1 || args[0].hasPrefix("-") { usage() }
let out = URL(fileURLWithPath: args[0]).standardizedFileURL.path
if FileManager.default.fileExists(atPath: out) { removeTree(out) }
OUTSIDE = out + "/outside"
mkdirs(out + "/studies")
mkdirs(OUTSIDE + "/jpegs")
// What escaping paths point at: valid files, so a reader that follows them would succeed (and be caught).
put(OUTSIDE, "secret.nii.gz", fullGz)
put(OUTSIDE, "secret_mask.nii.gz", validMaskGz)
put(OUTSIDE, "jpegs/s0.jpg", G)
var tsv = "case\texpect\timage\tmask\tlabel\tdescription\n"
var names = Set<String>()
for c in CASES {
    guard names.insert(c.name).inserted else { fail("duplicate case \(c.name)") }
    let f = out + "/studies/" + c.name
    mkdirs(f)
    c.build(f)
    tsv += [c.name, c.expect, c.image, c.mask, c.label.map(String.init) ?? "-", c.desc.replacingOccurrences(of: "\t", with: " ")]
        .joined(separator: "\t") + "\n"
}
writeFile(out + "/cases.tsv", b(tsv))
print("\(CASES.count) cases in \(out)")
