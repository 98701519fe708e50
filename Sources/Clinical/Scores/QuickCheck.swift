/// Traffic-light category shown on the LEDs and in reports.
public enum TrafficLight: String, Codable, Sendable, Comparable {
    case green, amber, red
    var order: Int { self == .green ? 0 : (self == .amber ? 1 : 2) }
    public static func < (a: TrafficLight, b: TrafficLight) -> Bool { a.order < b.order }
}

/// The pre-TACE quick check: a documented RESEARCH HEURISTIC over the published strata of mHAP-II/HAP,
/// six-and-twelve, ALBI (and Child-Pugh when computed). It is not a validated combination (docs/scores.md).
///
/// - red when any computed score is in its worst published stratum: HAP D or mHAP-II D (≥ 3 points),
///   six-and-twelve C (> 12), ALBI grade 3, or Child-Pugh C;
/// - green when mHAP-II is A or B, six-and-twelve is A (≤ 6) and ALBI is grade 1 — all three computed — and no red;
/// - amber otherwise. A score that is not computed can never give green; the reason names what it needs.
public struct QuickCheck: Codable, Sendable, Equatable {
    public var light: TrafficLight
    /// One line per finding, e.g. "red: ALBI grade 3".
    public var reasons: [String]
    public var rule: String

    public static let ruleText = "research heuristic (not validated): red if HAP D, mHAP-II D, six-and-twelve C (>12), ALBI grade 3 or Child-Pugh C; green if mHAP-II A/B and six-and-twelve A (≤6) and ALBI grade 1; amber otherwise"

    /// Applies the rule to the results of `Scores.all` (looked up by name).
    public static func evaluate(_ scores: [ScoreResult]) -> QuickCheck {
        func find(_ n: String) -> ScoreResult? { scores.first { $0.name == n } }
        var red: [String] = [], amber: [String] = [], green: [String] = []
        let hap = find("HAP"), mhap = find("mHAP-II"), st = find("six-and-twelve"), albi = find("ALBI"), cp = find("Child-Pugh")

        if let h = hap, h.computed, h.group == "D" { red.append("HAP D (\(h.points ?? 0) points)") }
        if let m = mhap, m.computed, m.group == "D" { red.append("mHAP-II D (\(m.points ?? 0) points)") }
        if let s = st, s.computed, s.group == "C" { red.append("six-and-twelve C (\(Scores.fmt(s.value ?? 0)) > 12)") }
        if let a = albi, a.computed, a.group == "3" { red.append("ALBI grade 3") }
        if let c = cp, c.computed, c.group == "C" { red.append("Child-Pugh C (\(c.points ?? 0) points)") }

        func greenCheck(_ r: ScoreResult?, _ name: String, ok: (ScoreResult) -> Bool, label: (ScoreResult) -> String) {
            guard let r, r.computed else {
                amber.append("\(name) \(r?.reason ?? "not computed")"); return
            }
            if ok(r) { green.append(label(r)) } else { amber.append(label(r)) }
        }
        greenCheck(mhap, "mHAP-II", ok: { ($0.rank ?? 9) <= 1 }, label: { "mHAP-II \($0.group ?? "?")" })
        greenCheck(st, "six-and-twelve", ok: { $0.rank == 0 }, label: { "six-and-twelve \($0.group ?? "?") (\(Scores.fmt($0.value ?? 0)))" })
        greenCheck(albi, "ALBI", ok: { $0.rank == 0 }, label: { "ALBI grade \($0.group ?? "?")" })

        let light: TrafficLight = !red.isEmpty ? .red : (amber.isEmpty ? .green : .amber)
        let reasons: [String]
        switch light {
        case .red: reasons = red.map { "red: " + $0 }
        case .amber: reasons = amber.map { "amber: " + $0 }
        case .green: reasons = green.map { "green: " + $0 }
        }
        return QuickCheck(light: light, reasons: reasons, rule: ruleText)
    }
}

/// Everything `hccedge scores` reports: inputs in reference units, each score, the quick check, warnings.
public struct ScoreReport: Codable, Sendable, Equatable {
    public var researchUseOnly: String = "RESEARCH USE ONLY - not for diagnosis or treatment decisions"
    public var inputs: NormalisedValues
    public var tumour: TumourBurden
    public var scores: [ScoreResult]
    public var quickCheck: QuickCheck
    public var warnings: [String]

    /// Validates units and sizes, computes every score and the quick check.
    public static func make(_ values: ClinicalValues, _ tumour: TumourBurden) throws -> ScoreReport {
        let v = try values.normalised()
        let t = try tumour.validated()
        let s = Scores.all(v, t)
        return ScoreReport(inputs: v, tumour: t, scores: s, quickCheck: QuickCheck.evaluate(s), warnings: v.warnings)
    }

    /// Human-readable text: one line per score, then the quick check.
    public var text: String {
        var out = "RESEARCH USE ONLY - not for diagnosis or treatment decisions\n"
        for s in scores {
            if !s.computed { out += "\(s.name): \(s.reason ?? "not computed")\n"; continue }
            var line = "\(s.name):"
            if let v = s.value { line += " \(Scores.fmt(v, digits: s.name == "ALBI" ? 3 : 2))" }
            if let p = s.points { line += " \(p) points" }
            if let g = s.group { line += s.name == "ALBI" ? " grade \(g)" : (g.count == 1 ? " group \(g)" : " \(g)") }
            out += line + "\n"
            for d in s.details { out += "    \(d)\n" }
        }
        out += "pre-TACE quick check: \(quickCheck.light.rawValue.uppercased())\n"
        for r in quickCheck.reasons { out += "    \(r)\n" }
        out += "    (\(quickCheck.rule))\n"
        for w in warnings { out += "warning: \(w)\n" }
        return out
    }
}
