import Imaging

/// The ROI surface mesh of the IBSI morphology chapter: marching cubes on the mask padded with one
/// layer of zeros, iso-level 0.5, so every vertex is the midpoint of a grid edge joining an inside
/// and an outside voxel centre (or, in a few ambiguous cube cases, the cube's centre). Vertices are kept as integer *doubled* voxel coordinates
/// (2·i, 2·j, 2·k, +1 on the crossed axis), which makes the mesh volume an exact integer sum.
///
/// Each cube's triangles come from `MarchingCubesTable` (Lewiner et al.'s case analysis evaluated
/// for binary corners, the marching cubes behind the IBSI reference values). The mesh is closed
/// and every face normal points out of the ROI.
public struct SurfaceMesh: Sendable {
    /// Mesh volume in mm³ (IBSI RNU0): |Σ a·(b×c)| / 6 over the faces.
    public var volume: Double
    /// Mesh surface area in mm² (IBSI C0JK): Σ |ab × ac| / 2.
    public var area: Double
    /// Number of triangles.
    public var faceCount: Int
    /// Σ a·(b×c) over the faces in doubled voxel units (exact; positive: normals point out of the ROI).
    public var signedDeterminantSum: Int64
    /// Vertices, doubled voxel coordinates relative to the grid origin (may be −1): the edge
    /// midpoints in grid order, then the cube centres used by ambiguous cases.
    public var vertices: [Point3]

    /// Builds the mesh of `mask` (1 = inside) on a grid of `dims` with voxel `spacing` (mm).
    /// Returns nil when the mask is empty or does not match `dims`.
    public static func build(mask: [UInt8], dims: Dims, spacing: Spacing) -> SurfaceMesh? {
        guard mask.count == dims.count, dims.count > 0 else { return nil }
        // Bounding box of the inside voxels.
        var lo = (dims.x, dims.y, dims.z), hi = (-1, -1, -1)
        for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x where mask[dims.index(i, j, k)] != 0 {
            lo = (min(lo.0, i), min(lo.1, j), min(lo.2, k)); hi = (max(hi.0, i), max(hi.1, j), max(hi.2, k))
        } } }
        guard hi.0 >= 0 else { return nil }
        @inline(__always) func inside(_ i: Int, _ j: Int, _ k: Int) -> Bool {
            i >= 0 && j >= 0 && k >= 0 && i < dims.x && j < dims.y && k < dims.z && mask[dims.index(i, j, k)] != 0
        }
        // Doubled in-cube positions of the table's vertex codes 9x + 3y + z.
        var code: [Point3] = []
        for c in 0..<27 { code.append(Point3(Int64(c / 9), Int64(c / 3 % 3), Int64(c % 3))) }
        let hx = spacing.x / 2, hy = spacing.y / 2, hz = spacing.z / 2
        var detSum: Int64 = 0
        var area = 0.0
        var faces = 0
        var centres: [Point3] = []
        // Cubes whose lower corner is voxel (i, j, k); the padding layer is i = lo−1 … hi.
        for k in (lo.2 - 1)...hi.2 { for j in (lo.1 - 1)...hi.1 { for i in (lo.0 - 1)...hi.0 {
            var config = 0
            for c in 0..<8 where inside(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)) { config |= 1 << c }
            if config == 0 || config == 255 { continue }
            // Origin of the doubled coordinates: the padded box corner, so values stay small.
            let ox = Int64(2 * (i - lo.0 + 1)), oy = Int64(2 * (j - lo.1 + 1)), oz = Int64(2 * (k - lo.2 + 1))
            let tris = MarchingCubesTable.triangles[config]
            if tris.contains(13) { centres.append(Point3(Int64(2 * i + 1), Int64(2 * j + 1), Int64(2 * k + 1))) }
            var t = 0
            while t + 2 < tris.count {
                let a = code[Int(tris[t])], b = code[Int(tris[t + 1])], c = code[Int(tris[t + 2])]
                let ax = ox + a.x, ay = oy + a.y, az = oz + a.z
                let bx = ox + b.x, by = oy + b.y, bz = oz + b.z
                let cx = ox + c.x, cy = oy + c.y, cz = oz + c.z
                // a · (b × c); bounded by the box size, summed exactly (wrapping cannot change the exact total).
                let d = ax &* (by &* cz &- bz &* cy) &+ ay &* (bz &* cx &- bx &* cz) &+ az &* (bx &* cy &- by &* cx)
                detSum = detSum &+ d
                // Area in mm: edges ab and ac scaled by the half spacing.
                let abx = Double(b.x - a.x) * hx, aby = Double(b.y - a.y) * hy, abz = Double(b.z - a.z) * hz
                let acx = Double(c.x - a.x) * hx, acy = Double(c.y - a.y) * hy, acz = Double(c.z - a.z) * hz
                let nx = aby * acz - abz * acy, ny = abz * acx - abx * acz, nz = abx * acy - aby * acx
                area += (nx * nx + ny * ny + nz * nz).squareRoot() / 2
                faces += 1
                t += 3
            }
        } } }
        // Volume: doubled coordinates scale lengths by 2, so det by 8.
        let volume = Double(detSum < 0 ? -detSum : detSum) / 48 * spacing.x * spacing.y * spacing.z
        // Vertices: one per grid edge joining an inside and an outside voxel (padding counts as outside).
        var verts: [Point3] = []
        for k in (lo.2 - 1)...(hi.2 + 1) { for j in (lo.1 - 1)...(hi.1 + 1) { for i in (lo.0 - 1)...(hi.0 + 1) {
            let here = inside(i, j, k)
            if here != inside(i + 1, j, k) { verts.append(Point3(Int64(2 * i + 1), Int64(2 * j), Int64(2 * k))) }
            if here != inside(i, j + 1, k) { verts.append(Point3(Int64(2 * i), Int64(2 * j + 1), Int64(2 * k))) }
            if here != inside(i, j, k + 1) { verts.append(Point3(Int64(2 * i), Int64(2 * j), Int64(2 * k + 1))) }
        } } }
        return SurfaceMesh(volume: volume, area: area, faceCount: faces, signedDeterminantSum: detSum, vertices: verts + centres)
    }
}

/// A point with integer coordinates (doubled voxel units for mesh vertices).
public struct Point3: Sendable, Equatable, Hashable {
    public var x: Int64, y: Int64, z: Int64
    public init(_ x: Int64, _ y: Int64, _ z: Int64) { self.x = x; self.y = y; self.z = z }
}
