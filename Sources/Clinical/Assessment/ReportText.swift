import Radiomics

/// `report.txt`: the assessment in plain words for the radiologist and the technician.
enum ReportText {
    static func make(_ r: AssessmentResult) -> String {
        var s = """
        hccedge assessment — RESEARCH USE ONLY, not for diagnosis or treatment decisions
        study: \(r.study)
        answer: \(r.category.rawValue.uppercased()) (pre-TACE quick check from validated scores)

        """
        for x in r.reasons { s += "  \(x)\n" }
        s += "\ntumour burden used by the scores: "
        s += "largest \(r.tumourBurden.largestDiameterCm.map { Scores.fmt($0, digits: 1) + " cm" } ?? "?"), "
        s += "count \(r.tumourBurden.count.map(String.init) ?? "?") (from \(r.tumourBurdenSource))\n"
        for p in r.phases {
            s += "\nphase \(p.name) (\(p.modality), settings \(p.settings)): \(p.lesions.count) lesion(s)\n"
            for l in p.lesions {
                s += "  lesion \(l.rank): \(Scores.fmt(l.volumeML, digits: 1)) mL, longest axial \(Scores.fmt(l.longestAxialDiameterCM, digits: 1)) cm, "
                s += "max 3D \(Scores.fmt(l.maximum3DDiameterCM, digits: 1)) cm, largest on slice \(l.largestSlice)\n"
            }
            s += "  features: \(p.featureCount) (\(p.undefinedFeatures) undefined for this ROI); ring voxels: \(p.ringVoxels)\n"
        }
        if let sc = r.scores { s += "\n" + sc.text } else if let e = r.scoresError { s += "\nscores not computed: \(e)\n" }
        if let m = r.model {
            s += "\nmodel \(m.id) \(m.version)\(m.synthetic ? " (SYNTHETIC — trained on synthetic data)" : ""), sha256 \(m.sha256.prefix(16))…: "
            if let p = m.probability, let l = m.light { s += "p = \(Scores.fmt(p, digits: 3)) → \(l.rawValue)\n" } else { s += "not applied: \(m.error ?? "")\n" }
        } else {
            s += "\nno radiomics model installed (the box ships none; a site-trained model is reported beside the scores)\n"
        }
        for w in r.warnings { s += "warning: \(w)\n" }
        s += "\n\(r.software)\n"
        return s
    }
}
