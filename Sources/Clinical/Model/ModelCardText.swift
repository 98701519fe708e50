import Radiomics

extension Trainer {
    /// Fills the TRIPOD+AI items of the model card from the training run.
    static func card(_ m: FrozenModel, o: TrainingOptions, n: Int, events: Int, candidates: Int, dropped: Int,
                     lambda: Double, table: WideTable, validation: WideTable?) -> ModelCard {
        let s = m.settings
        var settings = "preset/name \(s.name); mode \(s.mode); discretisation \(s.discretisation.rawValue)"
        if let b = s.binSize { settings += " bin size \(Scores.fmt(b))" }
        if let b = s.binNumber { settings += " bin number \(b)" }
        if let r = s.resampleSpacing { settings += "; resampled to \(r.map { Scores.fmt($0) }.joined(separator: " × ")) mm" }
        settings += "; the full settings are embedded in this file and the box refuses a model whose settings differ from its own"
        let inputs = m.inputs.map(\.name) + (m.nomogram?.inputs.map(\.name).filter { $0 != "radscore" } ?? [])
        var failure = [
            "Features outside the training range (|z| > \(Int(FixedPoint.zLimit)) is clamped and reported); scanners, protocols, contrast timing or segmentation styles not represented in the training data.",
            "Missing features: the model is not evaluated (no imputation).",
            "Trained on \(n) studies (\(events) events): estimates are optimistic and unstable for small cohorts; apparent metrics overstate performance, use the cross-validated and validation rows.",
            "Thresholds were chosen on the training cohort's cross-validated predictions; they need local recalibration elsewhere.",
        ]
        if o.synthetic { failure.insert("SYNTHETIC: trained on generated data with a known law; it says nothing about patients.", at: 0) }
        func metricLine(_ x: Metric) -> String {
            var t = "\(x.name) [\(x.dataset)] \(Scores.fmt(x.value, digits: 3))"
            if let l = x.lower, let u = x.upper { t += " (95% CI \(Scores.fmt(l, digits: 3))–\(Scores.fmt(u, digits: 3)))" }
            return t
        }
        return ModelCard(
            population: o.population + (o.synthetic ? " (SYNTHETIC cohort)" : ""),
            outcome: o.outcomeDescription + " (column '\(o.outcome)', 1 = event)",
            horizon: o.horizon,
            inputsAndUnits: "\(inputs.count) inputs: \(inputs.joined(separator: ", ")); radiomics features in the units of the embedded extraction settings (IBSI definitions), clinical covariates as coded in the training table",
            settings: settings,
            data: "\(table.path): \(n) studies, \(events) events, \(candidates) candidate features (\(dropped) incomplete columns dropped)" +
                (validation.map { "; held-out validation table \($0.path) (\($0.rows.count) studies)" } ?? ""),
            fitting: "features standardised (mean, population SD); LASSO logistic regression by coordinate descent (glmnet-style quadratic approximation); λ = \(lambda) chosen by \(o.folds)-fold stratified CV (seed \(o.seed), rule \(o.lambdaRule.rawValue), binomial deviance)" +
                (m.nomogram != nil ? "; nomogram stage: unpenalised logistic regression on radscore + clinical covariates" : ""),
            metrics: m.metrics.map(metricLine).joined(separator: "; "),
            knownFailureModes: failure)
    }

    /// The model card as Markdown (written beside the model file).
    public static func cardMarkdown(_ m: FrozenModel) -> String {
        var s = "# Model card: \(m.id) \(m.version)\(m.synthetic ? " (SYNTHETIC)" : "")\n\n"
        s += "**RESEARCH USE ONLY — not for diagnosis or treatment decisions.**\n\n"
        s += "- Task: \(m.task)\n- Intended use: \(m.intendedUse)\n- Created by: \(m.createdBy)\n"
        s += "- SHA-256 of the canonical content: `\((try? m.contentHash()) ?? "?")`\n\n"
        s += "## TRIPOD+AI items\n\n| item | |\n|---|---|\n"
        let c = m.card
        for (k, v) in [("Population", c.population), ("Outcome", c.outcome), ("Horizon", c.horizon),
                       ("Inputs and units", c.inputsAndUnits), ("Extraction settings", c.settings), ("Data", c.data),
                       ("Model fitting", c.fitting)] {
            s += "| \(k) | \(v.replacingAll("|", with: "\\|")) |\n"
        }
        s += "\n## Coefficients (standardised inputs z = (x − centre)/scale)\n\n| input | centre | scale | coefficient |\n|---|---|---|---|\n"
        s += "| (intercept) | | | \(m.intercept) |\n"
        for i in m.inputs { s += "| \(i.name) | \(i.centre) | \(i.scale) | \(i.coefficient) |\n" }
        if let n = m.nomogram {
            s += "\nNomogram stage:\n\n| input | centre | scale | coefficient |\n|---|---|---|---|\n| (intercept) | | | \(n.intercept) |\n"
            for i in n.inputs { s += "| \(i.name) | \(i.centre) | \(i.scale) | \(i.coefficient) |\n" }
        }
        s += "\n## Operating thresholds\n\n- green: p < \(m.thresholds.amber) (\(m.thresholds.amberRule))\n"
        s += "- amber: \(m.thresholds.amber) ≤ p < \(m.thresholds.red)\n- red: p ≥ \(m.thresholds.red) (\(m.thresholds.redRule))\n"
        s += "\n## Metrics\n\n| metric | data | value | 95% CI |\n|---|---|---|---|\n"
        for x in m.metrics {
            let ci = (x.lower != nil && x.upper != nil) ? "\(Scores.fmt(x.lower!, digits: 3))–\(Scores.fmt(x.upper!, digits: 3))" : ""
            s += "| \(x.name) | \(x.dataset) | \(Scores.fmt(x.value, digits: 3)) | \(ci) |\n"
        }
        s += "\n## Known failure modes\n\n" + c.knownFailureModes.map { "- \($0)\n" }.joined()
        return s
    }
}
