import Testing
@testable import Imaging
#if canImport(Glibc)
import Glibc
#endif

@Suite struct StudyTests {
    static let g = Geometry(dims: Dims(3, 3, 2), spacing: Spacing(1, 1, 1))
    static func nifti(_ path: String, mask: Bool = false) throws {
        let v: [Double] = (0..<18).map { mask ? ($0 == 4 || $0 == 13 ? 1 : 0) : Double($0) }
        try NIfTIWriter.write(path: path, geometry: g, values: v, datatype: .uint8)
    }

    @Test func manifestWithPhasesClinicalAndOverrides() throws {
        let tmp = TempDir()
        try Self.nifti(tmp.file("art.nii.gz")); try Self.nifti(tmp.file("art_m.nii.gz"), mask: true)
        try Self.nifti(tmp.file("ven.nii")); try Self.nifti(tmp.file("ven_m.nii"), mask: true)
        try Self.nifti(tmp.file("liver.nii.gz"), mask: true)
        writeBytes(Array("""
        { "study_id": "HCC-007",
          "phases": [ { "name": "arterial", "image": "art.nii.gz", "mask": "art_m.nii.gz", "modality": "CT" },
                      { "name": "venous", "image": "./ven.nii", "mask": "ven_m.nii", "liver_mask": "liver.nii.gz",
                        "modality": "CT", "label": 1 } ],
          "clinical": { "bilirubin": { "value": 17.1, "unit": "µmol/L" }, "afp": { "value": 520, "unit": "ng/mL" } },
          "overrides": { "tumour_count": 2, "largest_diameter_cm": 6.5 } }
        """.utf8), tmp.file("study.json"))
        let s = try Study.open(tmp.path)
        #expect(s.id == "HCC-007")
        #expect(s.phases.map(\.name) == ["arterial", "venous"])
        #expect(s.phases[1].liverMask == tmp.path + "/liver.nii.gz" && s.phases[1].label == 1)
        #expect(s.clinical.map(\.name) == ["afp", "bilirubin"])
        #expect(s.clinical[1].value == Study.ClinicalValue(value: 17.1, unit: "µmol/L"))
        #expect(s.tumourCount == 2 && s.largestDiameterCM == 6.5)
        let r = try Ingest.load(imagePath: s.phases[1].image, maskPath: s.phases[1].mask, label: s.phases[1].label)
        #expect(r.mask.count == 2 && r.image.voxels == [4, 13])
    }

    @Test(arguments: [
        ("/etc/passwd", "must be relative"),
        ("../outside.nii", "must not contain '..'"),
        ("sub/../../outside.nii", "must not contain '..'"),
        ("link.nii", "resolves outside the study folder"),
        ("missing.nii", "not found in the study folder"),
    ])
    func manifestPathsStayInside(_ path: String, _ words: String) throws {
        let outer = TempDir()
        mkdir(outer.file("study"), 0o755)
        let folder = outer.file("study")
        try Self.nifti(outer.file("outside.nii"))
        try Self.nifti(folder + "/m.nii", mask: true)
        symlink(outer.file("outside.nii"), folder + "/link.nii")
        writeBytes(Array("""
        { "phases": [ { "name": "venous", "image": "\(path)", "mask": "m.nii" } ] }
        """.utf8), folder + "/study.json")
        let e = errorText { _ = try Study.open(folder) }
        #expect(e?.contains("study.json: ") == true && e?.contains(words) == true, "\(e ?? "no error")")
    }

    @Test func badManifests() throws {
        let tmp = TempDir()
        for (text, words) in [("{ \"phases\": [ { \"name\": \"v\", \"image\": \"a.nii\" } ] }", "missing field 'phases.0.mask'"),
                              ("{ nope", "not valid JSON"),
                              ("{ \"phases\": [] }", "no phases listed"),
                              ("{ \"phases\": [ { \"name\": \"v\", \"image\": 3, \"mask\": \"m\" } ] }", "wrong type")] {
            writeBytes(Array(text.utf8), tmp.file("study.json"))
            let e = errorText { _ = try Study.open(tmp.path) }
            #expect(e?.contains(words) == true, "\(e ?? "no error")")
        }
    }

    @Test func pairingByName() throws {
        let tmp = TempDir()
        try Self.nifti(tmp.file("venous.nii.gz")); try Self.nifti(tmp.file("venous_mask.nii.gz"), mask: true)
        try Self.nifti(tmp.file("arterial.nii")); try Self.nifti(tmp.file("arterial_seg.nii"), mask: true)
        try Self.nifti(tmp.file("venous_liver.nii.gz"), mask: true)
        writeBytes(Array("notes".utf8), tmp.file("README.txt"))
        let s = try Study.open(tmp.path)
        #expect(s.phases.map(\.name) == ["arterial", "venous"])
        #expect(s.phases[0].mask == tmp.path + "/arterial_seg.nii")
        #expect(s.phases[1].liverMask == tmp.path + "/venous_liver.nii.gz")
        #expect(s.clinical.isEmpty && s.id.hasPrefix("hccedge-test-"))
        try Self.nifti(tmp.file("delayed.nii.gz"))
        let e = errorText { _ = try Study.open(tmp.path) }
        #expect(e?.contains("delayed.nii.gz: no mask next to it") == true, "\(e ?? "no error")")
    }
}
