import Testing
import Radiomics
@testable import Clinical

@Suite struct SHA256Tests {
    @Test func fipsExamples() {
        // FIPS 180-4 / NIST CSRC example values.
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func paddingBoundaries() {
        // Python hashlib.sha256(b"a"*n).hexdigest(), computed offline: one- vs two-block padding at 55/56/64/119 bytes.
        let cases: [(Int, String)] = [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        ]
        for (n, h) in cases { #expect(SHA256.hex([UInt8](repeating: 0x61, count: n)) == h, "length \(n)") }
    }
}

@Suite struct CanonicalJSONTests {
    @Test func sortedCompactAndNumbers() throws {
        let v = try JSONValue.parse(Array(#"{"b": [1, 2.5, -0.1, 1e-5, 3e20], "a": {"z": true, "y": null}, "Z": "q\"\\\n"}"#.utf8))
        // keys by UTF-8 bytes: "Z" (0x5A) < "a" < "b"; integers without fraction; shortest round-trip doubles
        #expect(CanonicalJSON.text(v) == #"{"Z":"q\"\\\n","a":{"y":null,"z":true},"b":[1,2.5,-0.1,1e-05,3e+20]}"#)
        // reformatting the same content does not change the canonical text
        let w = try JSONValue.parse(Array(CanonicalJSON.text(v, pretty: true).utf8))
        #expect(CanonicalJSON.text(w) == CanonicalJSON.text(v))
    }
}

@Suite struct SplitMix64Tests {
    @Test func referenceSequence() {
        // SplitMix64 reference outputs for seed 1234567 (Vigna's splitmix64.c; the same values appear in the Rust
        // rand_xoshiro test suite).
        var r = SplitMix64(seed: 1234567)
        let expected: [UInt64] = [6457827717110365317, 3203168211198807973, 9817491932198370423,
                                  4593380528125082431, 16408922859458223821]
        for e in expected { #expect(r.next() == e) }
    }
}

@Suite struct FrozenModelTests {
    static func handModel() -> FrozenModel {
        FrozenModel(id: "hand", version: "1", task: "test", intendedUse: "test", synthetic: true,
                    settings: ExtractionSettings.presets["ibsi-ct-a"]!,
                    inputs: [ModelInput(name: "f1", centre: 10, scale: 4, coefficient: 0.75),
                             ModelInput(name: "f2", centre: 0, scale: 2, coefficient: 2.0)],
                    intercept: -0.25, nomogram: nil,
                    thresholds: OperatingThresholds(amber: 0.3, red: 0.6, amberRule: "test", redRule: "test"),
                    metrics: [Metric("AUC", "training", 0.8, lower: 0.7, upper: 0.9)],
                    card: ModelCard(population: "p", outcome: "o", horizon: "h", inputsAndUnits: "i", settings: "s",
                                    data: "d", fitting: "f", metrics: "m", knownFailureModes: ["x"]),
                    createdBy: "test")
    }

    @Test func fixedPointHandComputed() throws {
        // f1 = 16 → z = (16 − 10)/4 = 1.5 → Q16.16 98304; b = 0.75 → 49152; product 4831838208
        // f2 = −1 → z = −0.5 → −32768; b = 2 → 131072; product −4294967296
        // intercept −0.25 → Q32.32 −1073741824; sum −536870912 = −0.125·2³²
        // p = 1/(1 + e^0.125) = 0.46879062662624377; ·65536 = 30722.66 → 30723 (amber: 0.3 ≤ p < 0.6)
        let p = try Self.handModel().predict(["f1": 16, "f2": -1])
        #expect(p.linearPredictorQ32 == -536870912)
        #expect(p.probabilityQ16 == 30723)
        #expect(p.light == .amber)
        #expect(abs(p.probabilityFloat - 0.46879062662624377) < 1e-15)
    }

    @Test func fixedAgreesWithFloatWithinBound() throws {
        var rng = SplitMix64(seed: 42)
        var m = Self.handModel()
        for _ in 0..<200 {
            let k = 1 + rng.below(12)
            m.inputs = (0..<k).map { j in
                ModelInput(name: "f\(j)", centre: rng.normal() * 100, scale: 0.1 + rng.uniform() * 50, coefficient: rng.normal() * 0.8)
            }
            m.intercept = rng.normal()
            var values: [String: Double] = [:]
            for i in m.inputs { values[i.name] = i.centre + i.scale * rng.normal() * 2 }
            let p = try m.predict(values)
            #expect(abs(p.probability - p.probabilityFloat) <= p.quantisationBound)
            #expect(p.quantisationBound < 5e-4)
        }
    }

    @Test func missingInputIsRefused() {
        #expect(throws: ModelError.self) { try Self.handModel().predict(["f1": 1]) }
    }

    @Test func hashSealsTheContent() throws {
        let text = try Self.handModel().sealedText()
        let loaded = try FrozenModel.load(bytes: Array(text.utf8))
        #expect(loaded.inputs == Self.handModel().inputs)
        let expected = try Self.handModel().contentHash()
        #expect(loaded.sha256 == expected)
        // Re-indenting keeps the hash valid (it covers the canonical content, not the layout)
        let compact = text.replacingAll("\n", with: " ")
        #expect(throws: Never.self) { try FrozenModel.load(bytes: Array(compact.utf8)) }
        // Changing one coefficient breaks it
        let tampered = text.replacingAll("\"coefficient\": 0.75", with: "\"coefficient\": 0.76")
        #expect(tampered != text)
        do { _ = try FrozenModel.load(bytes: Array(tampered.utf8)); Issue.record("tampered model accepted") } catch {
            #expect("\(error)".contains("hash mismatch"))
        }
        // Adding an unknown field also breaks it
        let extra = text.replacingAll("\"id\": \"hand\"", with: "\"id\": \"hand\", \"note\": \"x\"")
        #expect(throws: ModelError.self) { try FrozenModel.load(bytes: Array(extra.utf8)) }
    }

    @Test func settingsMustMatch() throws {
        let m = Self.handModel()
        try m.check(settings: ExtractionSettings.presets["ibsi-ct-a"]!)
        do { try m.check(settings: ExtractionSettings.presets["ibsi-ct-b"]!); Issue.record("accepted other settings") } catch {
            #expect("\(error)".contains("binNumber"))
        }
    }

    @Test func invalidModelsRefused() throws {
        var m = Self.handModel()
        m.thresholds.amber = 0.7
        #expect(throws: ModelError.self) { try FrozenModel.load(bytes: Array(try m.sealedText().utf8)) }
        m = Self.handModel(); m.inputs[0].scale = 0
        #expect(throws: ModelError.self) { try FrozenModel.load(bytes: Array(try m.sealedText().utf8)) }
        #expect(throws: ModelError.self) { try FrozenModel.load(bytes: Array("{\"id\": 1}".utf8)) }
    }
}

@Suite struct MetricsTests {
    @Test func aucMannWhitneyByHand() {
        // events 0.9, 0.8, 0.4; non-events 0.7, 0.4, 0.2, 0.1: 12 pairs.
        // 0.9 beats 4, 0.8 beats 4, 0.4 beats 0.2 and 0.1 and ties 0.4 (½) → 10.5/12 = 0.875
        let s = [0.9, 0.7, 0.8, 0.4, 0.4, 0.2, 0.1], y = [1, 0, 1, 0, 1, 0, 0]
        #expect(BinaryMetrics.auc(s, y) == 0.875)
        #expect(BinaryMetrics.auc([0.1, 0.2], [1, 1]) == nil)
    }

    @Test func sensitivitySpecificityByHand() {
        // threshold 0.4: events ≥ 0.4: 3/3; non-events < 0.4: 2/4
        let s = [0.9, 0.7, 0.8, 0.4, 0.4, 0.2, 0.1], y = [1, 0, 1, 0, 1, 0, 0]
        let r = BinaryMetrics.sensitivitySpecificity(s, y, threshold: 0.4)
        #expect(r.sensitivity == 1); #expect(r.specificity == 0.5)
    }

    @Test func bootstrapIsSeededAndBracketsTheAUC() {
        var rng = SplitMix64(seed: 7)
        var s: [Double] = [], y: [Int] = []
        for i in 0..<200 { let e = i % 3 == 0 ? 1 : 0; y.append(e); s.append(rng.normal() + Double(e)) }
        let a = BinaryMetrics.bootstrapAUC(s, y, replicates: 300, seed: 1)!, b = BinaryMetrics.bootstrapAUC(s, y, replicates: 300, seed: 1)!
        #expect(a.lower == b.lower && a.upper == b.upper)
        let auc = BinaryMetrics.auc(s, y)!
        #expect(a.lower < auc && auc < a.upper)
    }

    @Test func stratifiedFoldsBalance() {
        let y = [Int](repeating: 1, count: 10) + [Int](repeating: 0, count: 23)
        let f = Trainer.stratifiedFolds(y, k: 5, seed: 3)
        for k in 0..<5 {
            let ev = (0..<y.count).filter { f[$0] == k && y[$0] == 1 }.count
            #expect(ev == 2)
            let all = f.filter { $0 == k }.count
            #expect(all == 6 || all == 7)
        }
        #expect(f == Trainer.stratifiedFolds(y, k: 5, seed: 3))
    }
}
