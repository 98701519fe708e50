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
    /// Row prefix sums are kept only for the 2·ez + 1 slices the sphere spans (a ring of slices), and a voxel whose
    /// sphere lies inside the crop (all of them unless the ROI touches the image border) sums fixed offsets.
    public static func peaks(_ region: Region) -> (local: Double, global: Double)? {
        let d = region.dims
        let sp = region.spacing, r = Preprocessing.peakSphereRadius
        // Refuse absurd voxel sizes (the sphere would hold millions of voxels).
        guard sp.x > 0, sp.y > 0, sp.z > 0, (r / sp.x) * (r / sp.y) * (r / sp.z) <= 1e6,
              region.intensities.count == d.count, region.intensityMask.count == d.count else { return nil }
        let sphere = Sphere(spacing: sp, radius: r)
        var top = Int32.min
        for n in 0..<region.intensities.count where region.intensityMask[n] != 0 { top = max(top, region.intensities[n]) }
        if top == Int32.min || sphere.rows.isEmpty { return nil }
        var ez = 0, ey = 0, ax = 0
        for row in sphere.rows { ez = max(ez, abs(row.dz)); ey = max(ey, abs(row.dy)); ax = max(ax, row.a) }
        // Ring of row prefix sums: slot (z mod R) holds prefix[(j·(dx+1)) + i] = Σ_{x<i} v(x, j, z).
        let w = d.x + 1, plane = w * d.y, ringSize = min(d.z, 2 * ez + 1)
        var ring = [Int64](repeating: 0, count: ringSize * plane)
        var ready = 0
        var rowOff = [Int](repeating: 0, count: sphere.rows.count), rowA = rowOff, rowDy = rowOff
        var local = -Double.infinity, global = -Double.infinity
        for k in 0..<d.z {
            while ready < min(d.z, k + ez + 1) {
                let slot = (ready % ringSize) * plane
                for j in 0..<d.y {
                    let base = slot + j * w, src = (ready * d.y + j) * d.x
                    var s: Int64 = 0
                    for i in 0..<d.x { s += Int64(region.intensities[src + i]); ring[base + i + 1] = s }
                }
                ready += 1
            }
            // Rows of the sphere inside the crop in z, and the voxel count of an interior sphere.
            var nv = 0, interiorCount = 0
            for row in sphere.rows where k + row.dz >= 0 && k + row.dz < d.z {
                rowOff[nv] = ((k + row.dz) % ringSize) * plane + row.dy * w; rowA[nv] = row.a; rowDy[nv] = row.dy
                interiorCount += 2 * row.a + 1
                nv += 1
            }
            for j in 0..<d.y { for i in 0..<d.x {
                let n = (k * d.y + j) * d.x + i
                if region.intensityMask[n] == 0 { continue }
                var s: Int64 = 0, count = 0
                if j >= ey, j + ey < d.y, i >= ax, i + ax < d.x {
                    let at = j * w + i
                    for q in 0..<nv { let b = rowOff[q] + at, a = rowA[q]; s += ring[b + a + 1] - ring[b - a] }
                    count = interiorCount
                } else {
                    for q in 0..<nv {
                        let y = j + rowDy[q]
                        if y < 0 || y >= d.y { continue }
                        let x0 = max(0, i - rowA[q]), x1 = min(d.x - 1, i + rowA[q])
                        let b = rowOff[q] + j * w
                        s += ring[b + x1 + 1] - ring[b + x0]
                        count += x1 - x0 + 1
                    }
                }
                let m = Double(s) / Double(count)
                global = max(global, m)
                if region.intensities[n] == top { local = max(local, m) }
            } }
        }
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
