// libFuzzer harness: the frozen-model file parser (JSON tree, canonical JSON + SHA-256 seal, Codable decode,
// field checks). Inputs whose seal does not match stop at the hash check, so the harness also re-seals the
// input: `"sha256"` is replaced by the hash of the content, which lets the fuzzer reach the decoder and the checks.
import Clinical
import Imaging
import Radiomics
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? FrozenModel.load(bytes: bytes, path: "fuzz.json")
    if let resealed = FuzzReseal.reseal(bytes), let m = try? FrozenModel.load(bytes: resealed, path: "fuzz.json") {
        _ = m.requiredInputs
        _ = try? m.sealedText()
    }
    return 0
}

enum FuzzReseal {
    /// The input as a JSON object with `sha256` set to the hash of the rest (nil when it is not a JSON object).
    static func reseal(_ bytes: [UInt8]) -> [UInt8]? {
        guard let tree = try? JSONValue.parse(bytes), case .object(var o) = tree else { return nil }
        o["sha256"] = nil
        o["sha256"] = .string(SHA256.hex(CanonicalJSON.bytes(.object(o))))
        return CanonicalJSON.bytes(.object(o))
    }
}

/// `HCC_FUZZ_WRITE_SEED=DIR fuzz-model -runs=0` writes sealed seed models (with and without a nomogram) to DIR.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzModelInit(_ argc: OpaquePointer?, _ argv: OpaquePointer?) -> CInt {
    guard let d = getenv("HCC_FUZZ_WRITE_SEED").map({ String(cString: $0) }),
          let settings = ExtractionSettings.presets["ibsi-ct-c"] else { return 0 }
    let card = ModelCard(population: "synthetic", outcome: "event", horizon: "6 months", inputsAndUnits: "IBSI features",
                         settings: "ibsi-ct-c", data: "synthetic", fitting: "LASSO", metrics: "AUC",
                         knownFailureModes: ["synthetic data"])
    var m = FrozenModel(id: "seed", version: "1", task: "binary outcome", intendedUse: "fuzzing", synthetic: true,
                        settings: settings,
                        inputs: [ModelInput(name: "morph_volume", centre: 10, scale: 2, coefficient: 0.5),
                                 ModelInput(name: "stat_mean", centre: -3, scale: 1.5, coefficient: -1.25)],
                        intercept: 0.1, nomogram: nil,
                        thresholds: OperatingThresholds(amber: 0.3, red: 0.7, amberRule: "fixed", redRule: "fixed"),
                        metrics: [Metric("AUC", "cross-validated", 0.7, lower: 0.6, upper: 0.8)], card: card,
                        createdBy: "tools/fuzz seeds")
    for (name, model) in [("model.json", m), ("nomogram.json", { () -> FrozenModel in
        m.nomogram = NomogramStage(inputs: [ModelInput(name: "radscore", centre: 0, scale: 1, coefficient: 1),
                                            ModelInput(name: "afp_gt_400", centre: 0.3, scale: 0.5, coefficient: 0.8)],
                                   intercept: -0.2)
        return m }())] {
        guard let text = try? model.sealedText() else { continue }
        let p = d + "/" + name
        if let f = fopen(p, "w") { fputs(text, f); fclose(f) }
    }
    return 0
}
