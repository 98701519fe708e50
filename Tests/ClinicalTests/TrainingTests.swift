import Testing
import Radiomics
@testable import Clinical

/// train → freeze → verify → apply on a synthetic cohort with a known law (SyntheticCohort).
@Suite struct TrainingTests {
    static func options(clinical: [String] = []) -> TrainingOptions {
        var o = TrainingOptions(outcome: "outcome", settings: ExtractionSettings.presets["ibsi-ct-a"]!)
        o.exclude = ["afp", "afp_gt_400", "synthetic"].filter { !clinical.contains($0) }
        o.clinical = clinical
        o.bootstrap = 200
        o.synthetic = true
        o.lambdaCount = 40
        return o
    }

    static let train = try! WideTable.parse(SyntheticCohort.wideCSV(SyntheticCohort.generate(count: 300, seed: 11)), path: "train.csv")
    static let held = try! WideTable.parse(SyntheticCohort.wideCSV(SyntheticCohort.generate(count: 300, seed: 12)), path: "held.csv")

    @Test func radScoreFindsTheTextureFeatures() throws {
        let r = try Trainer.train(Self.train, validation: Self.held, options: Self.options())
        let m = r.model
        let names = m.inputs.map(\.name)
        #expect(names.contains("syn.texture_a") && names.contains("syn.texture_b"))
        // texture_a rises with h (risk up), texture_b falls with h
        #expect(m.inputs.first { $0.name == "syn.texture_a" }!.coefficient > 0)
        #expect(m.inputs.first { $0.name == "syn.texture_b" }!.coefficient < 0)
        let noise = m.inputs.filter { $0.name.hasPrefix("syn.noise") }.map { abs($0.coefficient) }.max() ?? 0
        #expect(noise < 0.5 * abs(m.inputs.first { $0.name == "syn.texture_a" }!.coefficient))
        // The cross-validated AUC's bootstrap 95 % CI covers the AUC on a large held-out synthetic set (3000 studies
        // from the same law, fixed-point inference), i.e. the reported performance holds on new data.
        let cv = try #require(m.metrics.first { $0.name == "AUC" && $0.dataset.hasPrefix("cross-validated") })
        var o = Self.options(); o.bootstrap = 0
        let big = try WideTable.parse(SyntheticCohort.wideCSV(SyntheticCohort.generate(count: 3000, seed: 13)), path: "big.csv")
        let heldAUC = try #require(try Trainer.validate(m, on: big, outcome: "outcome", o: o).first { $0.name == "AUC" })
        #expect(cv.lower! <= heldAUC.value && heldAUC.value <= cv.upper!)
        #expect(heldAUC.value > 0.7)
        #expect(m.metrics.contains { $0.name == "AUC" && $0.dataset.hasPrefix("validation (held.csv") })
        #expect(m.thresholds.amber <= m.thresholds.red)
        #expect(m.synthetic)
        #expect(r.cardMarkdown.contains("SYNTHETIC"))
    }

    @Test func frozenFileVerifiesAndPredictsLikeTraining() throws {
        let m = try Trainer.train(Self.train, options: Self.options(clinical: ["afp_gt_400"])).model
        #expect(m.nomogram?.inputs.map(\.name) == ["radscore", "afp_gt_400"])
        #expect((m.nomogram?.inputs[1].coefficient ?? 0) > 0)        // AFP > 400 raises risk by the law
        let text = try m.sealedText()
        let loaded = try FrozenModel.load(bytes: Array(text.utf8))
        #expect(loaded == { var c = m; c.sha256 = try? m.contentHash(); return c }())
        try loaded.check(settings: ExtractionSettings.presets["ibsi-ct-a"]!)
        #expect(throws: ModelError.self) { try loaded.check(settings: ExtractionSettings.presets["ibsi-ct-d"]!) }
        // Fixed-point and float64 answers agree within the documented bound on every held-out row.
        let cols = try loaded.requiredInputs.map { ($0, Self.held.numbers(try Self.held.column($0))) }
        for i in 0..<Self.held.rows.count {
            var v: [String: Double] = [:]
            for (n, c) in cols { v[n] = c[i]! }
            let p = try loaded.predict(v)
            #expect(abs(p.probability - p.probabilityFloat) <= p.quantisationBound)
        }
    }

    @Test func trainingIsDeterministic() throws {
        let t = try WideTable.parse(SyntheticCohort.wideCSV(SyntheticCohort.generate(count: 120, seed: 14)), path: "small.csv")
        var o = Self.options(); o.bootstrap = 50; o.lambdaCount = 20
        let a = try Trainer.train(t, options: o).model
        let b = try Trainer.train(t, options: o).model
        #expect(try a.contentHash() == b.contentHash())
    }

    @Test func badTablesAreRefused() throws {
        let t = try WideTable.parse("id,f,outcome\na,1,0\nb,2,2\n", path: "x.csv")
        #expect(throws: (any Error).self) { try Trainer.train(t, options: Self.options()) }
        #expect(throws: (any Error).self) { try WideTable.parse("id,f\na,1,2\n", path: "x.csv") }
        #expect(throws: (any Error).self) { try WideTable.parse("id,id\na,1\n", path: "x.csv") }
        let q = try WideTable.parse("id,\"a,b\"\r\n\"x\"\"y\",3\n", path: "q.csv")
        #expect(q.header == ["id", "a,b"]); #expect(q.rows == [["x\"y", "3"]])
    }
}

@Suite struct WideTableTests {
    @Test func namesWithBracketsSplitCorrectly() {
        #expect(WideTable.splitNames("tumour.cm.contrast[2D, averaged], afp,x") == ["tumour.cm.contrast[2D, averaged]", "afp", "x"])
    }
    @Test func rowFilter() throws {
        let t = try WideTable.parse("study,region,f\na,tumour,1\na,ring5mm,2\n", path: "c.csv")
        #expect(try t.filtered(column: "region", equals: "tumour").rows == [["a", "tumour", "1"]])
        #expect(throws: (any Error).self) { try t.filtered(column: "region", equals: "liver") }
    }
}
