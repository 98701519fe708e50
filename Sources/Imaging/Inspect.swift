/// Orientation codes and header summaries for `hccedge inspect`.

/// Three-letter orientation code of a grid in the NIfTI RAS+ world: for each voxel axis (i, j, k) the
/// anatomical direction the index increases toward (R/L, A/P, S/I), taken from the axis' dominant direction
/// cosine. The nibabel convention: a DICOM-ordered CT (i → patient left, j → posterior, k → head) is "LPS".
public enum Orientation {
    public static func code(_ direction: [[Double]]) -> String {
        var s = ""
        for c in 0..<3 {
            let v = direction[c]
            var best = 0
            for r in 1..<3 where abs(v[r]) > abs(v[best]) { best = r }
            let letters: [(Character, Character)] = [("R", "L"), ("A", "P"), ("S", "I")]
            s.append(v[best] >= 0 ? letters[best].0 : letters[best].1)
        }
        return s
    }
}

/// What `hccedge inspect` reports about one NIfTI file (the whole file is streamed slice by slice).
public struct NIfTISummary: Sendable {
    public var path: String
    public var version: Int
    public var bigEndian: Bool
    public var datatype: NIfTIDataType
    public var geometry: Geometry
    public var slope: Double, intercept: Double
    /// Smallest and largest finite value after scaling; nil when no finite voxel.
    public var range: (min: Double, max: Double)?
    public var nonFinite: Int
    public var nonZero: Int
    /// True when every value is 0 or 1 (a binary mask).
    public var isBinary: Bool
    /// Voxel count per integer label 1…255 when every value is an integer in 0…255 (a label map), else empty.
    public var labels: [(label: Int, count: Int)]

    /// Reads the header and streams the voxels once.
    public static func of(_ path: String) throws -> NIfTISummary {
        let f = try NIfTIFile(path)
        let (slope, inter) = f.header.scaling
        var lo = Double.infinity, hi = -Double.infinity, bad = 0, nz = 0, integral0to255 = true
        var hist = [Int](repeating: 0, count: 256)
        let n = f.geometry.dims.x * f.geometry.dims.y, dec = f.decoder
        try f.forEachSlice { _, raw in
            dec.forEach(raw, count: n) { _, v in
                let x = v * slope + inter
                guard x.isFinite else { bad += 1; return }
                if x < lo { lo = x }; if x > hi { hi = x }
                if x != 0 { nz += 1 }
                if integral0to255 {
                    if x >= 0, x <= 255, x == x.rounded() { hist[Int(x)] += 1 } else { integral0to255 = false }
                }
            }
        }
        var labels: [(Int, Int)] = []
        if integral0to255 { for l in 1..<256 where hist[l] > 0 { labels.append((l, hist[l])) } }
        return NIfTISummary(path: path, version: f.header.version, bigEndian: f.header.bigEndian, datatype: f.header.datatype,
                            geometry: f.geometry, slope: slope, intercept: inter,
                            range: lo <= hi ? (lo, hi) : nil, nonFinite: bad, nonZero: nz,
                            isBinary: integral0to255 && labels.allSatisfy { $0.0 == 1 }, labels: labels)
    }

    /// Human-readable lines.
    public var lines: [String] {
        let g = geometry, d = g.dims, s = g.spacing
        func num(_ x: Double) -> String {
            let r = (x * 1000).rounded() / 1000
            return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
        }
        var out = [path + ":"]
        out.append("  format      NIfTI-\(version), \(bigEndian ? "big" : "little")-endian, \(datatype)"
                   + (slope != 1 || intercept != 0 ? ", scaled ×\(num(slope)) + \(num(intercept))" : ""))
        out.append("  dims        \(d.x) × \(d.y) × \(d.z) voxels")
        out.append("  spacing     \(num(s.x)) × \(num(s.y)) × \(num(s.z)) mm")
        out.append("  orientation \(Orientation.code(g.direction)) (axes i, j, k point toward; RAS+ world)")
        out.append("  origin      (\(num(g.origin.0)), \(num(g.origin.1)), \(num(g.origin.2))) mm")
        if let r = range { out.append("  values      \(num(r.min)) … \(num(r.max))") } else { out.append("  values      none finite") }
        if nonFinite > 0 { out.append("  WARNING     \(nonFinite) NaN/Inf voxels") }
        let mL = s.voxelVolume / 1000
        if isBinary {
            out.append("  mask        \(nonZero) voxels inside, \(num(Double(nonZero) * mL)) mL")
        } else if !labels.isEmpty && labels.count <= 16 {
            for (l, c) in labels { out.append("  label \(l)     \(c) voxels, \(num(Double(c) * mL)) mL") }
        }
        return out
    }
}
