// make-synthetic-cohort OUTDIR N SEED — writes a SYNTHETIC cohort whose outcome follows a known law
// (Clinical.SyntheticCohort): one folder per study with image.nii.gz, mask.nii.gz and study.json, plus
// cohort-truth.csv (the latent values and outcome) and features-synthetic.csv (a wide CSV with the law's features,
// for `hccedge train` without images). Every file says "synthetic". Research use only.
import Clinical
import FoundationEssentials
import Imaging
import Radiomics
#if canImport(Glibc)
import Glibc
#endif

func fail(_ s: String) -> Never {
    var line = "make-synthetic-cohort: \(s)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(1)
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count == 3, let n = Int(args[1]), n > 0, n <= 100_000, let seed = UInt64(args[2]) else {
    fail("usage: make-synthetic-cohort OUTDIR N SEED   (1 ≤ N ≤ 100000, SEED a non-negative integer)")
}
let out = args[0]
func mkdirs(_ path: String) {
    var cur = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        cur += "/" + part
        if mkdir(cur, 0o755) != 0 && errno != EEXIST { fail("\(cur): cannot create folder: \(FileIO.errnoText())") }
    }
}
mkdirs(out)

/// One study's CT-like image (HU, integer) and tumour mask: liver background 60 HU (SD 8), tumours as spheres at
/// 95 HU with voxel noise SD 12·e^(0.35·h) — the texture that carries the law — on a 64×64×24 grid, 0.8×0.8×2.5 mm.
func synthesise(_ s: SyntheticStudy) -> (Volume, Mask) {
    var rng = SplitMix64(seed: s.imageSeed)
    let dims = Dims(64, 64, 24)
    let g = Geometry(dims: dims, spacing: Spacing(0.8, 0.8, 2.5))
    var vox = [Int32](repeating: 0, count: dims.count)
    var mask = [UInt8](repeating: 0, count: dims.count)
    let sd = 12 * DetMath.exp(0.35 * s.heterogeneity)
    // Largest tumour radius from the stated diameter (mm); a second one, when present, has half the diameter.
    let r1 = min(s.diameterCm * 10 / 2, 24.0)
    var centres: [(Double, Double, Double, Double)] = [(25.6, 25.6, 30, r1)]
    if s.count > 1 { centres.append((40, 40, 30, min(r1 / 2, 8))) }
    for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
        let x = Double(i) * 0.8, y = Double(j) * 0.8, z = Double(k) * 2.5
        let idx = dims.index(i, j, k)
        var inside = false
        for c in centres { let dx = x - c.0, dy = y - c.1, dz = z - c.2; if dx * dx + dy * dy + dz * dz <= c.3 * c.3 { inside = true } }
        let v = inside ? 95 + sd * rng.normal() : 60 + 8 * rng.normal()
        vox[idx] = Int32(max(-1024, min(3000, v.rounded())))
        mask[idx] = inside ? 1 : 0
    } } }
    return (Volume(geometry: g, voxels: vox), Mask(geometry: g, voxels: mask))
}

/// `study.json` in the layout `Imaging.Study` reads (study_id, phases, clinical with units), plus the synthetic flag
/// and the true latent values (ignored by the reader).
struct StudyFile: Codable {
    var synthetic = true
    var research_use_only = "RESEARCH USE ONLY - SYNTHETIC data, not a patient"
    var study_id: String
    var phases: [Phase]
    var clinical: ClinicalValues
    var truth: Truth
    struct Phase: Codable { var name: String; var image: String; var mask: String; var modality: String }
    struct Truth: Codable { var law: String; var heterogeneity: Double; var afp_gt_400: Int; var outcome: Int }
}

let studies = SyntheticCohort.generate(count: n, seed: seed)
let enc = JSONEncoder()
enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
var truth = "study,heterogeneity,afp_ng_ml,afp_gt_400,largest_diameter_cm,count,outcome,synthetic\n"
for s in studies {
    let dir = out + "/" + s.id
    mkdirs(dir)
    let (img, msk) = synthesise(s)
    do {
        try NIfTIWriter.write(img, path: dir + "/image.nii.gz")
        try NIfTIWriter.write(msk, path: dir + "/mask.nii.gz")
        let file = StudyFile(study_id: s.id, phases: [.init(name: "venous", image: "image.nii.gz", mask: "mask.nii.gz", modality: "CT")],
                             clinical: ClinicalValues(albumin: LabValue(s.albumin, "g/L"), bilirubin: LabValue(s.bilirubin, "umol/L"),
                                                      afp: LabValue(s.afp, "ng/mL")),
                             truth: .init(law: SyntheticCohort.law, heterogeneity: s.heterogeneity, afp_gt_400: s.afpGt400, outcome: s.outcome))
        try FileIO.writeAtomically(Array(try enc.encode(file)) + [10], to: dir + "/study.json")
    } catch { fail("\(error)") }
    truth += "\(s.id),\(s.heterogeneity),\(s.afp),\(s.afpGt400),\(s.diameterCm),\(s.count),\(s.outcome),1\n"
}
do {
    try FileIO.writeAtomically(truth, to: out + "/cohort-truth.csv")
    try FileIO.writeAtomically(SyntheticCohort.wideCSV(studies), to: out + "/features-synthetic.csv")
    try FileIO.writeAtomically("SYNTHETIC cohort (\(n) studies, seed \(seed)) made by make-synthetic-cohort.\nLaw: \(SyntheticCohort.law)\nNot patient data. Research use only.\n", to: out + "/README-SYNTHETIC.txt")
} catch { fail("\(error)") }
print("wrote \(n) SYNTHETIC studies to \(out) (law: \(SyntheticCohort.law))")
