import Imaging

/// 3-D convex hull of integer points (quickhull with exact Int64 orientation tests, so coplanar
/// voxel-grid points cannot derail it). Faces are triangles with outward normals; coplanar
/// facets are triangulated, which leaves volume and area unchanged.
public struct ConvexHull: Sendable {
    /// Hull faces as vertex triples, outward (counter-clockwise seen from outside).
    public var faces: [(Point3, Point3, Point3)]
    /// Distinct hull vertices, in first-use order.
    public var vertices: [Point3]

    /// The hull of `points`, or nil when they do not span 3-D space.
    /// Points on one line parallel to x between two others cannot be hull vertices, so only the
    /// lowest and highest x of every (y, z) row are kept before the hull is built.
    public static func of(_ points: [Point3]) -> ConvexHull? {
        // Exact Int64 predicates need |coordinate| ≤ 2^17 (heights stay below 2^56).
        let limit: Int64 = 1 << 17
        guard points.allSatisfy({ abs($0.x) <= limit && abs($0.y) <= limit && abs($0.z) <= limit }) else { return nil }
        var rows: [Point3: (Int64, Int64)] = [:]
        for p in points {
            let key = Point3(0, p.y, p.z)
            if let r = rows[key] { rows[key] = (min(r.0, p.x), max(r.1, p.x)) } else { rows[key] = (p.x, p.x) }
        }
        var pts: [Point3] = []
        pts.reserveCapacity(rows.count * 2)
        for key in rows.keys.sorted(by: { ($0.z, $0.y) < ($1.z, $1.y) }) {
            let r = rows[key]!
            pts.append(Point3(r.0, key.y, key.z))
            if r.1 != r.0 { pts.append(Point3(r.1, key.y, key.z)) }
        }
        var q = Quickhull(pts)
        guard q.run() else { return nil }
        var faces: [(Point3, Point3, Point3)] = []
        var used = [Bool](repeating: false, count: pts.count)
        var verts: [Point3] = []
        for f in q.faces where f.alive {
            faces.append((pts[f.v.0], pts[f.v.1], pts[f.v.2]))
            for v in [f.v.0, f.v.1, f.v.2] where !used[v] { used[v] = true; verts.append(pts[v]) }
        }
        return ConvexHull(faces: faces, vertices: verts)
    }

    /// Volume in the points' units³ (Σ a·(b×c) / 6, exact sum).
    public func volume(scale s: (Double, Double, Double)) -> Double {
        var det: Int64 = 0
        for (a, b, c) in faces {
            det = det &+ a.x &* (b.y &* c.z &- b.z &* c.y) &+ a.y &* (b.z &* c.x &- b.x &* c.z) &+ a.z &* (b.x &* c.y &- b.y &* c.x)
        }
        return Double(det < 0 ? -det : det) / 6 * s.0 * s.1 * s.2
    }

    /// Surface area after scaling the axes by `s`.
    public func area(scale s: (Double, Double, Double)) -> Double {
        var total = 0.0
        for (a, b, c) in faces {
            let abx = Double(b.x - a.x) * s.0, aby = Double(b.y - a.y) * s.1, abz = Double(b.z - a.z) * s.2
            let acx = Double(c.x - a.x) * s.0, acy = Double(c.y - a.y) * s.1, acz = Double(c.z - a.z) * s.2
            let nx = aby * acz - abz * acy, ny = abz * acx - abx * acz, nz = abx * acy - aby * acx
            total += (nx * nx + ny * ny + nz * nz).squareRoot() / 2
        }
        return total
    }

    /// Largest distance between two vertices after scaling the axes by `s` (IBSI L0JK on the hull).
    public func diameter(scale s: (Double, Double, Double)) -> Double {
        let v = vertices.map { (Double($0.x) * s.0, Double($0.y) * s.1, Double($0.z) * s.2) }
        var best = 0.0
        for i in 0..<v.count {
            let a = v[i]
            for j in (i + 1)..<max(i + 1, v.count) {
                let dx = a.0 - v[j].0, dy = a.1 - v[j].1, dz = a.2 - v[j].2
                let d = dx * dx + dy * dy + dz * dz
                if d > best { best = d }
            }
        }
        return best.squareRoot()
    }
}

/// Quickhull state: faces with neighbour links and outside sets.
private struct Quickhull {
    struct Face {
        var v: (Int, Int, Int)
        /// Neighbour across edge (v.0,v.1), (v.1,v.2), (v.2,v.0).
        var n: (Int, Int, Int) = (-1, -1, -1)
        var normal: (Int64, Int64, Int64)
        var offset: Int64
        var outside: [Int] = []
        var alive = true
    }
    let p: [Point3]
    var faces: [Face] = []

    init(_ points: [Point3]) { p = points }

    func height(_ f: Face, _ i: Int) -> Int64 {
        let q = p[i]
        return f.normal.0 * q.x + f.normal.1 * q.y + f.normal.2 * q.z - f.offset
    }

    func makeFace(_ a: Int, _ b: Int, _ c: Int) -> Face {
        let pa = p[a], pb = p[b], pc = p[c]
        let ux = pb.x - pa.x, uy = pb.y - pa.y, uz = pb.z - pa.z
        let vx = pc.x - pa.x, vy = pc.y - pa.y, vz = pc.z - pa.z
        let n = (uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx)
        return Face(v: (a, b, c), normal: n, offset: n.0 * pa.x + n.1 * pa.y + n.2 * pa.z)
    }

    static func vertex(_ f: Face, _ e: Int) -> Int { e == 0 ? f.v.0 : e == 1 ? f.v.1 : f.v.2 }
    static func neighbour(_ f: Face, _ e: Int) -> Int { e == 0 ? f.n.0 : e == 1 ? f.n.1 : f.n.2 }
    static func setNeighbour(_ f: inout Face, _ e: Int, _ g: Int) {
        if e == 0 { f.n.0 = g } else if e == 1 { f.n.1 = g } else { f.n.2 = g }
    }

    /// Builds the hull; false when the points are coplanar (or fewer than 4).
    mutating func run() -> Bool {
        let count = p.count
        guard count >= 4 else { return false }
        // Initial tetrahedron: lowest point, farthest from it, farthest from that line, farthest from that plane.
        var i0 = 0
        for i in 1..<count where (p[i].x, p[i].y, p[i].z) < (p[i0].x, p[i0].y, p[i0].z) { i0 = i }
        func d2(_ a: Point3, _ b: Point3) -> Int64 { let dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z; return dx * dx + dy * dy + dz * dz }
        var i1 = i0, best: Int64 = 0
        for i in 0..<count { let d = d2(p[i], p[i0]); if d > best { best = d; i1 = i } }
        guard best > 0 else { return false }
        var i2 = i0; best = 0
        for i in 0..<count {
            let ux = p[i1].x - p[i0].x, uy = p[i1].y - p[i0].y, uz = p[i1].z - p[i0].z
            let vx = p[i].x - p[i0].x, vy = p[i].y - p[i0].y, vz = p[i].z - p[i0].z
            let cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx
            let d = cx * cx + cy * cy + cz * cz
            if d > best { best = d; i2 = i }
        }
        guard best > 0 else { return false }
        let base = makeFace(i0, i1, i2)
        var i3 = i0; best = 0
        for i in 0..<count { let h = height(base, i); if abs(h) > best { best = abs(h); i3 = i } }
        guard best > 0 else { return false }
        // Four outward faces: each omitted vertex must lie below its face.
        let quad = [i0, i1, i2, i3]
        for omit in [3, 2, 1, 0] {
            var t = quad.enumerated().filter { $0.offset != omit }.map { $0.element }
            var f = makeFace(t[0], t[1], t[2])
            if height(f, quad[omit]) > 0 { t.swapAt(1, 2); f = makeFace(t[0], t[1], t[2]) }
            faces.append(f)
        }
        linkNeighbours(Array(0..<4))
        for i in 0..<count where i != i0 && i != i1 && i != i2 && i != i3 {
            for f in 0..<4 where height(faces[f], i) > 0 { faces[f].outside.append(i); break }
        }
        var stack = [3, 2, 1, 0]
        var mark = [Int](repeating: -1, count: 4)
        var round = 0
        while let f = stack.popLast() {
            guard faces[f].alive, !faces[f].outside.isEmpty else { continue }
            round += 1
            // Eye: the farthest outside point (first on ties).
            var eye = faces[f].outside[0], eyeH = height(faces[f], eye)
            for i in faces[f].outside.dropFirst() { let h = height(faces[f], i); if h > eyeH { eyeH = h; eye = i } }
            // Visible faces (breadth-first from f) and the horizon edges, in discovery order.
            if mark.count < faces.count { mark += [Int](repeating: -1, count: faces.count - mark.count) }
            var visible = [f]; mark[f] = round
            var horizon: [(a: Int, b: Int, other: Int)] = []
            var head = 0
            while head < visible.count {
                let g = visible[head]; head += 1
                for e in 0..<3 {
                    let h = Self.neighbour(faces[g], e)
                    if mark[h] == round { continue }
                    if height(faces[h], eye) > 0 {
                        mark[h] = round; visible.append(h)
                    } else {
                        horizon.append((Self.vertex(faces[g], e), Self.vertex(faces[g], (e + 1) % 3), h))
                    }
                }
            }
            // Horizon edges seen from a visible face must not be revisited as visible later.
            // (A face reached first as "not visible" is never visible: height is fixed.)
            var newFaces: [Int] = []
            var startAt: [Int: Int] = [:], endAt: [Int: Int] = [:]
            for (a, b, other) in horizon {
                var nf = makeFace(a, b, eye)
                nf.n.0 = other
                let id = faces.count
                // Point the outer neighbour's edge (b, a) at the new face.
                for e in 0..<3 where Self.vertex(faces[other], e) == b && Self.vertex(faces[other], (e + 1) % 3) == a {
                    Self.setNeighbour(&faces[other], e, id)
                }
                faces.append(nf); newFaces.append(id)
                startAt[a] = id; endAt[b] = id
            }
            for id in newFaces {
                let v = faces[id].v
                guard let n1 = startAt[v.1], let n2 = endAt[v.0] else { return false }
                faces[id].n.1 = n1; faces[id].n.2 = n2
            }
            // Reassign the outside points of the visible faces.
            for g in visible {
                for i in faces[g].outside where i != eye {
                    for id in newFaces where height(faces[id], i) > 0 { faces[id].outside.append(i); break }
                }
                faces[g].outside = []; faces[g].alive = false
            }
            for id in newFaces.reversed() where !faces[id].outside.isEmpty { stack.append(id) }
        }
        return true
    }

    /// Links the faces in `ids` that share an edge.
    mutating func linkNeighbours(_ ids: [Int]) {
        for a in ids { for e in 0..<3 {
            let u = Self.vertex(faces[a], e), w = Self.vertex(faces[a], (e + 1) % 3)
            for b in ids where b != a { for e2 in 0..<3
                where Self.vertex(faces[b], e2) == w && Self.vertex(faces[b], (e2 + 1) % 3) == u {
                Self.setNeighbour(&faces[a], e, b)
            } }
        } }
    }
}
