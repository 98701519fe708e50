import Testing
@testable import Clinical

/// Cut-off edges (just below / at / just above) and worked examples, computed by hand from the published definitions.
@Suite struct ScoresTests {
    func values(albumin: Double? = nil, albUnit: String = "g/L", bilirubin: Double? = nil, biliUnit: String = "umol/L",
                afp: Double? = nil, inr: Double? = nil, ascites: Ascites? = nil, enceph: Encephalopathy? = nil) throws -> NormalisedValues {
        try ClinicalValues(albumin: albumin.map { LabValue($0, albUnit) }, bilirubin: bilirubin.map { LabValue($0, biliUnit) },
                           afp: afp.map { LabValue($0, "ng/mL") }, inr: inr, ascites: ascites, encephalopathy: enceph).normalised()
    }
    func t(_ d: Double?, _ n: Int?) -> TumourBurden { TumourBurden(largestDiameterCm: d, count: n) }

    // MARK: ALBI (Johnson 2015)

    @Test func albiWorkedExamples() throws {
        // bilirubin 10 µmol/L, albumin 40 g/L: 0.66·log10(10) − 0.085·40 = 0.66 − 3.40 = −2.74 → grade 1
        var r = Scores.albi(try values(albumin: 40, bilirubin: 10))
        #expect(abs(r.value! - (-2.74)) < 1e-12); #expect(r.group == "1")
        // bilirubin 100, albumin 30: 0.66·2 − 2.55 = −1.23 → grade 3
        r = Scores.albi(try values(albumin: 30, bilirubin: 100))
        #expect(abs(r.value! - (-1.23)) < 1e-12); #expect(r.group == "3")
        // bilirubin 1, albumin 30: 0 − 2.55 = −2.55 → grade 2
        r = Scores.albi(try values(albumin: 30, bilirubin: 1))
        #expect(abs(r.value! - (-2.55)) < 1e-12); #expect(r.group == "2")
        // bilirubin 1 mg/dL = 17.1 µmol/L, albumin 3.5 g/dL = 35 g/L:
        // 0.66·log10(17.1) − 2.975 = 0.66·1.2329961103921538 − 2.975 = −2.1612225671411784 → grade 2
        r = Scores.albi(try values(albumin: 3.5, albUnit: "g/dL", bilirubin: 1, biliUnit: "mg/dL"))
        #expect(abs(r.value! - (-2.1612225671411784)) < 1e-12); #expect(r.group == "2")
    }

    @Test func albiGradeEdges() {
        // grade 1 ≤ −2.60 < grade 2 ≤ −1.39 < grade 3
        #expect(Scores.albiGrade(score: (-2.60).nextDown) == 1)
        #expect(Scores.albiGrade(score: -2.60) == 1)
        #expect(Scores.albiGrade(score: (-2.60).nextUp) == 2)
        #expect(Scores.albiGrade(score: (-1.39).nextDown) == 2)
        #expect(Scores.albiGrade(score: -1.39) == 2)
        #expect(Scores.albiGrade(score: (-1.39).nextUp) == 3)
    }

    @Test func albiNotComputed() throws {
        let r = Scores.albi(try values(bilirubin: 10))
        #expect(!r.computed); #expect(r.reason == "not computed: needs albumin"); #expect(r.value == nil)
    }

    // MARK: HAP (Kadalayil 2013) and mHAP-II (Park 2016)

    func hapPoints(alb: Double = 40, bili: Double = 10, afp: Double = 10, d: Double = 3, n: Int = 1, m2: Bool = false) throws -> Int? {
        let v = try values(albumin: alb, bilirubin: bili, afp: afp)
        return (m2 ? Scores.mhap2(v, t(d, n)) : Scores.hap(v, t(d, n))).points
    }

    @Test func hapEdges() throws {
        // albumin < 36 g/L
        #expect(try hapPoints(alb: 35.9) == 1); #expect(try hapPoints(alb: 36) == 0); #expect(try hapPoints(alb: 36.1) == 0)
        // bilirubin > 17 µmol/L
        #expect(try hapPoints(bili: 16.9) == 0); #expect(try hapPoints(bili: 17) == 0); #expect(try hapPoints(bili: 17.1) == 1)
        // AFP > 400 ng/mL
        #expect(try hapPoints(afp: 399.9) == 0); #expect(try hapPoints(afp: 400) == 0); #expect(try hapPoints(afp: 400.1) == 1)
        // largest tumour > 7 cm
        #expect(try hapPoints(d: 6.9) == 0); #expect(try hapPoints(d: 7) == 0); #expect(try hapPoints(d: 7.1) == 1)
        // mHAP-II adds tumour count ≥ 2
        #expect(try hapPoints(n: 1, m2: true) == 0); #expect(try hapPoints(n: 2, m2: true) == 1); #expect(try hapPoints(n: 3, m2: true) == 1)
        // HAP ignores the count
        #expect(try hapPoints(n: 5) == 0)
    }

    @Test func hapGroups() throws {
        // A 0, B 1, C 2, D ≥ 3 (points added one item at a time)
        let v0 = try values(albumin: 40, bilirubin: 10, afp: 10), v1 = try values(albumin: 30, bilirubin: 10, afp: 10)
        let v2 = try values(albumin: 30, bilirubin: 20, afp: 10), v3 = try values(albumin: 30, bilirubin: 20, afp: 500)
        #expect(Scores.hap(v0, t(3, 1)).group == "A"); #expect(Scores.hap(v1, t(3, 1)).group == "B")
        #expect(Scores.hap(v2, t(3, 1)).group == "C"); #expect(Scores.hap(v3, t(3, 1)).group == "D")
        #expect(Scores.hap(v3, t(8, 1)).points == 4); #expect(Scores.hap(v3, t(8, 1)).group == "D")
        #expect(Scores.mhap2(v2, t(3, 2)).points == 3); #expect(Scores.mhap2(v2, t(3, 2)).group == "D")
        #expect(Scores.mhap2(v1, t(3, 2)).group == "C")
    }

    @Test func hapWorkedExample() throws {
        // The issue's calculator example: albumin 35 g/L (<36: 1), bilirubin 20 µmol/L (>17: 1), AFP 500 (>400: 1),
        // 8 cm (>7: 1) → HAP 4 points, D; mHAP-II adds count 2 (≥2: 1) → 5 points, D.
        let v = try values(albumin: 35, bilirubin: 20, afp: 500)
        #expect(Scores.hap(v, t(8, 2)).points == 4); #expect(Scores.hap(v, t(8, 2)).group == "D")
        #expect(Scores.mhap2(v, t(8, 2)).points == 5); #expect(Scores.mhap2(v, t(8, 2)).group == "D")
        // bilirubin in mg/dL: 1 mg/dL = 17.1 µmol/L > 17 → 1 point
        let w = try values(albumin: 40, bilirubin: 1, biliUnit: "mg/dL", afp: 10)
        #expect(Scores.hap(w, t(3, 1)).points == 1)
    }

    @Test func hapNeedsEverything() throws {
        let r = Scores.mhap2(try values(albumin: 40, bilirubin: 10), t(3, nil))
        #expect(r.reason == "not computed: needs afp, tumour count")
    }

    // MARK: tumour burden

    @Test func sixAndTwelveEdges() {
        // A ≤ 6 < B ≤ 12 < C (largest diameter cm + number)
        #expect(Scores.sixAndTwelve(t(4.99, 1)).group == "A")
        #expect(Scores.sixAndTwelve(t(5, 1)).group == "A")       // 5 + 1 = 6
        #expect(Scores.sixAndTwelve(t(5.01, 1)).group == "B")
        #expect(Scores.sixAndTwelve(t(10.99, 1)).group == "B")
        #expect(Scores.sixAndTwelve(t(9, 3)).group == "B")       // 9 + 3 = 12
        #expect(Scores.sixAndTwelve(t(9.01, 3)).group == "C")
        #expect(Scores.sixAndTwelve(t(8, 2)).value == 10)
    }

    @Test func upToSevenAndElevenEdges() {
        #expect(Scores.upToSeven(t(5.99, 1)).group == "within")
        #expect(Scores.upToSeven(t(6, 1)).group == "within")     // 6 + 1 = 7
        #expect(Scores.upToSeven(t(6.01, 1)).group == "beyond")
        #expect(Scores.upToEleven(t(8.99, 2)).group == "within")
        #expect(Scores.upToEleven(t(9, 2)).group == "within")    // 9 + 2 = 11
        #expect(Scores.upToEleven(t(9.01, 2)).group == "beyond")
        #expect(Scores.upToEleven(t(nil, 2)).reason == "not computed: needs largest diameter")
    }

    @Test func tumourBurdenScore() {
        // √(3² + 4²) = 5 → B; √(1 + 1) = 1.41421356… → A; √(13² + 4²) = √185 = 13.6015 → B; √(14² + 1) = √197 = 14.0357 → C
        #expect(Scores.tumourBurdenScore(t(3, 4)).value == 5); #expect(Scores.tumourBurdenScore(t(3, 4)).group == "B")
        #expect(abs(Scores.tumourBurdenScore(t(1, 1)).value! - 1.4142135623730951) < 1e-15)
        #expect(Scores.tumourBurdenScore(t(1, 1)).group == "A")
        #expect(abs(Scores.tumourBurdenScore(t(13, 4)).value! - 13.601470508735444) < 1e-12)
        #expect(Scores.tumourBurdenScore(t(13, 4)).group == "B")
        #expect(Scores.tumourBurdenScore(t(14, 1)).group == "C")
        // group edges: A < 3.36 ≤ B ≤ 13.74 < C
        #expect(Scores.tbsRank(3.36.nextDown) == 0); #expect(Scores.tbsRank(3.36) == 1); #expect(Scores.tbsRank(3.36.nextUp) == 1)
        #expect(Scores.tbsRank(13.74.nextDown) == 1); #expect(Scores.tbsRank(13.74) == 1); #expect(Scores.tbsRank(13.74.nextUp) == 2)
    }

    // MARK: ALBI-TAE

    @Test func albiTAEEdgesAndExample() throws {
        // baseline: ALBI −2.74 (grade 1: 0), AFP 10 (0), 3 cm + 1 = 4 (within up-to-11: 0) → 0, A
        let base = try values(albumin: 40, bilirubin: 10, afp: 10)
        #expect(Scores.albiTAE(base, t(3, 1)).points == 0); #expect(Scores.albiTAE(base, t(3, 1)).group == "A")
        // AFP > 200 ng/mL
        #expect(Scores.albiTAE(try values(albumin: 40, bilirubin: 10, afp: 199.9), t(3, 1)).points == 0)
        #expect(Scores.albiTAE(try values(albumin: 40, bilirubin: 10, afp: 200), t(3, 1)).points == 0)
        #expect(Scores.albiTAE(try values(albumin: 40, bilirubin: 10, afp: 200.1), t(3, 1)).points == 1)
        // beyond up-to-eleven: 9 + 2 = 11 within (0); 9.01 + 2 beyond (1)
        #expect(Scores.albiTAE(base, t(8.99, 2)).points == 0)
        #expect(Scores.albiTAE(base, t(9, 2)).points == 0); #expect(Scores.albiTAE(base, t(9.01, 2)).points == 1)
        // ALBI grade 1 → 2 across −2.60: albumin 40 g/L, bilirubin 10 → −2.74 (0); albumin 38 → 0.66 − 3.23 = −2.57 (1)
        #expect(Scores.albiTAE(try values(albumin: 38, bilirubin: 10, afp: 10), t(3, 1)).points == 1)
        // ALBI grade 2: bilirubin 1, albumin 30 → −2.55 → 1 point
        #expect(Scores.albiTAE(try values(albumin: 30, bilirubin: 1, afp: 10), t(3, 1)).points == 1)
        // worked: albumin 30, bilirubin 100 (−1.23, grade 3: 1), AFP 500 (1), 10 cm + 2 = 12 > 11 (1) → 3, D
        let r = Scores.albiTAE(try values(albumin: 30, bilirubin: 100, afp: 500), t(10, 2))
        #expect(r.points == 3); #expect(r.group == "D")
    }

    // MARK: Child-Pugh (Pugh 1973)

    func cp(bili: Double = 1, biliUnit: String = "mg/dL", alb: Double = 4, albUnit: String = "g/dL", inr: Double = 1,
            asc: Ascites = .none, enc: Encephalopathy = .none) throws -> ScoreResult {
        Scores.childPugh(try values(albumin: alb, albUnit: albUnit, bilirubin: bili, biliUnit: biliUnit, inr: inr, ascites: asc, enceph: enc))
    }

    @Test func childPughEdges() throws {
        #expect(try cp().points == 5); #expect(try cp().group == "A")
        // bilirubin < 2 / 2–3 / > 3 mg/dL
        #expect(try cp(bili: 1.99).points == 5); #expect(try cp(bili: 2).points == 6)
        #expect(try cp(bili: 3).points == 6); #expect(try cp(bili: 3.01).points == 7)
        // 34.2 µmol/L = 2 mg/dL; 51.3 µmol/L = 3 mg/dL (51.3/17.1 is 2.9999999999999996 in binary before clean-up)
        #expect(try cp(bili: 34.2, biliUnit: "umol/L").points == 6); #expect(try cp(bili: 51.3, biliUnit: "µmol/L").points == 6)
        // albumin > 3.5 / 2.8–3.5 / < 2.8 g/dL
        #expect(try cp(alb: 3.51).points == 5); #expect(try cp(alb: 3.5).points == 6)
        #expect(try cp(alb: 2.8).points == 6); #expect(try cp(alb: 2.79).points == 7)
        #expect(try cp(alb: 35, albUnit: "g/L").points == 6); #expect(try cp(alb: 28, albUnit: "g/L").points == 6)
        // INR < 1.7 / 1.7–2.3 / > 2.3
        #expect(try cp(inr: 1.69).points == 5); #expect(try cp(inr: 1.7).points == 6)
        #expect(try cp(inr: 2.3).points == 6); #expect(try cp(inr: 2.31).points == 7)
        #expect(try cp(asc: .mild).points == 6); #expect(try cp(asc: .moderateSevere).points == 7)
        #expect(try cp(enc: .grade1to2).points == 6); #expect(try cp(enc: .grade3to4).points == 7)
    }

    @Test func childPughClasses() throws {
        // A 5–6, B 7–9, C 10–15
        #expect(try cp(bili: 2).group == "A")                                        // 6
        #expect(try cp(bili: 2, alb: 3.5).group == "B")                              // 7
        // worked: bilirubin 2.5 (2) + albumin 3.0 (2) + INR 1.5 (1) + mild ascites (2) + no HE (1) = 8 → B
        #expect(try cp(bili: 2.5, alb: 3.0, inr: 1.5, asc: .mild).points == 8)
        #expect(try cp(bili: 4, alb: 2.5, inr: 1.8, asc: .mild).points == 11)        // 3 + 3 + 2 + 2 + 1
        #expect(try cp(bili: 4, alb: 2.5, inr: 1.8, asc: .mild).group == "C")
        #expect(try cp(bili: 2.5, alb: 3.0, inr: 1.8, asc: .mild).points == 9)       // 2 + 2 + 2 + 2 + 1
        #expect(try cp(bili: 2.5, alb: 3.0, inr: 1.8, asc: .mild).group == "B")
        #expect(try cp(bili: 2.5, alb: 3.0, inr: 1.8, asc: .mild, enc: .grade1to2).group == "C")  // 10
        let missing = Scores.childPugh(try values(albumin: 40, bilirubin: 10))
        #expect(missing.reason == "not computed: needs inr, ascites, encephalopathy")
    }

    // MARK: units

    @Test func unitsAreExplicit() throws {
        #expect(throws: ScoreInputError.self) { try ClinicalValues(albumin: LabValue(35, nil)).normalised() }
        do { _ = try ClinicalValues(albumin: LabValue(35, "")).normalised(); Issue.record("accepted empty unit") } catch {
            #expect("\(error)".contains("ambiguous unit"))
        }
        #expect(throws: ScoreInputError.self) { try ClinicalValues(bilirubin: LabValue(1, "mmol/L")).normalised() }
        #expect(throws: ScoreInputError.self) { try ClinicalValues(afp: LabValue(100, "IU/mL")).normalised() }
        #expect(throws: ScoreInputError.self) { try ClinicalValues(albumin: LabValue(-1, "g/L")).normalised() }
        #expect(throws: ScoreInputError.self) { try ClinicalValues(bilirubin: LabValue(0, "umol/L")).normalised() }
        // 1.1 g/dL is exactly 11 g/L (1.1·10 = 11.000000000000002 in binary before clean-up)
        #expect(try ClinicalValues(albumin: LabValue(1.1, "g/dL")).normalised().albuminGramsPerL == 11)
        #expect(try ClinicalValues(bilirubin: LabValue(2, "mg/dl")).normalised().bilirubinMicromolPerL == 34.2)
        #expect(try ClinicalValues(bilirubin: LabValue(20, "μmol/L")).normalised().bilirubinMicromolPerL == 20)
        #expect(try ClinicalValues(afp: LabValue(7, "ug/L")).normalised().afpNanogramsPerML == 7)
        #expect(throws: ScoreInputError.self) { try TumourBurden(largestDiameterCm: -1, count: 1).validated() }
    }

    // MARK: quick check (research heuristic)

    @Test func quickCheck() throws {
        // green: albumin 40, bilirubin 10, AFP 10, 3 cm × 1 → mHAP-II A, six-and-twelve A (4), ALBI grade 1
        var q = try ScoreReport.make(ClinicalValues(albumin: LabValue(40, "g/L"), bilirubin: LabValue(10, "umol/L"),
                                                    afp: LabValue(10, "ng/mL")), t(3, 1)).quickCheck
        #expect(q.light == .green)
        // red: the issue's example (HAP D)
        q = try ScoreReport.make(ClinicalValues(albumin: LabValue(35, "g/L"), bilirubin: LabValue(20, "umol/L"),
                                                afp: LabValue(500, "ng/mL")), t(8, 2)).quickCheck
        #expect(q.light == .red); #expect(q.reasons.contains("red: HAP D (4 points)"))
        // amber: albumin 35 → mHAP-II B but ALBI 0.66 − 2.975 = −2.315 → grade 2
        q = try ScoreReport.make(ClinicalValues(albumin: LabValue(35, "g/L"), bilirubin: LabValue(10, "umol/L"),
                                                afp: LabValue(10, "ng/mL")), t(3, 1)).quickCheck
        #expect(q.light == .amber); #expect(q.reasons == ["amber: ALBI grade 2"])
        // missing AFP: at best amber, and says why
        q = try ScoreReport.make(ClinicalValues(albumin: LabValue(40, "g/L"), bilirubin: LabValue(10, "umol/L")), t(3, 1)).quickCheck
        #expect(q.light == .amber); #expect(q.reasons == ["amber: mHAP-II not computed: needs afp"])
        // missing AFP but ALBI grade 3 → red regardless
        q = try ScoreReport.make(ClinicalValues(albumin: LabValue(30, "g/L"), bilirubin: LabValue(100, "umol/L")), t(3, 1)).quickCheck
        #expect(q.light == .red); #expect(q.reasons == ["red: ALBI grade 3"])
        // six-and-twelve > 12 → red
        q = try ScoreReport.make(ClinicalValues(albumin: LabValue(40, "g/L"), bilirubin: LabValue(10, "umol/L"),
                                                afp: LabValue(10, "ng/mL")), t(6.5, 6)).quickCheck
        #expect(q.light == .red)
    }
}
