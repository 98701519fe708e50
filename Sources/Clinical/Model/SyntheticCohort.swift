import Radiomics

/// A SYNTHETIC cohort whose outcome follows a known law, for testing train → freeze → verify → assess end to end.
/// Nothing here describes patients.
///
/// Law (per study, SplitMix64 with the given seed):
/// - texture heterogeneity h ~ N(0, 1); log10 AFP ~ N(1.8, 1.0) ng/mL; afp_gt_400 = [AFP > 400];
/// - outcome ~ Bernoulli(σ(−0.8 + 1.6·h + 1.2·afp_gt_400));
/// - images: a tumour whose voxel noise SD is 12·e^(0.35·h) HU around 95 HU, in liver at 60 HU (SD 8 HU);
/// - wide-CSV features (for training without images): `syn.texture_a = 40 + 12·h + N(0, 4)`,
///   `syn.texture_b = 2 − 0.5·h + N(0, 0.3)`, and `syn.noise_1…8 ~ N(0, 1)` with no link to the outcome.
public struct SyntheticStudy: Sendable, Equatable {
    public var id: String
    public var heterogeneity: Double
    public var afp: Double
    public var afpGt400: Int
    public var outcome: Int
    public var albumin: Double
    public var bilirubin: Double
    public var diameterCm: Double
    public var count: Int
    /// Wide-CSV features in column order (`SyntheticCohort.featureNames`).
    public var features: [Double]
    /// Seed for this study's image noise.
    public var imageSeed: UInt64
}

public enum SyntheticCohort {
    public static let law = "outcome ~ Bernoulli(sigmoid(-0.8 + 1.6*h + 1.2*[AFP > 400 ng/mL])), h = texture heterogeneity ~ N(0,1); tumour noise SD 12*exp(0.35*h) HU"
    public static let featureNames = ["syn.texture_a", "syn.texture_b"] + (1...8).map { "syn.noise_\($0)" }

    public static func generate(count n: Int, seed: UInt64) -> [SyntheticStudy] {
        var rng = SplitMix64(seed: seed)
        var out: [SyntheticStudy] = []
        for i in 0..<n {
            let h = rng.normal()
            let afp = (DetMath.pow(10, 1.8 + rng.normal()) * 10).rounded() / 10
            let gt = afp > 400 ? 1 : 0
            let y = rng.uniform() < FixedPoint.sigmoid(-0.8 + 1.6 * h + 1.2 * Double(gt)) ? 1 : 0
            let albumin = ((38 + 4 * rng.normal()) * 10).rounded() / 10
            let bilirubin = max(3, ((14 + 6 * rng.normal()) * 10).rounded() / 10)
            let count = 1 + (rng.uniform() < 0.3 ? 1 : 0)
            let diameter = ((1.5 + 3 * rng.uniform()) * 10).rounded() / 10
            var f = [40 + 12 * h + 4 * rng.normal(), 2 - 0.5 * h + 0.3 * rng.normal()]
            for _ in 0..<8 { f.append(rng.normal()) }
            out.append(SyntheticStudy(id: "syn\(pad(i + 1))", heterogeneity: h, afp: afp, afpGt400: gt, outcome: y,
                                      albumin: albumin, bilirubin: bilirubin, diameterCm: diameter, count: count,
                                      features: f, imageSeed: rng.next()))
        }
        return out
    }

    /// Wide CSV: study id, the synthetic features, afp, afp_gt_400, outcome, synthetic flag.
    public static func wideCSV(_ studies: [SyntheticStudy]) -> String {
        var s = (["study"] + featureNames + ["afp", "afp_gt_400", "outcome", "synthetic"]).joined(separator: ",") + "\n"
        for st in studies {
            s += ([st.id] + st.features.map { "\($0)" } + ["\(st.afp)", "\(st.afpGt400)", "\(st.outcome)", "1"]).joined(separator: ",") + "\n"
        }
        return s
    }

    static func pad(_ i: Int) -> String { let s = String(i); return String(repeating: "0", count: max(0, 4 - s.count)) + s }
}
