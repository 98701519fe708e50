/// Laboratory and clinical inputs of the validated scores, each with an explicit unit.
///
/// A value without a stated unit is refused ("ambiguous unit"), never guessed. Conversions (only when the unit is
/// stated): albumin 1 g/dL = 10 g/L; bilirubin 1 mg/dL = 17.1 µmol/L; AFP 1 ng/mL = 1 µg/L (IU/mL is refused: the
/// IU→ng factor depends on the assay, commonly 1 IU/mL ≈ 1.21 ng/mL — convert with your laboratory's factor).
/// A converted value is rounded to 1e-9 of the target unit, so 1.1 g/dL is exactly 11 g/L (no binary residue at a cut-off).

/// One laboratory value with the unit it was reported in.
public struct LabValue: Codable, Sendable, Equatable {
    public var value: Double
    /// Unit as written by the laboratory, e.g. `g/L`, `mg/dL`, `umol/L`; nil or empty = not stated.
    public var unit: String?
    public init(_ value: Double, _ unit: String?) { self.value = value; self.unit = unit }
}

/// Ascites grade as used by Child-Pugh.
public enum Ascites: String, Codable, Sendable, CaseIterable {
    case none, mild, moderateSevere = "moderate-severe"
}

/// Hepatic encephalopathy grade (West Haven) as used by Child-Pugh.
public enum Encephalopathy: String, Codable, Sendable, CaseIterable {
    case none, grade1to2 = "grade-1-2", grade3to4 = "grade-3-4"
}

/// Clinical values of one patient as reported (units as stated). Every field is optional: a score whose inputs are
/// missing is "not computed", never estimated.
public struct ClinicalValues: Codable, Sendable, Equatable {
    public var albumin: LabValue?
    public var bilirubin: LabValue?
    /// Alpha-fetoprotein.
    public var afp: LabValue?
    /// Aspartate aminotransferase (carried into reports; no score here uses it).
    public var ast: LabValue?
    /// International normalised ratio (unitless).
    public var inr: Double?
    public var ascites: Ascites?
    public var encephalopathy: Encephalopathy?

    public init(albumin: LabValue? = nil, bilirubin: LabValue? = nil, afp: LabValue? = nil, ast: LabValue? = nil,
                inr: Double? = nil, ascites: Ascites? = nil, encephalopathy: Encephalopathy? = nil) {
        self.albumin = albumin; self.bilirubin = bilirubin; self.afp = afp; self.ast = ast
        self.inr = inr; self.ascites = ascites; self.encephalopathy = encephalopathy
    }

    /// Converts every stated value to the scores' reference units; throws on a missing or unknown unit or a value
    /// that is not a finite non-negative number.
    public func normalised() throws -> NormalisedValues {
        var n = NormalisedValues()
        var warnings: [String] = []
        if let a = albumin {
            n.albuminGramsPerL = try Units.convert(a, name: "albumin", units: [("g/L", 1), ("g/dL", 10)])
            if let g = n.albuminGramsPerL, g < 10 || g > 70 {
                warnings.append("albumin \(g) g/L is outside 10–70 g/L: check the unit (g/L vs g/dL)")
            }
        }
        if let b = bilirubin {
            n.bilirubinMicromolPerL = try Units.convert(b, name: "bilirubin", units: [("umol/L", 1), ("mg/dL", 17.1)])
            if n.bilirubinMicromolPerL == 0 { throw ScoreInputError("bilirubin: must be greater than 0") }
        }
        if let f = afp {
            if let u = f.unit, Units.key(u) == "iu/ml" {
                throw ScoreInputError("afp: IU/mL not accepted; convert to ng/mL with your laboratory's factor (commonly 1 IU/mL ≈ 1.21 ng/mL)")
            }
            n.afpNanogramsPerML = try Units.convert(f, name: "afp", units: [("ng/mL", 1), ("ug/L", 1)])
        }
        if let s = ast { n.astUnitsPerL = try Units.convert(s, name: "ast", units: [("U/L", 1), ("IU/L", 1)]) }
        if let i = inr {
            guard i.isFinite, i > 0 else { throw ScoreInputError("inr: must be a positive number, got \(i)") }
            n.inr = i
            if i > 10 { warnings.append("INR \(i) is above 10: check the value") }
        }
        n.ascites = ascites
        n.encephalopathy = encephalopathy
        n.warnings = warnings
        return n
    }
}

/// Clinical values in the scores' reference units: albumin g/L, bilirubin µmol/L, AFP ng/mL, AST U/L.
public struct NormalisedValues: Codable, Sendable, Equatable {
    public var albuminGramsPerL: Double?
    public var bilirubinMicromolPerL: Double?
    public var afpNanogramsPerML: Double?
    public var astUnitsPerL: Double?
    public var inr: Double?
    public var ascites: Ascites?
    public var encephalopathy: Encephalopathy?
    /// Plausibility warnings (e.g. a g/dL value given as g/L).
    public var warnings: [String] = []
    public init() {}

    /// Albumin in g/dL (Child-Pugh's unit).
    public var albuminGramsPerDL: Double? { albuminGramsPerL.map { Units.clean($0 / 10) } }
    /// Bilirubin in mg/dL (Child-Pugh's unit).
    public var bilirubinMilligramsPerDL: Double? { bilirubinMicromolPerL.map { Units.clean($0 / 17.1) } }
}

/// Size and number of tumours, from the mask or a reader's override.
public struct TumourBurden: Codable, Sendable, Equatable {
    /// Largest tumour diameter in cm (the in-plane diameter a radiologist measures).
    public var largestDiameterCm: Double?
    /// Number of tumours.
    public var count: Int?
    public init(largestDiameterCm: Double? = nil, count: Int? = nil) {
        self.largestDiameterCm = largestDiameterCm; self.count = count
    }
    /// Throws when a given value is negative or not finite.
    public func validated() throws -> TumourBurden {
        if let d = largestDiameterCm, !(d.isFinite && d >= 0) { throw ScoreInputError("diameter-cm: must be a finite number ≥ 0, got \(d)") }
        if let c = count, c < 0 { throw ScoreInputError("count: must be ≥ 0, got \(c)") }
        if let c = count, c == 0, let d = largestDiameterCm, d > 0 { throw ScoreInputError("count is 0 but the largest diameter is \(d) cm") }
        return self
    }
}

/// A refused clinical input: one line naming the field and the problem.
public struct ScoreInputError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Unit spelling and conversion.
enum Units {
    /// Lower-case unit key with the micro sign (U+00B5) and Greek mu (U+03BC) written as `u`.
    static func key(_ unit: String) -> String {
        var s = ""
        for ch in unit.lowercased() where ch != " " { s.append(ch == "µ" || ch == "μ" ? "u" : ch) }
        return s
    }

    /// Rounds to 1e-9 so decimal inputs converted by ×10 or ÷17.1 land on the decimal value.
    static func clean(_ x: Double) -> Double { (x * 1e9).rounded(.toNearestOrEven) / 1e9 }

    static func convert(_ v: LabValue, name: String, units: [(String, Double)]) throws -> Double? {
        guard let u = v.unit, !u.trimmingSpaces.isEmpty else {
            throw ScoreInputError("\(name): ambiguous unit — state it (\(units.map { $0.0 }.joined(separator: " or ")))")
        }
        guard v.value.isFinite, v.value >= 0 else { throw ScoreInputError("\(name): must be a finite number ≥ 0, got \(v.value)") }
        let k = key(u)
        guard let f = units.first(where: { key($0.0) == k })?.1 else {
            throw ScoreInputError("\(name): unknown unit '\(u)' (accepted: \(units.map { $0.0 }.joined(separator: ", ")))")
        }
        return f == 1 ? v.value : clean(v.value * f)
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
