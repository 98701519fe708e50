import ArgumentParser
import Imaging

/// `hccedge inspect`: what is in a NIfTI file, in words a technician can check against the scanner console.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show dims, spacing, datatype, orientation and value range of NIfTI files; with --mask, load only the ROI.",
        discussion: """
            Each FILE's header is checked and its voxels are streamed once (value range; for a mask or label map the \
            voxel count and volume in mL). Orientation letters name the direction each voxel axis (i, j, k) points \
            toward in the NIfTI RAS+ world, e.g. LPS for a DICOM-ordered CT.
            With --mask, FILE is an image and only the mask's bounding box (plus --margin) is read from it, the way \
            `extract` and `assess` load it: ROI voxel count, volume, crop and value range inside the ROI.
            Research use only.
            """)

    @Argument(help: "NIfTI files (.nii, .nii.gz, .hdr); with --mask: one image (NIfTI or JPEG folder/file).") var files: [String]
    @Option(help: "Mask on the image's grid: report the ROI instead of the whole file.") var mask: String?
    @Option(help: "Keep only this label of the mask (default: every non-zero voxel).") var label: Int?
    @Option(help: "Margin around the ROI to read, in mm.") var margin: Double = 0
    @Option(help: "Voxel spacing for JPEG input, mm: x,y,z.") var spacing: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file") }
        if mask != nil && files.count != 1 { throw ValidationError("--mask takes exactly one image") }
        if spacing != nil, parsedSpacing == nil { throw ValidationError("--spacing must be three positive numbers: x,y,z") }
    }

    var parsedSpacing: Spacing? {
        guard let s = spacing else { return nil }
        let parts = s.split(separator: ",").compactMap { Double(String($0.filter { $0 != " " })) }
        guard parts.count == 3, parts.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        return Spacing(parts[0], parts[1], parts[2])
    }

    func run() throws {
        if let m = mask {
            let r = try CLIFailure.guarding {
                try Ingest.load(imagePath: files[0], maskPath: m, label: label, marginMM: margin, spacing: parsedSpacing)
            }
            for line in Self.roiLines(r, image: files[0], mask: m) { print(line) }
            return
        }
        var failed = false
        for f in files {
            do {
                if JPEGStack.isJPEGInput(f) {
                    let (g, luma) = try JPEGStack.load(f, spacing: parsedSpacing ?? Spacing(1, 1, 1))
                    let inside = luma.reduce(0) { $0 + ($1 >= 128 ? 1 : 0) }
                    print("\(f):")
                    print("  format      JPEG \(g.dims.z == 1 ? "image" : "slice stack") (luma 0…255)")
                    print("  dims        \(g.dims.x) × \(g.dims.y) × \(g.dims.z) voxels")
                    print("  values      \(luma.min() ?? 0) … \(luma.max() ?? 0); \(inside) voxels ≥ 128 (inside, as a mask)")
                    continue
                }
                for line in try NIfTISummary.of(f).lines { print(line) }
            } catch {
                printError("hccedge: error: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func roiLines(_ r: ImageWithMask, image: String, mask: String) -> [String] {
        let g = r.image.geometry, d = g.dims, s = g.spacing, o = r.image.offsetInFile
        let n = r.mask.count
        var lo = Int32.max, hi = Int32.min
        for (v, m) in zip(r.image.voxels, r.mask.voxels) where m != 0 { lo = min(lo, v); hi = max(hi, v) }
        let mL = Double(n) * s.voxelVolume / 1000
        return [
            "\(image) with \(mask):",
            "  ROI         \(n) voxels, \(((mL * 1000).rounded()) / 1000) mL",
            "  crop        \(d.x) × \(d.y) × \(d.z) voxels from voxel (\(o.x), \(o.y), \(o.z)) of the file",
            "  spacing     \(s.x) × \(s.y) × \(s.z) mm, orientation \(Orientation.code(g.direction))",
            "  values      \(Double(lo) * r.image.unit) … \(Double(hi) * r.image.unit) inside the ROI",
        ]
    }
}
