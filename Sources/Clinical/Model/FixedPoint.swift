import Radiomics

/// Fixed-point model inference (the box's answer) and the float64 reference it is tested against.
///
/// Q-format:
/// - standardised input z = (x − centre)/scale is computed in float64 (basic operations, IEEE-exact on every CPU),
///   clamped to ±`zLimit` (256; a clamp is reported as a warning) and rounded half-away-from-zero to Q16.16:
///   zq = round(z·2¹⁶), an integer with |zq| ≤ 2²⁴;
/// - each coefficient b is rounded to Q16.16, bq = round(b·2¹⁶), |b| < 2¹⁵ (checked when the model loads);
/// - the linear predictor is accumulated in Int64 in Q32.32, in the model's input order:
///   acc = round(b₀·2³²) + Σ zq·bq (|zq·bq| < 2²⁴·2³¹ = 2⁵⁵; at most 255 inputs per stage, so |acc| < 2⁶³);
/// - probability p = 1/(1 + DetMath.exp(−acc/2³²)) in float64, reported in Q0.16: pq = round(p·2¹⁶) ∈ [0, 65536];
/// - the traffic light compares pq with the thresholds rounded to Q0.16.
/// Every step is integer or IEEE basic arithmetic, so `pq` and `acc` are identical on x86_64 and aarch64.
///
/// Quantisation error against float64: |Δlp| ≤ 2⁻¹⁷·Σ(|zᵢ| + |bᵢ|) + (n + 1)·2⁻³³ + ε_float, and
/// |Δp| ≤ |Δlp|/4 + 2⁻¹⁷ (sigmoid slope ≤ ¼, plus the output rounding). `FixedPoint.bound` returns this bound
/// (with a 1e-12 allowance for float64 rounding); a nomogram stage adds |b_radscore|/scale × the first stage's |Δlp|.
public enum FixedPoint {
    /// Largest |coefficient| and |intercept| accepted (Q16.16 range).
    public static let maxMagnitude = 32768.0
    /// Standardised inputs are clamped to ±zLimit.
    public static let zLimit = 256.0
    static let q16 = 65536.0
    static let q32 = 4294967296.0

    /// Rounds x·2¹⁶ half away from zero.
    @inline(__always) public static func toQ16(_ x: Double) -> Int64 { Int64((x * q16).rounded(.toNearestOrAwayFromZero)) }
    @inline(__always) static func toQ32(_ x: Double) -> Int64 { Int64((x * q32).rounded(.toNearestOrAwayFromZero)) }

    /// Logistic function 1/(1 + e^(−x)) with DetMath.exp.
    public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + DetMath.exp(-x)) : { let e = DetMath.exp(x); return e / (1 + e) }()
    }
}

/// One stage's result in both arithmetics.
public struct StageOutput: Sendable, Equatable {
    /// Fixed-point linear predictor, Q32.32.
    public var accQ32: Int64
    /// Float64 linear predictor.
    public var linearPredictor: Double
    /// Standardised inputs (float64, after clamping), in input order.
    public var z: [Double]
}

/// The model's answer for one study.
public struct Prediction: Codable, Sendable, Equatable {
    public var modelId: String
    public var modelVersion: String
    /// SHA-256 of the model file's canonical content.
    public var modelSHA256: String?
    /// True when the model was trained on synthetic data.
    public var synthetic: Bool
    /// The reported probability: probabilityQ16 / 65536.
    public var probability: Double
    /// Fixed-point probability, Q0.16.
    public var probabilityQ16: Int32
    /// Fixed-point linear predictor, Q32.32.
    public var linearPredictorQ32: Int64
    /// Float64 reference probability.
    public var probabilityFloat: Double
    /// Traffic light from the fixed-point probability.
    public var light: TrafficLight
    /// Documented bound on |fixed − float| probability.
    public var quantisationBound: Double
    public var warnings: [String]
}

extension FrozenModel {
    /// Evaluates one stage on `values` (by input name) in both arithmetics.
    static func evaluate(_ inputs: [ModelInput], intercept: Double, values: (String) throws -> Double,
                         warnings: inout [String]) throws -> StageOutput {
        var acc = FixedPoint.toQ32(intercept)
        var lp = intercept
        var zs: [Double] = []
        for i in inputs {
            let x = try values(i.name)
            guard x.isFinite else { throw ModelError("input \(i.name) is not a finite number") }
            var z = (x - i.centre) / i.scale
            if abs(z) > FixedPoint.zLimit {
                warnings.append("\(i.name) = \(x) is \(Scores.fmt(z, digits: 1)) SD from the training mean; clamped to ±\(Int(FixedPoint.zLimit))")
                z = z > 0 ? FixedPoint.zLimit : -FixedPoint.zLimit
            }
            zs.append(z)
            acc = acc &+ FixedPoint.toQ16(z) &* FixedPoint.toQ16(i.coefficient)
            lp += i.coefficient * z
        }
        return StageOutput(accQ32: acc, linearPredictor: lp, z: zs)
    }

    /// Predicts from named values (features, clinical covariates). Throws when a required input is missing.
    public func predict(_ values: [String: Double]) throws -> Prediction {
        var warnings: [String] = []
        func lookup(_ n: String) throws -> Double {
            guard let v = values[n] else { throw ModelError("model \(id) needs input '\(n)', which was not computed") }
            return v
        }
        let s1 = try Self.evaluate(inputs, intercept: intercept, values: lookup, warnings: &warnings)
        var bound = Self.stageBound(inputs, intercept: intercept, z: s1.z)
        var accFinal = s1.accQ32
        var lpFloat = s1.linearPredictor
        if let n = nomogram {
            let radFixed = Double(s1.accQ32) / FixedPoint.q32
            let sf = try Self.evaluate(n.inputs, intercept: n.intercept,
                                       values: { $0 == "radscore" ? radFixed : try lookup($0) }, warnings: &warnings)
            var w2: [String] = []
            let sd = try Self.evaluate(n.inputs, intercept: n.intercept,
                                       values: { $0 == "radscore" ? s1.linearPredictor : try lookup($0) }, warnings: &w2)
            let radIn = n.inputs.first { $0.name == "radscore" }
            bound = Self.stageBound(n.inputs, intercept: n.intercept, z: sd.z)
                + abs(radIn?.coefficient ?? 0) / (radIn?.scale ?? 1) * bound
            accFinal = sf.accQ32
            lpFloat = sd.linearPredictor
        }
        let pFixed = FixedPoint.sigmoid(Double(accFinal) / FixedPoint.q32)
        let pq = Int32(FixedPoint.toQ16(pFixed))
        let light: TrafficLight = pq >= Int32(FixedPoint.toQ16(thresholds.red)) ? .red
            : (pq >= Int32(FixedPoint.toQ16(thresholds.amber)) ? .amber : .green)
        return Prediction(modelId: id, modelVersion: version, modelSHA256: sha256, synthetic: synthetic,
                          probability: Double(pq) / 65536, probabilityQ16: pq, linearPredictorQ32: accFinal, probabilityFloat: FixedPoint.sigmoid(lpFloat),
                          light: light, quantisationBound: bound / 4 + 1.0 / 131072 + 1e-12, warnings: warnings)
    }

    /// Bound on |Δ linear predictor| of one stage: 2⁻¹⁷·Σ(|zᵢ| + |bᵢ|) + (n + 1)·2⁻³³ + 1e-12.
    static func stageBound(_ inputs: [ModelInput], intercept: Double, z: [Double]) -> Double {
        var s = 0.0
        for (i, zi) in zip(inputs, z) { s += abs(zi) + abs(i.coefficient) }
        return s / 131072 + Double(inputs.count + 1) / 8589934592 + 1e-12
    }
}
