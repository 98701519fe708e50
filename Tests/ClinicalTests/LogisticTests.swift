import Testing
import Radiomics
@testable import Clinical

/// The fitter against an independent implementation. Reference numbers were computed OFFLINE with Python
/// statsmodels 0.15.0 (`sm.Logit(y, sm.add_constant(X)).fit(tol=1e-14)`) and scikit-learn 1.9.1
/// (`LogisticRegression(penalty='l1', C=1/(n·λ), solver='saga', tol=1e-14)` on the standardised columns; its KKT
/// residuals were below 1e-15) and pasted here; python is not needed to run these tests.
@Suite struct LogisticTests {
    // Challenger O-ring data (Dalal, Fowlkes & Hoadley, JASA 1989): launch temperature (°F), any thermal distress.
    static let temperature: [Double] = [53, 57, 58, 63, 66, 67, 67, 67, 68, 69, 70, 70, 70, 70, 72, 73, 75, 75, 76, 76, 78, 79, 81]
    static let distress = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    // statsmodels: intercept 15.042901647702436, slope −0.2321627442185964 (the textbook 15.043 / −0.2322)
    static let challengerB0 = 15.042901647702436, challengerB1 = -0.2321627442185964

    // Hand-made 3-feature set: x = ((7i mod 11) − 5, (5i mod 13) − 6, (3i mod 7) − 3), i = 0…19.
    static let x3: [[Double]] = [[-5, -6, -3], [2, -1, 0], [-2, 4, 3], [5, -4, -1], [1, 1, 2], [-3, 6, -2], [4, -2, 1], [0, 3, -3],
                                 [-4, -5, 0], [3, 0, 3], [-1, 5, -1], [-5, -3, 2], [2, 2, -2], [-2, -6, 1], [5, -1, -3], [1, 4, 0],
                                 [-3, -4, 3], [4, 1, -1], [0, 6, 2], [-4, -2, -2]]
    static let y3 = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1]

    static func standardised(_ rows: [[Double]]) -> (columns: [[Double]], mean: [Double], sd: [Double]) {
        let p = rows[0].count
        var cols: [[Double]] = [], means: [Double] = [], sds: [Double] = []
        for j in 0..<p {
            let (m, s) = Trainer.meanSD(rows.map { $0[j] })
            means.append(m); sds.append(s); cols.append(rows.map { ($0[j] - m) / s })
        }
        return (cols, means, sds)
    }

    @Test func newtonMatchesStatsmodelsOnChallenger() throws {
        let f = try #require(Logistic.newton(x: Self.temperature.map { [$0] }, y: Self.distress, offset: nil))
        #expect(abs(f.intercept - Self.challengerB0) < 1e-8)
        #expect(abs(f.coefficients[0] - Self.challengerB1) < 1e-10)
    }

    @Test func coordinateDescentAtLambdaZeroIsTheMLE() {
        // Challenger: fit on the standardised temperature, then back to the raw scale.
        let s = Self.standardised(Self.temperature.map { [$0] })
        let f = Logistic.lasso(columns: s.columns, y: Self.distress, lambda: 0, tolerance: 1e-20)
        let slope = f.coefficients[0] / s.sd[0]
        let b0 = f.intercept - f.coefficients[0] * s.mean[0] / s.sd[0]
        #expect(f.converged)
        #expect(abs(slope - Self.challengerB1) < 1e-7)
        #expect(abs(b0 - Self.challengerB0) < 1e-5)
        // 3 features: statsmodels 0.0026651524254546837, 0.0982581775628612, −0.08539371861896455, 0.034732134462336584
        let expected = [0.0026651524254546837, 0.0982581775628612, -0.08539371861896455, 0.034732134462336584]
        let t = Self.standardised(Self.x3)
        let g = Logistic.lasso(columns: t.columns, y: Self.y3, lambda: 0, tolerance: 1e-20)
        var raw0 = g.intercept
        for j in 0..<3 { raw0 -= g.coefficients[j] * t.mean[j] / t.sd[j] }
        #expect(abs(raw0 - expected[0]) < 1e-7)
        for j in 0..<3 { #expect(abs(g.coefficients[j] / t.sd[j] - expected[j + 1]) < 1e-7) }
        let n = Logistic.newton(x: Self.x3, y: Self.y3, offset: nil)!
        for j in 0..<3 { #expect(abs(n.coefficients[j] - expected[j + 1]) < 1e-9) }
    }

    @Test func lassoMatchesScikitLearn() {
        let t = Self.standardised(Self.x3)
        // λmax = max_j |(1/n)·Σ zᵢⱼ(yᵢ − ȳ)| = 0.06545040868671789 (numpy)
        #expect(abs(Logistic.lambdaMax(columns: t.columns, y: Self.y3) - 0.06545040868671789) < 1e-14)
        let cases: [(Double, Double, [Double])] = [
            (0.05, -4.835976818553843e-06, [0.05990749896405659, -0.07249200059873644, 0]),
            (0.02, 1.6687940359074427e-05, [0.20874293607684713, -0.2214517975117009, 0]),
        ]
        for (lambda, b0, b) in cases {
            let f = Logistic.lasso(columns: t.columns, y: Self.y3, lambda: lambda, tolerance: 1e-20)
            #expect(abs(f.intercept - b0) < 1e-6, "λ \(lambda)")
            for j in 0..<3 { #expect(abs(f.coefficients[j] - b[j]) < 1e-7, "λ \(lambda) β\(j)") }
            #expect(f.coefficients[2] == 0)
        }
        // At λ ≥ λmax every coefficient is exactly zero.
        let z = Logistic.lasso(columns: t.columns, y: Self.y3, lambda: 0.0655)
        #expect(z.coefficients == [0, 0, 0])
    }

    @Test func lassoSatisfiesKKT() {
        // Optimality: (1/n)·Σ zᵢⱼ(yᵢ − pᵢ) = λ·sign(βⱼ) for βⱼ ≠ 0, and |…| ≤ λ for βⱼ = 0; Σ(yᵢ − pᵢ) = 0.
        var rng = SplitMix64(seed: 99)
        let n = 120, p = 8
        var rows: [[Double]] = [], y: [Int] = []
        for _ in 0..<n {
            let r = (0..<p).map { _ in rng.normal() }
            rows.append(r)
            y.append(rng.uniform() < FixedPoint.sigmoid(1.2 * r[0] - 0.8 * r[3] + 0.3) ? 1 : 0)
        }
        let t = Self.standardised(rows)
        for lambda in [0.1, 0.03, 0.005] {
            let f = Logistic.lasso(columns: t.columns, y: y, lambda: lambda, tolerance: 1e-20)
            let pr = Logistic.predict(f, columns: t.columns, rows: Array(0..<n))
            var s0 = 0.0
            for i in 0..<n { s0 += Double(y[i]) - pr[i] }
            #expect(abs(s0) < 1e-8)
            for j in 0..<p {
                var g = 0.0
                for i in 0..<n { g += t.columns[j][i] * (Double(y[i]) - pr[i]) }
                g /= Double(n)
                if f.coefficients[j] != 0 { #expect(abs(g - lambda * (f.coefficients[j] > 0 ? 1 : -1)) < 1e-7) }
                else { #expect(abs(g) <= lambda + 1e-9) }
            }
        }
    }

    @Test func calibrationOfTrueProbabilitiesIsNearIdeal() {
        // Outcomes drawn from the stated probabilities: slope ≈ 1, intercept ≈ 0 (n = 4000; SE ≈ 0.05).
        var rng = SplitMix64(seed: 5)
        var p: [Double] = [], y: [Int] = []
        for _ in 0..<4000 { let q = FixedPoint.sigmoid(rng.normal() * 1.5); p.append(q); y.append(rng.uniform() < q ? 1 : 0) }
        let c = BinaryMetrics.calibration(p, y)!
        #expect(abs(c.slope - 1) < 0.15)
        #expect(abs(c.intercept) < 0.15)
        // Over-confident predictions (logit doubled) give a slope near ½.
        let over = p.map { q in FixedPoint.sigmoid(2 * DetMath.log(q / (1 - q))) }
        #expect(abs(BinaryMetrics.calibration(over, y)!.slope - 0.5) < 0.08)
    }
}
