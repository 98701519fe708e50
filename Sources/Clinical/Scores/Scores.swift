import Radiomics

/// The result of one validated score: its value, points and group, or why it was not computed.
public struct ScoreResult: Codable, Sendable, Equatable {
    /// Short name, e.g. `ALBI`, `HAP`, `mHAP-II`.
    public var name: String
    /// Publication the definition follows.
    public var citation: String
    /// False when an input is missing; `reason` then says which ("not computed: needs albumin").
    public var computed: Bool
    /// Continuous value (ALBI score, size + number, tumour burden score), when the score has one.
    public var value: Double?
    /// Points (HAP, mHAP-II, ALBI-TAE, Child-Pugh), when the score counts points.
    public var points: Int?
    /// Group as published: `1`…`3` (ALBI grade), `A`…`D`, `within`/`beyond`.
    public var group: String?
    /// 0-based rank of the group, low risk first (for rules and sorting).
    public var rank: Int?
    /// Each component with its cut-off, for the report.
    public var details: [String]
    public var reason: String?

    static func notComputed(_ name: String, _ citation: String, needs: [String]) -> ScoreResult {
        ScoreResult(name: name, citation: citation, computed: false, value: nil, points: nil, group: nil, rank: nil,
                    details: [], reason: "not computed: needs " + needs.joined(separator: ", "))
    }
}

/// Validated clinical scores for HCC, implemented exactly as published (citations on each function).
/// Inputs are in reference units (`NormalisedValues`: albumin g/L, bilirubin µmol/L, AFP ng/mL; sizes in cm).
public enum Scores {
    public static let albiCitation = "Johnson PJ et al. J Clin Oncol 2015;33:550-558 (ALBI grade)"
    public static let hapCitation = "Kadalayil L et al. Ann Oncol 2013;24:2565-2570 (HAP score)"
    public static let mhap2Citation = "Park Y et al. Liver Int 2016;36:100-107 (mHAP-II score)"
    public static let sixTwelveCitation = "Wang Q et al. J Hepatol 2019;70:893-903 (six-and-twelve score)"
    public static let upTo7Citation = "Mazzaferro V et al. Lancet Oncol 2009;10:35-43 (up-to-seven criteria)"
    public static let upTo11Citation = "Kim JH et al. Liver Int 2017;37:1861-1868 (up-to-11 criteria)"
    public static let tbsCitation = "Sasaki K et al. Ann Surg 2018;267:132-141 (tumour burden score); groups <3.36 / 3.36-13.74 / >13.74 as in Cancer Imaging 2023, doi:10.1186/s40644-023-00575-6, Table 1"
    public static let albiTAECitation = "ALBI-TAE model as validated in Cancer Imaging 2023, doi:10.1186/s40644-023-00575-6 (Table 1)"
    public static let childPughCitation = "Pugh RNH et al. Br J Surg 1973;60:646-649 (INR cut-offs 1.7/2.3 as in current use)"

    private static let letters = ["A", "B", "C", "D"]

    // MARK: ALBI

    /// ALBI score = 0.66·log10(bilirubin µmol/L) − 0.085·albumin g/L (Johnson 2015), log10 by `DetMath`.
    public static func albiScore(bilirubinMicromolPerL b: Double, albuminGramsPerL a: Double) -> Double {
        0.66 * DetMath.log10(b) - 0.085 * a
    }

    /// ALBI grade: 1 if score ≤ −2.60; 2 if −2.60 < score ≤ −1.39; 3 if score > −1.39.
    public static func albiGrade(score s: Double) -> Int { s <= -2.60 ? 1 : (s <= -1.39 ? 2 : 3) }

    public static func albi(_ v: NormalisedValues) -> ScoreResult {
        var needs: [String] = []
        if v.albuminGramsPerL == nil { needs.append("albumin") }
        if v.bilirubinMicromolPerL == nil { needs.append("bilirubin") }
        guard let a = v.albuminGramsPerL, let b = v.bilirubinMicromolPerL else { return .notComputed("ALBI", albiCitation, needs: needs) }
        let s = albiScore(bilirubinMicromolPerL: b, albuminGramsPerL: a)
        let g = albiGrade(score: s)
        return ScoreResult(name: "ALBI", citation: albiCitation, computed: true, value: s, points: nil, group: String(g),
                           rank: g - 1, details: ["0.66·log10(\(fmt(b)) µmol/L) − 0.085·\(fmt(a)) g/L = \(fmt(s, digits: 3))",
                                                  "grade 1 ≤ −2.60 < grade 2 ≤ −1.39 < grade 3"], reason: nil)
    }

    // MARK: HAP and mHAP-II

    /// HAP points (Kadalayil 2013): albumin < 36 g/L, bilirubin > 17 µmol/L, AFP > 400 ng/mL, largest tumour > 7 cm;
    /// one point each. Groups A 0, B 1, C 2, D ≥ 3.
    public static func hap(_ v: NormalisedValues, _ t: TumourBurden) -> ScoreResult {
        hapLike(name: "HAP", citation: hapCitation, v, t, withCount: false)
    }

    /// mHAP-II points (Park 2016): the HAP items plus tumour number ≥ 2, one point each. Groups A 0, B 1, C 2, D ≥ 3.
    /// Park et al. wrote the HAP cut-offs as albumin < 3.6 g/dL and bilirubin > 0.9 mg/dL; the validation in
    /// Cancer Imaging 2023 (Table 1) and this implementation use HAP's own 36 g/L and 17 µmol/L.
    public static func mhap2(_ v: NormalisedValues, _ t: TumourBurden) -> ScoreResult {
        hapLike(name: "mHAP-II", citation: mhap2Citation, v, t, withCount: true)
    }

    private static func hapLike(name: String, citation: String, _ v: NormalisedValues, _ t: TumourBurden, withCount: Bool) -> ScoreResult {
        var needs: [String] = []
        if v.albuminGramsPerL == nil { needs.append("albumin") }
        if v.bilirubinMicromolPerL == nil { needs.append("bilirubin") }
        if v.afpNanogramsPerML == nil { needs.append("afp") }
        if t.largestDiameterCm == nil { needs.append("largest diameter") }
        if withCount && t.count == nil { needs.append("tumour count") }
        guard needs.isEmpty, let a = v.albuminGramsPerL, let b = v.bilirubinMicromolPerL, let f = v.afpNanogramsPerML,
              let d = t.largestDiameterCm else { return .notComputed(name, citation, needs: needs) }
        var items: [(Bool, String)] = [
            (a < 36, "albumin \(fmt(a)) g/L < 36"), (b > 17, "bilirubin \(fmt(b)) µmol/L > 17"),
            (f > 400, "AFP \(fmt(f)) ng/mL > 400"), (d > 7, "largest tumour \(fmt(d)) cm > 7"),
        ]
        if withCount, let n = t.count { items.append((n >= 2, "tumour count \(n) ≥ 2")) }
        let p = items.reduce(0) { $0 + ($1.0 ? 1 : 0) }
        let rank = min(p, 3)
        return ScoreResult(name: name, citation: citation, computed: true, value: nil, points: p, group: letters[rank],
                           rank: rank, details: items.map { "\($0.1): \($0.0 ? 1 : 0)" } + ["A 0, B 1, C 2, D ≥ 3"],
                           reason: nil)
    }

    // MARK: Tumour burden

    /// Six-and-twelve (Wang 2019): largest diameter (cm) + number; A ≤ 6, B > 6 and ≤ 12, C > 12.
    public static func sixAndTwelve(_ t: TumourBurden) -> ScoreResult {
        guard case let (d, n)? = sizeAndCount(t) else { return .notComputed("six-and-twelve", sixTwelveCitation, needs: burdenNeeds(t)) }
        let s = d + Double(n)
        let rank = s <= 6 ? 0 : (s <= 12 ? 1 : 2)
        return ScoreResult(name: "six-and-twelve", citation: sixTwelveCitation, computed: true, value: s, points: nil,
                           group: letters[rank], rank: rank, details: ["\(fmt(d)) cm + \(n) = \(fmt(s))", "A ≤ 6, B > 6–12, C > 12"],
                           reason: nil)
    }

    /// Up-to-seven (Mazzaferro 2009): within when largest diameter (cm) + number ≤ 7.
    public static func upToSeven(_ t: TumourBurden) -> ScoreResult { upTo(7, "up-to-seven", upTo7Citation, t) }
    /// Up-to-eleven (Kim 2017): within when largest diameter (cm) + number ≤ 11.
    public static func upToEleven(_ t: TumourBurden) -> ScoreResult { upTo(11, "up-to-eleven", upTo11Citation, t) }

    private static func upTo(_ limit: Int, _ name: String, _ citation: String, _ t: TumourBurden) -> ScoreResult {
        guard case let (d, n)? = sizeAndCount(t) else { return .notComputed(name, citation, needs: burdenNeeds(t)) }
        let s = d + Double(n)
        let within = s <= Double(limit)
        return ScoreResult(name: name, citation: citation, computed: true, value: s, points: nil,
                           group: within ? "within" : "beyond", rank: within ? 0 : 1,
                           details: ["\(fmt(d)) cm + \(n) = \(fmt(s)) \(within ? "≤" : ">") \(limit)"], reason: nil)
    }

    /// Tumour burden score √(diameter² + number²) (Sasaki 2018); groups A < 3.36, B 3.36–13.74, C > 13.74.
    public static func tumourBurdenScore(_ t: TumourBurden) -> ScoreResult {
        guard case let (d, n)? = sizeAndCount(t) else { return .notComputed("TBS", tbsCitation, needs: burdenNeeds(t)) }
        let s = DetMath.sqrt(d * d + Double(n) * Double(n))
        let rank = tbsRank(s)
        return ScoreResult(name: "TBS", citation: tbsCitation, computed: true, value: s, points: nil, group: letters[rank],
                           rank: rank, details: ["√(\(fmt(d))² + \(n)²) = \(fmt(s, digits: 3))", "A < 3.36, B 3.36–13.74, C > 13.74"],
                           reason: nil)
    }

    /// Tumour burden score group rank: 0 (A) < 3.36 ≤ 1 (B) ≤ 13.74 < 2 (C).
    public static func tbsRank(_ s: Double) -> Int { s < 3.36 ? 0 : (s <= 13.74 ? 1 : 2) }

    // MARK: ALBI-TAE

    /// ALBI-TAE: ALBI grade 2–3, AFP > 200 ng/mL, beyond up-to-eleven; one point each; A 0, B 1, C 2, D 3.
    public static func albiTAE(_ v: NormalisedValues, _ t: TumourBurden) -> ScoreResult {
        var needs: [String] = []
        if v.albuminGramsPerL == nil { needs.append("albumin") }
        if v.bilirubinMicromolPerL == nil { needs.append("bilirubin") }
        if v.afpNanogramsPerML == nil { needs.append("afp") }
        needs += burdenNeeds(t)
        guard needs.isEmpty, let a = v.albuminGramsPerL, let b = v.bilirubinMicromolPerL, let f = v.afpNanogramsPerML,
              case let (d, n)? = sizeAndCount(t) else { return .notComputed("ALBI-TAE", albiTAECitation, needs: needs) }
        let g = albiGrade(score: albiScore(bilirubinMicromolPerL: b, albuminGramsPerL: a))
        let s = d + Double(n)
        let items: [(Bool, String)] = [(g >= 2, "ALBI grade \(g) (2–3)"), (f > 200, "AFP \(fmt(f)) ng/mL > 200"),
                                       (s > 11, "up-to-eleven \(fmt(s)) > 11 (beyond)")]
        let p = items.reduce(0) { $0 + ($1.0 ? 1 : 0) }
        return ScoreResult(name: "ALBI-TAE", citation: albiTAECitation, computed: true, value: nil, points: p,
                           group: letters[p], rank: p, details: items.map { "\($0.1): \($0.0 ? 1 : 0)" } + ["A 0, B 1, C 2, D 3"],
                           reason: nil)
    }

    // MARK: Child-Pugh

    /// Child-Pugh points (Pugh 1973): bilirubin mg/dL < 2 / 2–3 / > 3; albumin g/dL > 3.5 / 2.8–3.5 / < 2.8;
    /// INR < 1.7 / 1.7–2.3 / > 2.3; ascites none / mild / moderate-severe; encephalopathy none / grade 1–2 / grade 3–4;
    /// 1, 2, 3 points each. Class A 5–6, B 7–9, C 10–15.
    public static func childPugh(_ v: NormalisedValues) -> ScoreResult {
        var needs: [String] = []
        if v.bilirubinMicromolPerL == nil { needs.append("bilirubin") }
        if v.albuminGramsPerL == nil { needs.append("albumin") }
        if v.inr == nil { needs.append("inr") }
        if v.ascites == nil { needs.append("ascites") }
        if v.encephalopathy == nil { needs.append("encephalopathy") }
        guard needs.isEmpty, let b = v.bilirubinMilligramsPerDL, let a = v.albuminGramsPerDL, let i = v.inr,
              let asc = v.ascites, let enc = v.encephalopathy else { return .notComputed("Child-Pugh", childPughCitation, needs: needs) }
        let pb = b < 2 ? 1 : (b <= 3 ? 2 : 3)
        let pa = a > 3.5 ? 1 : (a >= 2.8 ? 2 : 3)
        let pi = i < 1.7 ? 1 : (i <= 2.3 ? 2 : 3)
        let pasc = asc == .none ? 1 : (asc == .mild ? 2 : 3)
        let penc = enc == .none ? 1 : (enc == .grade1to2 ? 2 : 3)
        let p = pb + pa + pi + pasc + penc
        let rank = p <= 6 ? 0 : (p <= 9 ? 1 : 2)
        return ScoreResult(name: "Child-Pugh", citation: childPughCitation, computed: true, value: nil, points: p,
                           group: ["A", "B", "C"][rank], rank: rank,
                           details: ["bilirubin \(fmt(b)) mg/dL: \(pb)", "albumin \(fmt(a)) g/dL: \(pa)", "INR \(fmt(i)): \(pi)",
                                     "ascites \(asc.rawValue): \(pasc)", "encephalopathy \(enc.rawValue): \(penc)",
                                     "A 5–6, B 7–9, C 10–15"], reason: nil)
    }

    /// Every score in report order.
    public static func all(_ v: NormalisedValues, _ t: TumourBurden) -> [ScoreResult] {
        [albi(v), hap(v, t), mhap2(v, t), sixAndTwelve(t), upToSeven(t), upToEleven(t), tumourBurdenScore(t),
         albiTAE(v, t), childPugh(v)]
    }

    // MARK: helpers

    private static func sizeAndCount(_ t: TumourBurden) -> (Double, Int)? {
        guard let d = t.largestDiameterCm, let n = t.count else { return nil }
        return (d, n)
    }
    private static func burdenNeeds(_ t: TumourBurden) -> [String] {
        (t.largestDiameterCm == nil ? ["largest diameter"] : []) + (t.count == nil ? ["tumour count"] : [])
    }

    /// Plain decimal text for reports (deterministic, no locale).
    static func fmt(_ x: Double, digits: Int = -1) -> String {
        if digits < 0 { return FeatureCSV.format(x) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (x * scale).rounded(.toNearestOrAwayFromZero)
        let neg = r < 0
        let m = Int64(abs(r))
        let ip = m / Int64(scale), fp = m % Int64(scale)
        var fs = String(fp)
        while fs.count < digits { fs = "0" + fs }
        return (neg ? "-" : "") + String(ip) + (digits > 0 ? "." + fs : "")
    }
}
