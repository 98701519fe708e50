// make-bench-cases OUTDIR — writes the synthetic benchmark cases, deterministically (own integer PRNG, no libm):
//   OUTDIR/case_5cm/{image,mask}.nii.gz and OUTDIR/case_10cm/{image,mask}.nii.gz
// Each: 512×512×160 int16 CT at 0.75×0.75×2.5 mm, LPS axes like a DICOM export. Air −1000 HU outside a body
// ellipse, soft tissue ≈ 40 HU, liver ≈ 60 HU, correlated noise σ ≈ 20 HU (3×3 in-plane box blur of uniform
// white noise), and an irregular heterogeneous lesion (union of five spheres: hypodense core ≈ 25 HU, enhancing
// rim ≈ 95 HU) of the given diameter in the liver. Mask: uint8, 1 in the lesion.
import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64: a tiny deterministic integer generator.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform integer in −a…a.
    mutating func uniform(_ a: Int) -> Int { Int(next() % UInt64(2 * a + 1)) - a }
}

let nx = 512, ny = 512, nz = 160
let sx = 0.75, sy = 0.75, sz = 2.5
// Voxel (i, j, k) → position in micrometres relative to the grid centre (integers keep geometry exact).
@inline(__always) func umX(_ i: Int) -> Int { (2 * i - nx + 1) * 375 }     // 0.75 mm / 2 = 375 µm
@inline(__always) func umY(_ j: Int) -> Int { (2 * j - ny + 1) * 375 }
@inline(__always) func umZ(_ k: Int) -> Int { k * 2500 }

func makeCase(diameterMM: Int, centreSlice: Int, seed: UInt64, dir: String) throws {
    mkdir(dir, 0o755)
    var rng = SplitMix64(state: seed)
    var image = [Int16](repeating: -1000, count: nx * ny * nz)
    var mask = [UInt8](repeating: 0, count: nx * ny * nz)
    let d = diameterMM * 1000                           // µm
    // Lesion: centre in the liver; main sphere r = 0.4·D plus four lobes r = 0.25·D offset 0.25·D.
    let c = (-60_000, 10_000, umZ(centreSlice))
    let lobes: [(Int, Int, Int, Int)] = [
        (0, 0, 0, d * 4 / 10),
        (d / 4, 0, 0, d / 4), (0, -d / 4, 0, d / 4), (0, 0, -d / 4, d / 4), (-d / 6, d / 6, d / 6, d / 4),
    ]
    let coreR = d * 2 / 10
    var white = [Int](repeating: 0, count: (nx + 2) * (ny + 2))
    for k in 0..<nz {
        for n in 0..<white.count { white[n] = rng.uniform(104) }   // σ_white ≈ 60; 3×3 mean → σ ≈ 20
        let z = umZ(k)
        for j in 0..<ny {
            let y = umY(j)
            for i in 0..<nx {
                let x = umX(i)
                // Body: ellipse 340 × 240 mm; liver: ellipsoid 180 × 150 × 250 mm on the patient's right.
                let bx = Double(x) / 170_000, by = Double(y) / 120_000
                guard bx * bx + by * by <= 1 else { continue }
                let lx = Double(x - (-60_000)) / 90_000, ly = Double(y - 10_000) / 75_000, lz = Double(z - 125_000) / 125_000
                let inLiver = lx * lx + ly * ly + lz * lz <= 1
                var hu = inLiver ? 60 : 40
                var inLesion = false
                for (ox, oy, oz, r) in lobes {
                    let dx = Int64(x - c.0 - ox), dy = Int64(y - c.1 - oy), dz = Int64(z - c.2 - oz)
                    if dx * dx + dy * dy + dz * dz <= Int64(r) * Int64(r) { inLesion = true; break }
                }
                if inLesion {
                    let dx = Int64(x - c.0), dy = Int64(y - c.1), dz = Int64(z - c.2)
                    hu = dx * dx + dy * dy + dz * dz <= Int64(coreR) * Int64(coreR) ? 25 : 95
                }
                var s = 0
                for b in 0..<3 { for a in 0..<3 { s += white[(j + b) * (nx + 2) + i + a] } }
                let idx = (k * ny + j) * nx + i
                image[idx] = Int16(hu + s / 9)
                if inLesion { mask[idx] = 1 }
            }
        }
    }
    // LPS: i → patient left, j → posterior (NIfTI RAS+ world: both axes negative), k → head.
    let g = Geometry(dims: Dims(nx, ny, nz), spacing: Spacing(sx, sy, sz), origin: (191.625, 191.625, -200),
                     direction: [[-1, 0, 0], [0, -1, 0], [0, 0, 1]])
    try image.withUnsafeBytes {
        // gzip level 1: inflates as fast as level 6, deflates 4× faster (the cases are written in seconds).
        try NIfTIWriter.writeRaw(path: dir + "/image.nii.gz", geometry: g, datatype: .int16, native: $0, compressionLevel: 1)
    }
    try NIfTIWriter.write(Mask(geometry: g, voxels: mask), path: dir + "/mask.nii.gz")
    let count = mask.reduce(0) { $0 + Int($1) }
    print("\(dir): lesion \(diameterMM) mm, \(count) voxels (\(Double(count) * sx * sy * sz / 1000) mL)")
}

let args = CommandLine.arguments
guard args.count == 2 else {
    print("usage: make-bench-cases OUTDIR")
    exit(2)
}
let out = args[1]
mkdir(out, 0o755)
do {
    try makeCase(diameterMM: 50, centreSlice: 40, seed: 5, dir: out + "/case_5cm")
    try makeCase(diameterMM: 100, centreSlice: 50, seed: 10, dir: out + "/case_10cm")
} catch {
    var line = "make-bench-cases: error: \(error)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(1)
}
