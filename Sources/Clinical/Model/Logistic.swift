import Radiomics

/// A fitted logistic model on its own (already standardised) inputs.
public struct LogisticFit: Sendable, Equatable {
    public var intercept: Double
    public var coefficients: [Double]
    public var lambda: Double
    public var converged: Bool
}

/// Logistic regression: unpenalised Newton–Raphson (small problems) and LASSO by cyclic coordinate descent on the
/// penalised quadratic approximation, as in glmnet (Friedman, Hastie & Tibshirani, J Stat Softw 2010;33(1)):
/// minimise −(1/n)·loglik(β₀, β) + λ·Σ|βⱼ| (intercept not penalised).
public enum Logistic {
    /// Probabilities are kept in [1e-5, 1 − 1e-5] inside the quadratic approximation (glmnet's rule).
    static let pEps = 1e-5

    /// Unpenalised maximum likelihood with intercept by Newton–Raphson. `x[i]` is row i; `offset` is added to the
    /// linear predictor. nil when the Hessian is singular or the iteration does not converge (e.g. separation).
    public static func newton(x: [[Double]], y: [Int], offset: [Double]?, maxIterations: Int = 100) -> LogisticFit? {
        let n = y.count
        guard n > 0, x.count == n else { return nil }
        let p = x.first?.count ?? 0
        var beta = [Double](repeating: 0, count: p + 1)   // [intercept, coefficients…]
        for _ in 0..<maxIterations {
            var grad = [Double](repeating: 0, count: p + 1)
            var hess = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: p + 1)
            for i in 0..<n {
                var eta = beta[0] + (offset?[i] ?? 0)
                for j in 0..<p { eta += beta[j + 1] * x[i][j] }
                let pr = FixedPoint.sigmoid(eta)
                let w = pr * (1 - pr)
                let r = Double(y[i]) - pr
                var row = [1.0]; row += x[i]
                for a in 0...p {
                    grad[a] += row[a] * r
                    for b in 0...a { hess[a][b] += w * row[a] * row[b] }
                }
            }
            for a in 0...p { for b in 0..<a { hess[b][a] = hess[a][b] } }
            guard let step = solve(hess, grad) else { return nil }
            var maxStep = 0.0
            for a in 0...p { beta[a] += step[a]; maxStep = max(maxStep, abs(step[a])) }
            if !(maxStep.isFinite) || maxStep > 1e6 { return nil }
            if maxStep < 1e-11 { return LogisticFit(intercept: beta[0], coefficients: Array(beta[1...]), lambda: 0, converged: true) }
        }
        return nil
    }

    /// Solves A·x = b by Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ a0: [[Double]], _ b0: [Double]) -> [Double]? {
        var a = a0, b = b0
        let n = b.count
        for c in 0..<n {
            var piv = c
            for r in c + 1..<max(n, c + 1) where abs(a[r][c]) > abs(a[piv][c]) { piv = r }
            guard abs(a[piv][c]) > 1e-300 else { return nil }
            if piv != c { a.swapAt(piv, c); b.swapAt(piv, c) }
            for r in c + 1..<max(n, c + 1) {
                let f = a[r][c] / a[c][c]
                if f == 0 { continue }
                for k in c..<n { a[r][k] -= f * a[c][k] }
                b[r] -= f * b[c]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for k in r + 1..<n { s -= a[r][k] * x[k] }
            x[r] = s / a[r][r]
        }
        return x
    }

    /// λ_max: the smallest λ with every coefficient zero, max_j |(1/n)·Σᵢ xᵢⱼ(yᵢ − ȳ)| (standardised columns).
    public static func lambdaMax(columns: [[Double]], y: [Int]) -> Double {
        let n = Double(y.count)
        let ybar = Double(y.reduce(0, +)) / n
        var m = 0.0
        for c in columns {
            var s = 0.0
            for (xi, yi) in zip(c, y) { s += xi * (Double(yi) - ybar) }
            m = max(m, abs(s / n))
        }
        return m
    }

    /// Decreasing λ sequence from λ_max to λ_max·ratio, log-spaced (DetMath.pow).
    public static func lambdaPath(max lmax: Double, count: Int, ratio: Double) -> [Double] {
        guard count > 1 else { return [lmax] }
        return (0..<count).map { k in lmax * DetMath.pow(ratio, Double(k) / Double(count - 1)) }
    }

    /// LASSO fit at one λ by coordinate descent, warm-started from `start`. `columns[j][i]` is feature j of row i
    /// (standardised). Outer loop: quadratic approximation at the current fit; inner loop: cyclic coordinate descent
    /// with an active-set strategy (full sweep, then the non-zero coefficients until converged, then a full sweep
    /// that must not change the active set).
    public static func lasso(columns: [[Double]], y: [Int], lambda: Double, start: LogisticFit? = nil,
                             maxOuter: Int = 100, tolerance: Double = 1e-10) -> LogisticFit {
        let n = y.count, p = columns.count
        let nd = Double(n)
        var b0 = start?.intercept ?? {
            let ybar = min(max(Double(y.reduce(0, +)) / nd, pEps), 1 - pEps)
            return DetMath.log(ybar / (1 - ybar))
        }()
        var beta = start?.coefficients ?? [Double](repeating: 0, count: p)
        var flat = [Double](repeating: 0, count: n * p)             // column-major copy for pointer access
        for j in 0..<p { for i in 0..<n { flat[j * n + i] = columns[j][i] } }
        let yd = y.map(Double.init)
        var eta = [Double](repeating: 0, count: n)
        var w = [Double](repeating: 0, count: n), r = [Double](repeating: 0, count: n)
        var xv = [Double](repeating: 0, count: p)
        var converged = false
        flat.withUnsafeBufferPointer { X in
        eta.withUnsafeMutableBufferPointer { eta in
        w.withUnsafeMutableBufferPointer { w in
        r.withUnsafeMutableBufferPointer { r in
        xv.withUnsafeMutableBufferPointer { xv in
        beta.withUnsafeMutableBufferPointer { beta in
            for _ in 0..<maxOuter {
                // Quadratic approximation at (b0, beta): weights w, working residuals r = (y − p)/w.
                for i in 0..<n { eta[i] = b0 }
                for j in 0..<p where beta[j] != 0 { let bj = beta[j], o = j * n; for i in 0..<n { eta[i] += bj * X[o + i] } }
                var sw = 0.0
                for i in 0..<n {
                    let pr = min(max(FixedPoint.sigmoid(eta[i]), pEps), 1 - pEps)
                    w[i] = pr * (1 - pr)
                    r[i] = (yd[i] - pr) / w[i]
                    sw += w[i]
                }
                for j in 0..<p { var s = 0.0; let o = j * n; for i in 0..<n { s += w[i] * X[o + i] * X[o + i] }; xv[j] = s / nd }
                let oldB0 = b0
                let oldBeta = Array(beta)
                var active: [Int] = []
                // One cyclic pass over `indices` (intercept first); returns the largest weighted squared change.
                func sweep(_ all: Bool) -> Double {
                    var maxD = 0.0
                    var d0n = 0.0
                    for i in 0..<n { d0n += w[i] * r[i] }
                    let d0 = d0n / sw
                    if d0 != 0 { b0 += d0; for i in 0..<n { r[i] -= d0 }; maxD = max(maxD, sw / nd * d0 * d0) }
                    let count = all ? p : active.count
                    for k in 0..<count {
                        let j = all ? k : active[k]
                        let v = xv[j]
                        if v <= 0 { continue }
                        let o = j * n
                        var g = 0.0
                        for i in 0..<n { g += w[i] * X[o + i] * r[i] }
                        g = g / nd + v * beta[j]
                        let new = g > lambda ? (g - lambda) / v : (g < -lambda ? (g + lambda) / v : 0)
                        let d = new - beta[j]
                        if d != 0 {
                            for i in 0..<n { r[i] -= d * X[o + i] }
                            beta[j] = new
                            maxD = max(maxD, v * d * d)
                        }
                    }
                    return maxD
                }
                for _ in 0..<1000 {
                    if sweep(true) < tolerance { break }
                    active = (0..<p).filter { beta[$0] != 0 }
                    var k = 0
                    while k < 10000 && sweep(false) >= tolerance { k += 1 }
                }
                var maxChange = abs(b0 - oldB0)
                for j in 0..<p { maxChange = max(maxChange, abs(beta[j] - oldBeta[j])) }
                if !maxChange.isFinite { break }
                if maxChange < 1e-9 { converged = true; break }
            }
        } } } } } }
        return LogisticFit(intercept: b0, coefficients: beta, lambda: lambda, converged: converged)
    }

    /// Mean binomial deviance −2/n·Σ[y·log p + (1−y)·log(1−p)], p clamped to [1e-5, 1 − 1e-5].
    public static func deviance(_ p: [Double], _ y: [Int]) -> Double {
        var s = 0.0
        for (pi, yi) in zip(p, y) {
            let q = min(max(pi, pEps), 1 - pEps)
            s += yi == 1 ? DetMath.log(q) : DetMath.log(1 - q)
        }
        return -2 * s / Double(max(y.count, 1))
    }

    /// Probabilities of a fit on rows `rows` of the columns.
    public static func predict(_ fit: LogisticFit, columns: [[Double]], rows: [Int]) -> [Double] {
        rows.map { i in
            var eta = fit.intercept
            for (j, b) in fit.coefficients.enumerated() where b != 0 { eta += b * columns[j][i] }
            return FixedPoint.sigmoid(eta)
        }
    }
}
