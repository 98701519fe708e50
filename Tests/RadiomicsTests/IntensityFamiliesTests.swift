import Testing
import Imaging
@testable import Radiomics

/// Hand-worked cases of the intensity families from the IBSI 1 definitions (manual ch. 3).
@Suite struct IntensityFamiliesTests {
    /// The 1 cm³ sphere (r = 10·(3/(4π))^(1/3) ≈ 6.2035 mm) on a 2 mm isotropic grid holds the offsets with
    /// 4(x² + y² + z²) ≤ 38.48, i.e. x² + y² + z² ≤ 9: 1 + 6 (|·|²=1) + 12 (2) + 8 (3) + 6 (4) + 24 (5) + 24 (6)
    /// + 12 (8) + 30 (9: 6 of (3,0,0), 24 of (2,2,1)) = 123 voxels.
    @Test func peakSphereOn2mmGrid() {
        #expect(abs(Preprocessing.peakSphereRadius - 6.2035) < 1e-4)
        let s = LocalIntensity.Sphere(spacing: Spacing(2, 2, 2), radius: Preprocessing.peakSphereRadius)
        #expect(s.rows.reduce(0) { $0 + 2 * $1.a + 1 } == 123)
    }

    /// Percentiles by linear interpolation of order statistics (IBSI reference implementations, numpy default):
    /// X = {1, 2, 4, 7}: P25 at h = 3·0.25 = 0.75 → 1 + 0.75·1 = 1.75; median h = 1.5 → 3; P90 h = 2.7 → 4 + 0.7·3 = 6.1.
    @Test func percentileRule() {
        let s = IntensityStatistics.Sample(values: [7, 1, 4, 2], unit: 1)
        #expect(s.percentile(25) == 1.75)
        #expect(s.percentile(50) == 3)
        #expect(abs(s.percentile(90) - 6.1) < 1e-12)
        // mean 3.5, σ² = (6.25 + 2.25 + 0.25 + 12.25)/4 = 5.25; energy 1 + 4 + 16 + 49 = 70.
        let f = Dictionary(uniqueKeysWithValues: IntensityStatistics.table.evaluate(on: s, aggregation: "").map { ($0.tag, $0.value) })
        #expect(f["stat.mean"]! == 3.5)
        #expect(f["stat.var"]! == 5.25)
        #expect(f["stat.energy"]! == 70)
        #expect(f["stat.medad"]! == 2)        // |1−3|+|2−3|+|4−3|+|7−3| = 8, /4
    }

    /// Mode ties (IBSI AMMC): counts n = (2, 0, 2) → μ = 2, both bins equidistant → the left one (1);
    /// n = (2, 0, 2, 1) → μ = 11/5 = 2.2, level 3 is closer → 3. Gradient of (2, 0, 2, 1):
    /// H′ = (0−2, (2−2)/2, (1−0)/2, 1−2) = (−2, 0, 0.5, −1): max 0.5 at 3, min −2 at 1.
    @Test func histogramModeAndGradient() {
        let a = IntensityHistogram.Histogram(counts: [2, 0, 2])
        let b = IntensityHistogram.Histogram(counts: [2, 0, 2, 1])
        let mode = IntensityHistogram.table.first { $0.tag == "ih.mode" }!
        #expect(mode.compute(a) == 1)
        #expect(mode.compute(b) == 3)
        #expect(b.gradient == [-2, 0, 0.5, -1])
        let f = Dictionary(uniqueKeysWithValues: IntensityHistogram.table.evaluate(on: b, aggregation: "").map { ($0.tag, $0.value) })
        #expect(f["ih.max.grad.gl"]! == 3)
        #expect(f["ih.min.grad.gl"]! == 1)
        // uniformity (4 + 4 + 1)/25; entropy −(2·0.4·log₂0.4 + 0.2·log₂0.2) ≈ 1.5219
        #expect(f["ih.uniformity"]! == 9.0 / 25)
        #expect(abs(f["ih.entropy"]!! - 1.5219280948873621) < 1e-12)
    }

    /// IVH (IBSI P88C) on a hand case X = {1, 1, 1, 2, 5}, G = [1, 5], ν_i = fraction with level ≥ i.
    /// V10: first i with (i−1)/4 ≥ 0.1 is 2 → ν₂ = 2/5 = 0.4. V90: i ≥ 1 + 3.6 → 5 → ν₅ = 1/5.
    /// I10: lowest i with ν_i ≤ 0.1: ν₃ = ν₄ = ν₅ = 0.2, ν₆ (beyond G) → H + 1 = 6. I90: ν₂ = 0.4 ≤ 0.9 → 2.
    @Test func intensityVolumeHistogram() {
        let c = IntensityVolumeHistogram.Curve(levels: [1, 1, 1, 2, 5], lower: 1, upper: 5, offset: 0, scale: 1)
        #expect(c.volumeAt(percent: 10) == 0.4)
        #expect(c.volumeAt(percent: 90) == 0.2)
        #expect(c.intensityAt(percent: 10) == 6)
        #expect(c.intensityAt(percent: 90) == 2)
    }
}
