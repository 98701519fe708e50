import Radiomics

/// Options of `hccedge train`.
public struct TrainingOptions: Sendable {
    public enum LambdaRule: String, Sendable { case min, oneSE = "1se" }
    public var outcome: String
    /// Study id column; nil = the first column.
    public var idColumn: String?
    /// Feature columns; nil = every other column that is numeric and complete.
    public var features: [String]?
    public var exclude: [String] = []
    /// Clinical covariates for the nomogram stage (numeric columns, e.g. `afp_gt_400`, `bclc`).
    public var clinical: [String] = []
    public var folds = 5
    public var seed: UInt64 = 20_260_101
    public var lambdaCount = 100
    public var lambdaRatio = 0.01
    public var lambdaRule: LambdaRule = .min
    public var bootstrap = 1000
    /// The amber cut-off keeps at least this sensitivity (p ≥ amber counts as "not green").
    public var ruleOutSensitivity = 0.90
    /// The red cut-off keeps at least this specificity.
    public var ruleInSpecificity = 0.90
    public var amberThreshold: Double?
    public var redThreshold: Double?
    public var settings: ExtractionSettings
    public var id = "site-radscore"
    public var version = "1"
    public var task = "binary outcome (event = 1)"
    public var intendedUse = "Research use only: site-trained rad-score reported beside the validated scores; not for treatment decisions."
    public var population = "not stated"
    public var outcomeDescription = "not stated"
    public var horizon = "not stated"
    public var synthetic = false
    public var createdBy = "hccedge train"

    public init(outcome: String, settings: ExtractionSettings) { self.outcome = outcome; self.settings = settings }
}

/// What training produced: the frozen model, its card as Markdown, and a log of decisions.
public struct TrainingResult: Sendable {
    public var model: FrozenModel
    public var cardMarkdown: String
    public var log: [String]
}

/// Standardise → LASSO logistic path → k-fold CV (stratified, seeded folds) → λ → metrics → frozen model.
public enum Trainer {
    public static func train(_ table: WideTable, validation: WideTable? = nil, options o: TrainingOptions) throws -> TrainingResult {
        var log: [String] = []
        let y = try table.outcome(o.outcome)
        let n = y.count
        let events = y.reduce(0, +)
        guard o.folds >= 2 else { throw ModelError("--folds must be at least 2") }
        guard events >= o.folds, n - events >= o.folds else {
            throw ModelError("\(table.path): need at least \(o.folds) events and \(o.folds) non-events for \(o.folds)-fold CV (have \(events) and \(n - events))")
        }
        let idIndex = try o.idColumn.map { try table.column($0) } ?? 0
        for c in o.clinical { _ = try table.column(c) }

        // Candidate features.
        var names: [String] = [], cols: [[Double]] = []
        let reserved = Set([table.header[idIndex], o.outcome] + o.clinical + o.exclude)
        var dropped = 0
        for (j, h) in table.header.enumerated() where !reserved.contains(h) {
            if let f = o.features, !f.contains(h) { continue }
            let v = table.numbers(j)
            guard v.allSatisfy({ $0 != nil }) else {
                if o.features != nil { throw ModelError("\(table.path): feature '\(h)' has empty or non-numeric cells") }
                dropped += 1; continue
            }
            names.append(h); cols.append(v.map { $0! })
        }
        for f in o.features ?? [] where !names.contains(f) { _ = try table.column(f) }
        if dropped > 0 { log.append("dropped \(dropped) columns with empty or non-numeric cells") }

        // Standardise (mean, population SD); constant columns are dropped.
        var centres: [Double] = [], scales: [Double] = [], z: [[Double]] = [], kept: [String] = []
        for (name, c) in zip(names, cols) {
            let (m, s) = meanSD(c)
            guard s > 0 else { log.append("dropped constant column \(name)"); continue }
            kept.append(name); centres.append(m); scales.append(s); z.append(c.map { ($0 - m) / s })
        }
        guard !kept.isEmpty else { throw ModelError("\(table.path): no usable feature columns") }
        log.append("\(n) studies (\(events) events), \(kept.count) candidate features")

        // λ path on all data, truncated where the fit becomes (nearly) saturated.
        let lmax = Logistic.lambdaMax(columns: z, y: y)
        var lambdas = Logistic.lambdaPath(max: max(lmax, 1e-12), count: o.lambdaCount, ratio: o.lambdaRatio)
        let nullDev = Logistic.deviance([Double](repeating: Double(events) / Double(n), count: n), y)
        var fullPath: [LogisticFit] = []
        var prev: LogisticFit? = nil
        for l in lambdas {
            let f = Logistic.lasso(columns: z, y: y, lambda: l, start: prev)
            fullPath.append(f); prev = f
            let dev = Logistic.deviance(Logistic.predict(f, columns: z, rows: Array(0..<n)), y)
            if dev < 0.001 * nullDev { log.append("λ path stopped at \(fullPath.count) values: fit saturated"); break }
        }
        lambdas = Array(lambdas.prefix(fullPath.count))

        // Stratified folds: events and non-events shuffled separately (seeded), dealt round-robin.
        let fold = stratifiedFolds(y, k: o.folds, seed: o.seed)
        var foldDev = [[Double]](repeating: [Double](repeating: 0, count: lambdas.count), count: o.folds)
        var oof = [[Double]](repeating: [Double](repeating: 0, count: n), count: lambdas.count)
        var foldSize = [Int](repeating: 0, count: o.folds)
        for k in 0..<o.folds {
            let train = (0..<n).filter { fold[$0] != k }, test = (0..<n).filter { fold[$0] == k }
            foldSize[k] = test.count
            let zt = z.map { c in train.map { c[$0] } }
            let yt = train.map { y[$0] }
            var start: LogisticFit? = nil
            for (li, l) in lambdas.enumerated() {
                let f = Logistic.lasso(columns: zt, y: yt, lambda: l, start: start)
                start = f
                let p = Logistic.predict(f, columns: z, rows: test)
                for (t, i) in test.enumerated() { oof[li][i] = p[t] }
                foldDev[k][li] = Logistic.deviance(p, test.map { y[$0] })
            }
        }
        // CV deviance mean and standard error (fold-size weighted, as glmnet).
        var cvm = [Double](repeating: 0, count: lambdas.count), cvse = cvm
        for li in 0..<lambdas.count {
            var m = 0.0
            for k in 0..<o.folds { m += Double(foldSize[k]) * foldDev[k][li] }
            m /= Double(n)
            var v = 0.0
            for k in 0..<o.folds { let d = foldDev[k][li] - m; v += Double(foldSize[k]) * d * d }
            cvm[li] = m; cvse[li] = DetMath.sqrt(v / Double(n) / Double(o.folds - 1))
        }
        var best = 0
        for li in 0..<lambdas.count where cvm[li] < cvm[best] { best = li }
        var chosen = best
        if o.lambdaRule == .oneSE {
            chosen = (0...best).first { cvm[$0] <= cvm[best] + cvse[best] } ?? best
        }
        let fit = fullPath[chosen]
        let selected = (0..<kept.count).filter { fit.coefficients[$0] != 0 }
        log.append("λ = \(lambdas[chosen]) (\(o.lambdaRule.rawValue); λmax \(lmax)); CV deviance \(cvm[chosen]) ± \(cvse[chosen]); \(selected.count) features selected")
        if selected.isEmpty { log.append("warning: no feature selected — the model is intercept-only") }

        let inputs = selected.map { ModelInput(name: kept[$0], centre: centres[$0], scale: scales[$0], coefficient: fit.coefficients[$0]) }
        var radApparent = [Double](repeating: fit.intercept, count: n)
        for j in selected { for i in 0..<n { radApparent[i] += fit.coefficients[j] * z[j][i] } }
        var apparentP = radApparent.map(FixedPoint.sigmoid)
        var oofP = oof[chosen]

        // Optional nomogram: unpenalised logistic regression on the rad-score and clinical covariates.
        var nomogram: NomogramStage? = nil
        if !o.clinical.isEmpty {
            var clin: [[Double]] = []
            for c in o.clinical {
                let v = table.numbers(try table.column(c))
                guard v.allSatisfy({ $0 != nil }) else { throw ModelError("\(table.path): clinical column '\(c)' has empty or non-numeric cells") }
                clin.append(v.map { $0! })
            }
            let oofRad = oofP.map { p -> Double in let q = min(max(p, 1e-12), 1 - 1e-12); return DetMath.log(q / (1 - q)) }
            let stageNames = ["radscore"] + o.clinical
            let stats = ([radApparent] + clin).map(meanSD)
            for (nm, s) in zip(stageNames, stats) where s.1 <= 0 { throw ModelError("\(table.path): column '\(nm)' is constant") }
            func rows(_ rad: [Double], _ idx: [Int]) -> [[Double]] {
                idx.map { i in ([rad[i]] + clin.map { $0[i] }).enumerated().map { (j, v) in (v - stats[j].0) / stats[j].1 } }
            }
            guard let f2 = Logistic.newton(x: rows(radApparent, Array(0..<n)), y: y, offset: nil) else {
                throw ModelError("nomogram fit did not converge (separation or collinear covariates)")
            }
            nomogram = NomogramStage(inputs: stageNames.enumerated().map { (j, nm) in
                ModelInput(name: nm, centre: stats[j].0, scale: stats[j].1, coefficient: f2.coefficients[j]) }, intercept: f2.intercept)
            func prob(_ f: LogisticFit, _ x: [Double]) -> Double {
                var e = f.intercept; for (b, v) in zip(f.coefficients, x) { e += b * v }; return FixedPoint.sigmoid(e)
            }
            apparentP = rows(radApparent, Array(0..<n)).map { prob(f2, $0) }
            var oof2 = [Double](repeating: 0, count: n)
            for k in 0..<o.folds {
                let train = (0..<n).filter { fold[$0] != k }, test = (0..<n).filter { fold[$0] == k }
                guard let fk = Logistic.newton(x: rows(oofRad, train), y: train.map { y[$0] }, offset: nil) else {
                    throw ModelError("nomogram fit in fold \(k + 1) did not converge")
                }
                for (i, x) in zip(test, rows(oofRad, test)) { oof2[i] = prob(fk, x) }
            }
            oofP = oof2
            log.append("nomogram stage: radscore + \(o.clinical.joined(separator: ", "))")
        }

        // Operating thresholds from the cross-validated probabilities.
        let cands = Array(Set(oofP)).sorted()
        let amberAuto = cands.last { BinaryMetrics.sensitivitySpecificity(oofP, y, threshold: $0).sensitivity >= o.ruleOutSensitivity } ?? cands.first ?? 0.5
        let redAuto = cands.first { BinaryMetrics.sensitivitySpecificity(oofP, y, threshold: $0).specificity >= o.ruleInSpecificity } ?? cands.last ?? 0.5
        let amber = min(max(o.amberThreshold ?? amberAuto, 1e-4), 1 - 1e-4)
        let red = max(min(max(o.redThreshold ?? redAuto, 1e-4), 1 - 1e-4), amber)
        let thresholds = OperatingThresholds(
            amber: amber, red: red,
            amberRule: o.amberThreshold != nil ? "set by the user" : "largest cut-off keeping cross-validated sensitivity ≥ \(o.ruleOutSensitivity)",
            redRule: o.redThreshold != nil ? "set by the user" : "smallest cut-off keeping cross-validated specificity ≥ \(o.ruleInSpecificity)" + (red > redAuto ? " (raised to the amber cut-off)" : ""))

        // Metrics.
        var metrics = evaluate(apparentP, y, dataset: "training (apparent)", thresholds: thresholds, o: o, seedOffset: 1, calibration: false)
        metrics += evaluate(oofP, y, dataset: "cross-validated (\(o.folds)-fold, out-of-fold)", thresholds: thresholds, o: o, seedOffset: 2, calibration: true)

        var model = FrozenModel(id: o.id, version: o.version, task: o.task, intendedUse: o.intendedUse, synthetic: o.synthetic,
                                settings: o.settings, inputs: inputs, intercept: fit.intercept, nomogram: nomogram,
                                thresholds: thresholds, metrics: metrics, card: ModelCard(
                                    population: o.population, outcome: o.outcomeDescription, horizon: o.horizon,
                                    inputsAndUnits: "", settings: "", data: "", fitting: "", metrics: "", knownFailureModes: []),
                                createdBy: o.createdBy)
        if let v = validation {
            model.metrics += try validate(model, on: v, outcome: o.outcome, o: o)
        }
        model.card = card(model, o: o, n: n, events: events, candidates: kept.count, dropped: dropped,
                          lambda: lambdas[chosen], table: table, validation: validation)
        try model.validate()
        return TrainingResult(model: model, cardMarkdown: cardMarkdown(model), log: log)
    }

    /// Metrics of a frozen model on a held-out table, computed with the box's fixed-point inference.
    public static func validate(_ model: FrozenModel, on v: WideTable, outcome: String, o: TrainingOptions) throws -> [Metric] {
        let y = try v.outcome(outcome)
        let need = try model.requiredInputs.map { ($0, v.numbers(try v.column($0))) }
        var p: [Double] = []
        for i in 0..<y.count {
            var values: [String: Double] = [:]
            for (name, col) in need {
                guard let x = col[i] else { throw ModelError("\(v.path): row \(i + 2): '\(name)' is empty or not a number") }
                values[name] = x
            }
            p.append(try model.predict(values).probability)
        }
        return evaluate(p, y, dataset: "validation (\(v.path), fixed-point inference)", thresholds: model.thresholds, o: o,
                        seedOffset: 3, calibration: true)
    }

    static func evaluate(_ p: [Double], _ y: [Int], dataset: String, thresholds t: OperatingThresholds, o: TrainingOptions,
                         seedOffset: UInt64, calibration: Bool) -> [Metric] {
        var m: [Metric] = []
        if let a = BinaryMetrics.auc(p, y) {
            let ci = BinaryMetrics.bootstrapAUC(p, y, replicates: o.bootstrap, seed: o.seed &+ seedOffset &* 0x9E3779B97F4A7C15)
            m.append(Metric("AUC", dataset, a, lower: ci?.lower, upper: ci?.upper,
                            note: "95% CI: percentile bootstrap, \(o.bootstrap) replicates, seed \(o.seed)"))
        }
        for (name, thr) in [("amber", t.amber), ("red", t.red)] {
            let ss = BinaryMetrics.sensitivitySpecificity(p, y, threshold: thr)
            let nPos = Double(y.reduce(0, +)), nNeg = Double(y.count) - nPos
            let (sl, su) = wilson(ss.sensitivity, nPos), (pl, pu) = wilson(ss.specificity, nNeg)
            m.append(Metric("sensitivity at \(name) cut-off \(Scores.fmt(thr, digits: 4))", dataset, ss.sensitivity, lower: sl, upper: su, note: "95% CI: Wilson"))
            m.append(Metric("specificity at \(name) cut-off \(Scores.fmt(thr, digits: 4))", dataset, ss.specificity, lower: pl, upper: pu, note: "95% CI: Wilson"))
        }
        if calibration, let c = BinaryMetrics.calibration(p, y) {
            m.append(Metric("calibration slope", dataset, c.slope))
            m.append(Metric("calibration intercept (in the large)", dataset, c.intercept))
        }
        return m.filter { $0.value.isFinite }
    }

    /// Wilson score 95 % interval for a proportion.
    static func wilson(_ p: Double, _ n: Double) -> (Double?, Double?) {
        guard n > 0, p.isFinite else { return (nil, nil) }
        let z = 1.959963984540054, z2 = z * z
        let c = (p + z2 / (2 * n)) / (1 + z2 / n)
        let h = z * DetMath.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
        return (max(0, c - h), min(1, c + h))
    }

    /// Mean and population standard deviation.
    static func meanSD(_ v: [Double]) -> (Double, Double) {
        let n = Double(v.count)
        var s = 0.0
        for x in v { s += x }
        let m = s / n
        var q = 0.0
        for x in v { q += (x - m) * (x - m) }
        return (m, DetMath.sqrt(q / n))
    }

    /// Fold of each row: events and non-events each shuffled (Fisher–Yates, SplitMix64) and dealt round-robin.
    public static func stratifiedFolds(_ y: [Int], k: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var fold = [Int](repeating: 0, count: y.count)
        var next = 0
        for cls in [1, 0] {
            var idx = y.indices.filter { y[$0] == cls }
            if idx.count > 1 { for i in stride(from: idx.count - 1, to: 0, by: -1) { idx.swapAt(i, rng.below(i + 1)) } }
            for i in idx { fold[i] = next % k; next += 1 }
        }
        return fold
    }
}
