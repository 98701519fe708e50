import FoundationEssentials
import Imaging
import Radiomics

/// One model input: a feature (or clinical covariate, or `radscore`) with its standardisation and coefficient.
/// The standardised input is z = (x − centre) / scale; the linear predictor adds coefficient · z.
public struct ModelInput: Codable, Sendable, Equatable {
    public var name: String
    public var centre: Double
    public var scale: Double
    public var coefficient: Double
    public init(name: String, centre: Double, scale: Double, coefficient: Double) {
        self.name = name; self.centre = centre; self.scale = scale; self.coefficient = coefficient
    }
}

/// Optional second stage (nomogram): logistic regression on the rad-score (input named `radscore`, the first
/// stage's linear predictor) and clinical covariates.
public struct NomogramStage: Codable, Sendable, Equatable {
    public var inputs: [ModelInput]
    public var intercept: Double
    public init(inputs: [ModelInput], intercept: Double) { self.inputs = inputs; self.intercept = intercept }
}

/// Probability cut-offs: p < amber → green; amber ≤ p < red → amber; p ≥ red → red.
public struct OperatingThresholds: Codable, Sendable, Equatable {
    public var amber: Double
    public var red: Double
    /// How each cut-off was chosen (e.g. "sensitivity ≥ 0.90 on cross-validated predictions").
    public var amberRule: String
    public var redRule: String
    public init(amber: Double, red: Double, amberRule: String, redRule: String) {
        self.amber = amber; self.red = red; self.amberRule = amberRule; self.redRule = redRule
    }
}

/// One reported performance number with its 95 % confidence interval.
public struct Metric: Codable, Sendable, Equatable {
    public var name: String
    /// `training (apparent)`, `cross-validated`, `validation`.
    public var dataset: String
    public var value: Double
    public var lower: Double?
    public var upper: Double?
    public var note: String?
    public init(_ name: String, _ dataset: String, _ value: Double, lower: Double? = nil, upper: Double? = nil, note: String? = nil) {
        self.name = name; self.dataset = dataset; self.value = value; self.lower = lower; self.upper = upper; self.note = note
    }
}

/// Model card (TRIPOD+AI items).
public struct ModelCard: Codable, Sendable, Equatable {
    public var population: String
    public var outcome: String
    public var horizon: String
    public var inputsAndUnits: String
    public var settings: String
    public var data: String
    public var fitting: String
    public var metrics: String
    public var knownFailureModes: [String]
    public init(population: String, outcome: String, horizon: String, inputsAndUnits: String, settings: String,
                data: String, fitting: String, metrics: String, knownFailureModes: [String]) {
        self.population = population; self.outcome = outcome; self.horizon = horizon; self.inputsAndUnits = inputsAndUnits
        self.settings = settings; self.data = data; self.fitting = fitting; self.metrics = metrics
        self.knownFailureModes = knownFailureModes
    }
}

/// A frozen logistic model: everything needed to reproduce its output, sealed by a SHA-256 over the canonical JSON
/// of all fields but `sha256` (`CanonicalJSON`, keys sorted by UTF-8 bytes).
public struct FrozenModel: Codable, Sendable, Equatable {
    public var formatVersion: Int
    public var id: String
    public var version: String
    public var task: String
    public var intendedUse: String
    public var researchUseOnly: String
    /// True for models trained on synthetic data (every output then says "synthetic").
    public var synthetic: Bool
    /// The exact extraction settings the features were computed with.
    public var settings: ExtractionSettings
    /// First stage (the rad-score): inputs with non-zero coefficients, in evaluation order.
    public var inputs: [ModelInput]
    public var intercept: Double
    public var nomogram: NomogramStage?
    public var thresholds: OperatingThresholds
    public var metrics: [Metric]
    public var card: ModelCard
    public var createdBy: String
    public var sha256: String?

    public init(id: String, version: String, task: String, intendedUse: String, synthetic: Bool,
                settings: ExtractionSettings, inputs: [ModelInput], intercept: Double, nomogram: NomogramStage?,
                thresholds: OperatingThresholds, metrics: [Metric], card: ModelCard, createdBy: String) {
        formatVersion = 1
        self.id = id; self.version = version; self.task = task; self.intendedUse = intendedUse
        researchUseOnly = "RESEARCH USE ONLY - not for diagnosis or treatment decisions"
        self.synthetic = synthetic; self.settings = settings; self.inputs = inputs; self.intercept = intercept
        self.nomogram = nomogram; self.thresholds = thresholds; self.metrics = metrics; self.card = card
        self.createdBy = createdBy; sha256 = nil
    }

    /// Names of every value the model reads (features, clinical covariates), without `radscore`.
    public var requiredInputs: [String] {
        var names = inputs.map(\.name)
        for i in nomogram?.inputs ?? [] where i.name != "radscore" && !names.contains(i.name) { names.append(i.name) }
        return names
    }

    /// SHA-256 (hex) of the canonical JSON of every field except `sha256`.
    public func contentHash() throws -> String {
        var copy = self
        copy.sha256 = nil
        guard case .object(var o) = try JSONValue.from(copy) else { throw ModelError("model does not encode as an object") }
        o["sha256"] = nil
        return SHA256.hex(CanonicalJSON.bytes(.object(o)))
    }

    /// The file text: canonical JSON (pretty) with the hash filled in.
    public func sealedText() throws -> String {
        var copy = self
        copy.sha256 = try contentHash()
        return CanonicalJSON.text(try JSONValue.from(copy), pretty: true)
    }

    /// Parses and verifies a model file: hash over the file's own canonical content (unknown fields included),
    /// then field checks. Throws a one-line `ModelError` naming the problem.
    public static func load(bytes: [UInt8], path: String = "model") throws -> FrozenModel {
        let tree: JSONValue
        do { tree = try JSONValue.parse(bytes) } catch { throw ModelError("\(path): not valid JSON") }
        guard case .object(var o) = tree else { throw ModelError("\(path): not a JSON object") }
        guard case .string(let stated)? = o["sha256"] else { throw ModelError("\(path): no sha256 field") }
        o["sha256"] = nil
        let actual = SHA256.hex(CanonicalJSON.bytes(.object(o)))
        guard actual == stated.lowercased() else {
            throw ModelError("\(path): hash mismatch (file says \(stated), content is \(actual)) — the model was modified")
        }
        let m: FrozenModel
        do { m = try JSONDecoder().decode(FrozenModel.self, from: Data(bytes)) } catch {
            throw ModelError("\(path): not a model file (\(error))")
        }
        try m.validate(path: path)
        return m
    }

    /// Reads and verifies a model file.
    public static func load(path: String) throws -> FrozenModel {
        try load(bytes: try FileIO.readBytes(path, limit: 16 << 20), path: path)
    }

    /// Field checks: format version, finite numbers, positive scales, fixed-point ranges, ordered thresholds.
    public func validate(path: String = "model") throws {
        guard formatVersion == 1 else { throw ModelError("\(path): format version \(formatVersion) not supported (expected 1)") }
        let stages = [(inputs, intercept)] + (nomogram.map { [($0.inputs, $0.intercept)] } ?? [])
        for (ins, b0) in stages {
            guard ins.count <= 255 else { throw ModelError("\(path): more than 255 inputs in one stage (Int64 accumulator bound)") }
            guard b0.isFinite, abs(b0) < FixedPoint.maxMagnitude else { throw ModelError("\(path): intercept \(b0) out of range") }
            for i in ins {
                guard i.centre.isFinite, i.scale.isFinite, i.scale > 0 else {
                    throw ModelError("\(path): input \(i.name) has an invalid centre/scale")
                }
                guard i.coefficient.isFinite, abs(i.coefficient) < FixedPoint.maxMagnitude else {
                    throw ModelError("\(path): coefficient of \(i.name) outside ±\(FixedPoint.maxMagnitude) (Q16.16 range)")
                }
            }
        }
        if let n = nomogram, !n.inputs.contains(where: { $0.name == "radscore" }) {
            throw ModelError("\(path): nomogram stage has no radscore input")
        }
        let t = thresholds
        guard t.amber > 0, t.amber <= t.red, t.red < 1 else {
            throw ModelError("\(path): thresholds must satisfy 0 < amber ≤ red < 1 (amber \(t.amber), red \(t.red))")
        }
    }

    /// Refuses the model when its extraction settings differ from the ones this box computes with.
    public func check(settings box: ExtractionSettings) throws {
        guard settings != box else { return }
        var diffs: [String] = []
        if case .object(let a) = try JSONValue.from(settings), case .object(let b) = try JSONValue.from(box) {
            for k in Set(a.keys).union(b.keys).sorted() where a[k] != b[k] { diffs.append(k) }
        }
        throw ModelError("model \(id) \(version) was trained with different extraction settings (differs in: \(diffs.joined(separator: ", ")))")
    }
}

/// A refused or invalid model, in one line.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
