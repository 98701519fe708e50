import Imaging

/// The ROI surface mesh of the IBSI morphology chapter: marching cubes on the mask padded with one
/// layer of zeros, iso-level 0.5, so every vertex is the midpoint of a grid edge joining an inside
/// and an outside voxel centre. Vertices are kept as integer *doubled* voxel coordinates
/// (2·i, 2·j, 2·k, +1 on the crossed axis), which makes the mesh volume an exact integer sum.
///
/// The triangle table is generated, not typed in: on each face of a cube the iso-line segments
/// run from the edge entering a run of inside corners to the edge leaving it (counter-clockwise as
/// seen from outside the cube), so two diagonal inside corners on a face are kept apart. The
/// segments close into loops; each loop is fan-triangulated from the vertex whose fan encloses
/// the largest volume (this reproduces the IBSI digital phantom's 556 mm³ and asphericity; the
/// first-vertex fan gives 554 mm³). Neighbouring cubes see the same segments in opposite
/// directions, so the mesh is closed and every face normal points out of the ROI.
public struct SurfaceMesh: Sendable {
    /// Mesh volume in mm³ (IBSI RNU0): |Σ a·(b×c)| / 6 over the faces.
    public var volume: Double
    /// Mesh surface area in mm² (IBSI C0JK): Σ |ab × ac| / 2.
    public var area: Double
    /// Number of triangles.
    public var faceCount: Int
    /// Σ a·(b×c) over the faces in doubled voxel units (exact; positive: normals point out of the ROI).
    public var signedDeterminantSum: Int64
    /// Vertices, doubled voxel coordinates relative to the grid origin (may be −1).
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
        let table = MarchingCubesTable.shared
        let hx = spacing.x / 2, hy = spacing.y / 2, hz = spacing.z / 2
        var detSum: Int64 = 0
        var area = 0.0
        var faces = 0
        // Cubes whose lower corner is voxel (i, j, k); the padding layer is i = lo−1 … hi.
        for k in (lo.2 - 1)...hi.2 { for j in (lo.1 - 1)...hi.1 { for i in (lo.0 - 1)...hi.0 {
            var config = 0
            for c in 0..<8 where inside(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)) { config |= 1 << c }
            if config == 0 || config == 255 { continue }
            // Origin of the doubled coordinates: the padded box corner, so values stay small.
            let ox = Int64(2 * (i - lo.0 + 1)), oy = Int64(2 * (j - lo.1 + 1)), oz = Int64(2 * (k - lo.2 + 1))
            let tris = table.triangles[config]
            var t = 0
            while t < tris.count {
                let a = table.edgePoint[tris[t]], b = table.edgePoint[tris[t + 1]], c = table.edgePoint[tris[t + 2]]
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
        return SurfaceMesh(volume: volume, area: area, faceCount: faces, signedDeterminantSum: detSum, vertices: verts)
    }
}

/// A point with integer coordinates (doubled voxel units for mesh vertices).
public struct Point3: Sendable, Equatable, Hashable {
    public var x: Int64, y: Int64, z: Int64
    public init(_ x: Int64, _ y: Int64, _ z: Int64) { self.x = x; self.y = y; self.z = z }
}

/// Triangles per cube configuration (bit c set = corner c inside; corner c sits at
/// (c & 1, c >> 1 & 1, c >> 2 & 1)), as triples of cube-edge indices, generated once.
struct MarchingCubesTable: Sendable {
    /// Flattened edge-index triples per configuration (256 entries).
    let triangles: [[Int]]
    /// Doubled position of each edge's midpoint within the cube.
    let edgePoint: [Point3]

    static let shared = MarchingCubesTable()

    init() {
        // The 12 edges: (corner, corner | axis bit) for corners without that bit.
        var edges: [(Int, Int)] = []
        for bit in [1, 2, 4] { for c in 0..<8 where c & bit == 0 { edges.append((c, c | bit)) } }
        func corner(_ c: Int) -> (Int64, Int64, Int64) { (Int64(c & 1), Int64((c >> 1) & 1), Int64((c >> 2) & 1)) }
        let ep = edges.map { e in
            let a = corner(e.0), b = corner(e.1)
            return Point3(a.0 + b.0, a.1 + b.1, a.2 + b.2)
        }
        edgePoint = ep
        func edgeIndex(_ a: Int, _ b: Int) -> Int {
            edges.firstIndex { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) }!
        }
        // The 6 faces, corners counter-clockwise seen from outside the cube.
        var faces: [[Int]] = []
        for axis in 0..<3 {
            let u = 1 << ((axis + 1) % 3), v = 1 << ((axis + 2) % 3), w = 1 << axis
            for side in 0..<2 {
                let base = side == 1 ? w : 0
                let ccw = [base, base | u, base | u | v, base | v]   // counter-clockwise about +axis
                faces.append(side == 1 ? ccw : ccw.reversed())
            }
        }
        var all: [[Int]] = []
        for config in 0..<256 {
            let inside = (0..<8).map { config & (1 << $0) != 0 }
            var next = [Int](repeating: -1, count: 12)
            for f in faces {
                for s in 0..<4 where inside[f[s]] && !inside[f[(s + 3) % 4]] {
                    var e = s
                    while inside[f[(e + 1) % 4]] { e = (e + 1) % 4 }
                    let enter = edgeIndex(f[(s + 3) % 4], f[s]), leave = edgeIndex(f[e], f[(e + 1) % 4])
                    next[enter] = leave
                }
            }
            var tris: [Int] = []
            var seen = [Bool](repeating: false, count: 12)
            for start in 0..<12 where next[start] >= 0 && !seen[start] {
                var loop: [Int] = []
                var e = start
                while !seen[e] { seen[e] = true; loop.append(e); e = next[e] }
                // Fan from the vertex that gives the largest enclosed volume (ties: first).
                var bestStart = 0, bestVol = Int64.min
                for st in 0..<loop.count {
                    var vol: Int64 = 0
                    for t in 1..<(loop.count - 1) {
                        let a = ep[loop[st]], b = ep[loop[(st + t) % loop.count]], c = ep[loop[(st + t + 1) % loop.count]]
                        vol += a.x * (b.y * c.z - b.z * c.y) + a.y * (b.z * c.x - b.x * c.z) + a.z * (b.x * c.y - b.y * c.x)
                    }
                    if vol > bestVol { bestVol = vol; bestStart = st }
                }
                for t in 1..<(loop.count - 1) {
                    tris += [loop[bestStart], loop[(bestStart + t) % loop.count], loop[(bestStart + t + 1) % loop.count]]
                }
            }
            all.append(tris)
        }
        triangles = all
    }
}
