import ArgumentParser
import Imaging
import Radiomics

/// `hccedge extract`: IBSI features of one image + mask to CSV.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Compute IBSI radiomics features of an image and mask (research use only).")

    @Option(help: "Image file (.nii, .nii.gz, .hdr, or a JPEG slice folder).") var image: String
    @Option(help: "Mask file on the same grid.") var mask: String
    @Option(help: "Keep only this label of the mask (default: every non-zero voxel).") var label: Int?
    @Option(help: "Built-in settings: \(ExtractionSettings.presets.keys.sorted().joined(separator: ", ")).") var preset: String?
    @Option(help: "Settings file (JSON) with the same fields as the presets.") var settings: String?
    @Option(help: "Output CSV file.") var output: String
    @Option(help: "long (tag,ibsi_id,aggregation,value) or wide (one row per ROI).") var format: String = "long"

    func validate() throws {
        if (preset == nil) == (settings == nil) { throw ValidationError("give exactly one of --preset or --settings") }
        if let p = preset, ExtractionSettings.presets[p] == nil {
            throw ValidationError("unknown preset '\(p)'; known: \(ExtractionSettings.presets.keys.sorted().joined(separator: ", "))")
        }
        if format != "long" && format != "wide" { throw ValidationError("--format must be long or wide") }
    }

    func run() throws {
        let s: ExtractionSettings
        if let p = preset { s = ExtractionSettings.presets[p]! } else { s = try SettingsFile.load(settings!) }
        // One step, so the file's crop is released before the feature families run (peak memory).
        let features = try CLIFailure.guarding { try Extractor.extract(image: image, mask: mask, label: label, settings: s) }
        for f in features where f.value == nil {
            printError("\(f.tag)\(f.aggregation.isEmpty ? "" : " [\(f.aggregation)]"): \(f.reason ?? "undefined")")
        }
        let text = format == "wide"
            ? FeatureCSV.wide(features, keys: [("image", image), ("settings", s.name)])
            : FeatureCSV.long(features)
        try CLIFailure.guarding { try FileIO.writeAtomically(text, to: output) }
    }
}
