import Imaging

extension StudyInput {
    /// Clinical values named in `study.json` that the scores read (others are kept in the manifest only).
    static let knownLabs = ["albumin", "bilirubin", "afp", "ast", "inr"]

    /// The assessment's view of a study folder opened by `Study.open` (manifest or name pairing).
    /// Unknown clinical names are returned as warnings, never guessed.
    public static func from(_ s: Study) -> (input: StudyInput, warnings: [String]) {
        var c = ClinicalValues()
        var warnings: [String] = []
        for (name, v) in s.clinical {
            let lab = LabValue(v.value, v.unit.isEmpty ? nil : v.unit)
            switch name.lowercased() {
            case "albumin": c.albumin = lab
            case "bilirubin": c.bilirubin = lab
            case "afp": c.afp = lab
            case "ast": c.ast = lab
            case "inr": c.inr = v.value
            default: warnings.append("clinical value '\(name)' is not used by any score")
            }
        }
        let phases = s.phases.map {
            PhaseInput(name: $0.name, image: $0.image, mask: $0.mask, liverMask: $0.liverMask,
                       modality: $0.modality ?? "CT", spacing: $0.spacing.map { [$0.x, $0.y, $0.z] }, label: $0.label)
        }
        let override: TumourBurden? = (s.tumourCount == nil && s.largestDiameterCM == nil) ? nil
            : TumourBurden(largestDiameterCm: s.largestDiameterCM, count: s.tumourCount)
        return (StudyInput(id: s.id, phases: phases, clinical: c, burdenOverride: override), warnings)
    }
}
