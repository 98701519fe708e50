import Imaging

/// IBSI 1 local intensity features (family 9ST6), always 3D (DHQ4).
///
/// The peak of a voxel is the mean intensity of every voxel whose centre lies within r = 10·(3/(4π))^(1/3) mm
/// ≈ 6.2035 mm (a 1 cm³ sphere, world distances between voxel centres) of its centre, ROI or not. Voxels outside
/// the image are left out of the mean (only matters for an ROI touching the image border). The sphere is
/// precomputed once as row segments (dz, dy, ±a); row prefix sums in Int64 make each voxel's sum exact and cost
/// one subtraction per row.
public enum LocalIntensity {
    /// The sphere as row segments: for each (dz, dy) the half-width a in x.
    struct Sphere {
        var rows: [(dz: Int, dy: Int, a: Int)] = []
        init(spacing s: Spacing, radius r: Double) {
            let ex = Int((r / s.x).rounded(.down)), ey = Int((r / s.y).rounded(.down)), ez = Int((r / s.z).rounded(.down))
            for dz in -ez...ez {
                for dy in -ey...ey {
                    var a = -1
                    for dx in 0...ex {
                        let x = Double(dx) * s.x, y = Double(dy) * s.y, z = Double(dz) * s.z
                        if DetMath.sqrt(x * x + y * y + z * z) <= r { a = dx }
                    }
                    if a >= 0 { rows.append((dz, dy, a)) }
                }
            }
        }
    }

    /// Peak means at every voxel of the intensity mask; returns (local peak, global peak) in real units.
    public static func peaks(_ region: Region) -> (local: Double, global: Double)? {
        let d = region.dims
        let sp = region.spacing, r = Preprocessing.peakSphereRadius
        // Refuse absurd voxel sizes (the sphere would hold millions of voxels).
        guard sp.x > 0, sp.y > 0, sp.z > 0, (r / sp.x) * (r / sp.y) * (r / sp.z) <= 1e6 else { return nil }
        let sphere = Sphere(spacing: sp, radius: r)
        // Row prefix sums: prefix[(k·dy + j)·(dx+1) + i] = Σ_{x<i} v(x, j, k).
        let w = d.x + 1
        var prefix = [Int64](repeating: 0, count: w * d.y * d.z)
        for k in 0..<d.z { for j in 0..<d.y {
            let base = (k * d.y + j) * w
            var s: Int64 = 0
            for i in 0..<d.x { s += Int64(region.intensities[d.index(i, j, k)]); prefix[base + i + 1] = s }
        } }
        func mean(_ i: Int, _ j: Int, _ k: Int) -> Double {
            var s: Int64 = 0, n = 0
            for r in sphere.rows {
                let y = j + r.dy, z = k + r.dz
                if y < 0 || z < 0 || y >= d.y || z >= d.z { continue }
                let x0 = max(0, i - r.a), x1 = min(d.x - 1, i + r.a)
                let base = (z * d.y + y) * w
                s += prefix[base + x1 + 1] - prefix[base + x0]
                n += x1 - x0 + 1
            }
            return Double(s) / Double(n)
        }
        var top = Int32.min
        for n in 0..<region.intensities.count where region.intensityMask[n] != 0 { top = max(top, region.intensities[n]) }
        if top == Int32.min { return nil }
        var local = -Double.infinity, global = -Double.infinity
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x {
            let n = d.index(i, j, k)
            if region.intensityMask[n] == 0 { continue }
            let m = mean(i, j, k)
            global = max(global, m)
            if region.intensities[n] == top { local = max(local, m) }
        } } }
        return (local * region.unit, global * region.unit)
    }

    /// Computes this family's features: VJGA local intensity peak (max intensity voxel(s); highest of their
    /// sphere means) and 0F91 global intensity peak (highest sphere mean over the intensity mask).
    public static func features(_ input: FeatureInput) -> [Feature] {
        guard let p = peaks(input.region) else {
            let why = "empty intensity mask or voxels too small for the 1 cm³ sphere"
            return [Feature("loc.peak.local", "VJGA", "", nil, reason: why), Feature("loc.peak.global", "0F91", "", nil, reason: why)]
        }
        return [Feature("loc.peak.local", "VJGA", "", p.local), Feature("loc.peak.global", "0F91", "", p.global)]
    }
}
