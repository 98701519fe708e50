import Imaging
import Radiomics

/// One connected tumour component of the mask, measured as a radiologist would.
public struct Lesion: Sendable, Codable, Equatable {
    /// 1 = largest by volume.
    public var rank: Int
    public var voxelCount: Int
    public var volumeML: Double
    /// Longest diameter within one axial slice, edge to edge (cm) — the one measured on screen (RECIST-like).
    public var longestAxialDiameterCM: Double
    /// Longest distance between any two points of the lesion in 3-D, edge to edge (cm).
    public var maximum3DDiameterCM: Double
    /// Axial slice (in the file's grid) where the lesion's cross-section is largest.
    public var largestSlice: Int
}

/// Connected components of a tumour mask (26-connectivity), specks below a volume dropped.
public enum LesionFinder {
    /// Default speck threshold: components under 0.01 mL (10 mm³) are noise, not lesions.
    public static let defaultMinimumVolumeML = 0.01

    /// Labels each voxel with its lesion rank (0 = outside or speck) and measures each lesion.
    public static func find(_ mask: Mask, minimumVolumeML: Double = defaultMinimumVolumeML) -> (lesions: [Lesion], labels: [Int32]) {
        let d = mask.dims
        var comp = [Int32](repeating: 0, count: d.count)
        var sizes: [Int] = []
        var stack: [Int] = []
        var next: Int32 = 0
        for start in 0..<d.count where mask.voxels[start] != 0 && comp[start] == 0 {
            next += 1
            comp[start] = next
            stack.append(start)
            var size = 0
            while let n = stack.popLast() {
                size += 1
                let i = n % d.x, j = (n / d.x) % d.y, k = n / (d.x * d.y)
                for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                    let a = i + di, b = j + dj, c = k + dk
                    guard a >= 0, b >= 0, c >= 0, a < d.x, b < d.y, c < d.z else { continue }
                    let m = d.index(a, b, c)
                    if mask.voxels[m] != 0 && comp[m] == 0 { comp[m] = next; stack.append(m) }
                } } }
            }
            sizes.append(size)
        }
        let voxelML = mask.spacing.voxelVolume / 1000
        // Rank components by size (ties: first found), keep those at or above the threshold.
        let kept = sizes.indices.filter { Double(sizes[$0]) * voxelML >= minimumVolumeML }
            .sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var rankOf = [Int32](repeating: 0, count: sizes.count + 1)
        for (r, c) in kept.enumerated() { rankOf[c + 1] = Int32(r + 1) }
        var labels = [Int32](repeating: 0, count: d.count)
        for n in 0..<d.count where comp[n] != 0 { labels[n] = rankOf[Int(comp[n])] }
        let lesions = kept.enumerated().map { r, c in
            measure(labels: labels, rank: Int32(r + 1), dims: d, spacing: mask.spacing,
                    voxelCount: sizes[c], zOffset: mask.offsetInFile.z)
        }
        return (lesions, labels)
    }

    /// Diameters from the corners of the lesion's pixels: per slice a 2-D convex hull; the 3-D maximum is attained
    /// between vertices of those slice hulls (taken at the slab's top and bottom faces).
    static func measure(labels: [Int32], rank: Int32, dims d: Dims, spacing s: Spacing, voxelCount: Int, zOffset: Int) -> Lesion {
        var best2D = 0.0, bestArea = -1, bestSlice = 0
        var hullPoints: [(Double, Double, Double)] = []
        for k in 0..<d.z {
            var corners: [(Int, Int)] = []
            var area = 0
            for j in 0..<d.y { for i in 0..<d.x where labels[d.index(i, j, k)] == rank {
                area += 1
                corners += [(i, j), (i + 1, j), (i, j + 1), (i + 1, j + 1)]
            } }
            if area == 0 { continue }
            if area > bestArea { bestArea = area; bestSlice = k }
            let hull = convexHull2D(corners)
            let pts = hull.map { (Double($0.0) * s.x, Double($0.1) * s.y) }
            for a in 0..<pts.count { for b in a..<pts.count {
                let dx = pts[a].0 - pts[b].0, dy = pts[a].1 - pts[b].1
                best2D = max(best2D, (dx * dx + dy * dy).squareRoot())
            } }
            for p in pts { hullPoints.append((p.0, p.1, Double(k) * s.z)); hullPoints.append((p.0, p.1, Double(k + 1) * s.z)) }
        }
        var best3D = 0.0
        for a in 0..<hullPoints.count { for b in (a + 1)..<max(a + 1, hullPoints.count) {
            let dx = hullPoints[a].0 - hullPoints[b].0, dy = hullPoints[a].1 - hullPoints[b].1, dz = hullPoints[a].2 - hullPoints[b].2
            best3D = max(best3D, (dx * dx + dy * dy + dz * dz).squareRoot())
        } }
        return Lesion(rank: Int(rank), voxelCount: voxelCount, volumeML: Double(voxelCount) * s.voxelVolume / 1000,
                      longestAxialDiameterCM: best2D / 10, maximum3DDiameterCM: best3D / 10,
                      largestSlice: bestSlice + zOffset)
    }

    /// Andrew's monotone chain on integer points; returns the hull vertices counter-clockwise.
    static func convexHull2D(_ points: [(Int, Int)]) -> [(Int, Int)] {
        let p = points.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        if p.count < 3 { return p }
        func cross(_ o: (Int, Int), _ a: (Int, Int), _ b: (Int, Int)) -> Int {
            (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
        }
        var lower: [(Int, Int)] = [], upper: [(Int, Int)] = []
        for q in p {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
            lower.append(q)
        }
        for q in p.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
            upper.append(q)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }
}

/// The peritumoral ring: voxels within `widthMM` of the tumour (distance between voxel centres, on the real
/// spacing), outside the tumour, optionally clipped to the liver.
public enum PeritumoralRing {
    public static func ring(around tumour: Mask, widthMM: Double, liver: Mask? = nil) -> Mask {
        let d = tumour.dims, s = tumour.spacing
        let rx = Int(widthMM / s.x), ry = Int(widthMM / s.y), rz = Int(widthMM / s.z)
        var offsets: [(Int, Int, Int)] = []
        for k in -rz...rz { for j in -ry...ry { for i in -rx...rx {
            let x = Double(i) * s.x, y = Double(j) * s.y, z = Double(k) * s.z
            if (i, j, k) != (0, 0, 0) && x * x + y * y + z * z <= widthMM * widthMM { offsets.append((i, j, k)) }
        } } }
        var out = [UInt8](repeating: 0, count: d.count)
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x where tumour.voxels[d.index(i, j, k)] != 0 {
            // Only border voxels can reach outside the tumour.
            var border = false
            for (a, b, c) in [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)] {
                let x = i + a, y = j + b, z = k + c
                if x < 0 || y < 0 || z < 0 || x >= d.x || y >= d.y || z >= d.z || tumour.voxels[d.index(x, y, z)] == 0 { border = true; break }
            }
            guard border else { continue }
            for (a, b, c) in offsets {
                let x = i + a, y = j + b, z = k + c
                guard x >= 0, y >= 0, z >= 0, x < d.x, y < d.y, z < d.z else { continue }
                let n = d.index(x, y, z)
                if tumour.voxels[n] == 0 { out[n] = 1 }
            }
        } } }
        if let l = liver { for n in 0..<d.count where l.voxels[n] == 0 { out[n] = 0 } }
        return Mask(geometry: tumour.geometry, voxels: out, offsetInFile: (tumour.offsetInFile.x, tumour.offsetInFile.y, tumour.offsetInFile.z))
    }
}
