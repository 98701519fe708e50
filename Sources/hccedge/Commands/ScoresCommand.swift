import ArgumentParser
import Clinical
import FoundationEssentials

/// `hccedge scores`: the validated clinical scores and the pre-TACE quick check, without images.
struct ScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract: "Validated clinical scores (ALBI, HAP, mHAP-II, six-and-twelve, up-to-7/11, TBS, ALBI-TAE, Child-Pugh) and the pre-TACE quick check. Research use only.",
        discussion: "Every laboratory value needs its unit; a missing input leaves the scores that need it 'not computed'.")

    @Option(help: "Serum albumin.") var albumin: Double?
    @Option(help: "Albumin unit: g/L or g/dL.") var albuminUnit: String?
    @Option(help: "Total bilirubin.") var bilirubin: Double?
    @Option(help: "Bilirubin unit: umol/L or mg/dL.") var bilirubinUnit: String?
    @Option(help: "Alpha-fetoprotein.") var afp: Double?
    @Option(help: "AFP unit: ng/mL (= ug/L).") var afpUnit: String?
    @Option(help: "AST.") var ast: Double?
    @Option(help: "AST unit: U/L.") var astUnit: String?
    @Option(help: "INR (unitless).") var inr: Double?
    @Option(help: "Ascites: none, mild, moderate-severe.") var ascites: String?
    @Option(help: "Hepatic encephalopathy: none, grade-1-2, grade-3-4.") var encephalopathy: String?
    @Option(help: "Largest tumour diameter in cm.") var diameterCm: Double?
    @Option(help: "Number of tumours.") var count: Int?
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        func lab(_ v: Double?, _ u: String?) -> LabValue? { v.map { LabValue($0, u) } }
        var asc: Ascites?, enc: Encephalopathy?
        if let a = ascites {
            guard let x = Ascites(rawValue: a) else { throw ValidationError("--ascites must be one of: none, mild, moderate-severe") }
            asc = x
        }
        if let e = encephalopathy {
            guard let x = Encephalopathy(rawValue: e) else { throw ValidationError("--encephalopathy must be one of: none, grade-1-2, grade-3-4") }
            enc = x
        }
        // A unit given without its value is a typing slip worth refusing.
        for (name, v, u) in [("albumin", albumin, albuminUnit), ("bilirubin", bilirubin, bilirubinUnit),
                             ("afp", afp, afpUnit), ("ast", ast, astUnit)] where v == nil && u != nil {
            throw ValidationError("--\(name)-unit given without --\(name)")
        }
        let values = ClinicalValues(albumin: lab(albumin, albuminUnit), bilirubin: lab(bilirubin, bilirubinUnit),
                                    afp: lab(afp, afpUnit), ast: lab(ast, astUnit), inr: inr, ascites: asc, encephalopathy: enc)
        let report = try CLIFailure.guarding { try ScoreReport.make(values, TumourBurden(largestDiameterCm: diameterCm, count: count)) }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let data = try enc.encode(report)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text, terminator: "")
        }
    }
}
