import Imaging

/// IBSI morphological features (manual chapter "Morphological features", always 3-D).
/// The shape comes from the morphological mask (mesh, convex hull, PCA of voxel centres);
/// centre-of-mass shift, integrated intensity, Moran's I and Geary's C also read the intensity mask.
public enum Morphology {
    /// Everything the formulas read, computed once per ROI (the family's "matrix").
    public struct Shape: Sendable {
        /// Mesh volume V (mm³) and area A (mm²); nil when the morphological mask is empty.
        public var volume: Double?, area: Double?
        /// Voxel-counting volume (mm³).
        public var approxVolume: Double?
        /// PCA eigenvalues of the voxel-centre covariance (mm²), major ≥ minor ≥ least.
        public var eigenvalues: (major: Double, minor: Double, least: Double)?
        /// Axis-aligned bounding box of the mesh vertices, side lengths (mm).
        public var aabb: (Double, Double, Double)?
        /// Convex hull of the mesh vertices: volume, area, largest vertex distance.
        public var hullVolume: Double?, hullArea: Double?, diameter: Double?
        /// Distance between the geometric and the intensity-weighted centre of mass (mm).
        public var comShift: Double?
        /// Mean real intensity in the intensity mask.
        public var meanIntensity: Double?
        /// Moran's I and Geary's C, or why they are undefined.
        public var spatial: Result<(moran: Double, geary: Double), ReasonError>
    }

    /// Builds the shape description of `region`.
    public static func shape(_ region: Region) -> Shape {
        let d = region.dims, s = region.spacing
        var shape = Shape(spatial: .failure(ReasonError("empty ROI")))
        guard region.morphMask.count == d.count, region.intensityMask.count == d.count,
              region.intensities.count == d.count else {
            shape.spatial = .failure(ReasonError("mask and image sizes differ")); return shape
        }
        let half = (s.x / 2, s.y / 2, s.z / 2)
        if let mesh = SurfaceMesh.build(mask: region.morphMask, dims: d, spacing: s) {
            shape.volume = mesh.volume; shape.area = mesh.area
            var lo = mesh.vertices[0], hi = mesh.vertices[0]
            for v in mesh.vertices {
                lo = Point3(min(lo.x, v.x), min(lo.y, v.y), min(lo.z, v.z)); hi = Point3(max(hi.x, v.x), max(hi.y, v.y), max(hi.z, v.z))
            }
            shape.aabb = (Double(hi.x - lo.x) * half.0, Double(hi.y - lo.y) * half.1, Double(hi.z - lo.z) * half.2)
            if let hull = ConvexHull.of(mesh.vertices) {
                shape.hullVolume = hull.volume(scale: half); shape.hullArea = hull.area(scale: half)
                shape.diameter = hull.diameter(scale: half)
            }
        }
        // Morphological voxel centres: count, mean and covariance (mm), two passes in grid order.
        var nm = 0, sum = (0.0, 0.0, 0.0)
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x where region.morphMask[d.index(i, j, k)] != 0 {
            nm += 1; sum.0 += Double(i); sum.1 += Double(j); sum.2 += Double(k)
        } } }
        let centre = nm > 0 ? (sum.0 / Double(nm), sum.1 / Double(nm), sum.2 / Double(nm)) : (0, 0, 0)
        if nm > 0 { shape.approxVolume = Double(nm) * s.voxelVolume }
        if nm > 1 {
            var c = [Double](repeating: 0, count: 6)   // xx, yy, zz, xy, xz, yz
            for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x where region.morphMask[d.index(i, j, k)] != 0 {
                let x = (Double(i) - centre.0) * s.x, y = (Double(j) - centre.1) * s.y, z = (Double(k) - centre.2) * s.z
                c[0] += x * x; c[1] += y * y; c[2] += z * z; c[3] += x * y; c[4] += x * z; c[5] += y * z
            } } }
            let m = c.map { $0 / Double(nm - 1) }   // sample covariance, as numpy's cov
            let e = symmetricEigenvalues([[m[0], m[3], m[4]], [m[3], m[1], m[5]], [m[4], m[5], m[2]]])
            shape.eigenvalues = (max(e[0], 0), max(e[1], 0), max(e[2], 0))
        }
        // Intensity mask: fixed-point values in grid order.
        var values: [Int32] = []
        var sx = 0.0, wx = (0.0, 0.0, 0.0)
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x {
            let n = d.index(i, j, k)
            guard region.intensityMask[n] != 0 else { continue }
            let v = region.intensities[n]
            values.append(v)
            let x = Double(v)
            sx += x; wx.0 += x * Double(i); wx.1 += x * Double(j); wx.2 += x * Double(k)
        } } }
        if !values.isEmpty {
            shape.meanIntensity = sx / Double(values.count) * region.unit
            if nm > 0 && sx != 0 {
                let dx = (wx.0 / sx - centre.0) * s.x, dy = (wx.1 / sx - centre.1) * s.y, dz = (wx.2 / sx - centre.2) * s.z
                shape.comShift = (dx * dx + dy * dy + dz * dz).squareRoot()
            }
        }
        shape.spatial = SpatialAutocorrelation.compute(mask: region.intensityMask, dims: d, values: values, spacing: s)
        return shape
    }

    /// 36πV², the shared core of the sphere-likeness features.
    static func sphere(_ v: Double) -> Double { 36 * DetMath.pi * v * v }

    /// Semi-axes a ≥ b ≥ c of the approximate enclosing ellipsoid: 2√λ.
    static func semiAxes(_ s: Shape) -> (Double, Double, Double)? {
        guard let e = s.eigenvalues else { return nil }
        return (2 * e.major.squareRoot(), 2 * e.minor.squareRoot(), 2 * e.least.squareRoot())
    }

    /// Feature table in the IBSI order: (tag, IBSI ID, formula).
    public static let table: [FeatureFormula<Shape>] = [
        // V = |Σ a·(b×c)| / 6 over the mesh faces.
        .init("morph.vol", "RNU0") { $0.volume },
        // N_v · voxel volume.
        .init("morph.approx.vol", "YEKZ") { $0.approxVolume },
        // A = Σ |ab × ac| / 2.
        .init("morph.area", "C0JK") { $0.area },
        // A / V.
        .init("morph.av", "2PR5") { s in s.area.flatMap { a in s.volume.map { a / $0 } } },
        // V / (√π · A^{3/2}).
        .init("morph.comp.1", "SKGS") { s in
            guard let v = s.volume, let a = s.area else { return nil }
            return v / (DetMath.pi.squareRoot() * a * a.squareRoot())
        },
        // 36π V² / A³.
        .init("morph.comp.2", "BQWJ") { s in
            guard let v = s.volume, let a = s.area else { return nil }
            return sphere(v) / (a * a * a)
        },
        // A / (36π V²)^{1/3}.
        .init("morph.sph.dispr", "KRCK") { s in
            guard let v = s.volume, let a = s.area else { return nil }
            return a / DetMath.cbrt(sphere(v))
        },
        // (36π V²)^{1/3} / A.
        .init("morph.sphericity", "QCFX") { s in
            guard let v = s.volume, let a = s.area else { return nil }
            return DetMath.cbrt(sphere(v)) / a
        },
        // (A³ / (36π V²))^{1/3} − 1.
        .init("morph.asphericity", "25C7") { s in
            guard let v = s.volume, let a = s.area else { return nil }
            return DetMath.cbrt(a * a * a / sphere(v)) - 1
        },
        // ‖CoM_geom − CoM_gl‖: voxel-centre mean (morphological mask) vs intensity-weighted mean (intensity mask).
        .init("morph.com", "KLMA") { $0.comShift },
        // Largest distance between mesh vertices (found on the convex hull's vertices).
        .init("morph.diam", "L0JK") { $0.diameter },
        // 4√λ_major.
        .init("morph.pca.major", "TDIC") { s in semiAxes(s).map { 2 * $0.0 } },
        // 4√λ_minor.
        .init("morph.pca.minor", "P9VJ") { s in semiAxes(s).map { 2 * $0.1 } },
        // 4√λ_least.
        .init("morph.pca.least", "7J51") { s in semiAxes(s).map { 2 * $0.2 } },
        // √(λ_minor / λ_major).
        .init("morph.pca.elongation", "Q3CK") { s in
            guard let e = s.eigenvalues, e.major > 0 else { return nil }
            return (e.minor / e.major).squareRoot()
        },
        // √(λ_least / λ_major).
        .init("morph.pca.flatness", "N17B") { s in
            guard let e = s.eigenvalues, e.major > 0 else { return nil }
            return (e.least / e.major).squareRoot()
        },
        // V / V_aabb.
        .init("morph.v.dens.aabb", "PBX1") { s in
            guard let v = s.volume, let b = s.aabb else { return nil }
            return v / (b.0 * b.1 * b.2)
        },
        // A / A_aabb.
        .init("morph.a.dens.aabb", "R59B") { s in
            guard let a = s.area, let b = s.aabb else { return nil }
            return a / (2 * (b.0 * b.1 + b.0 * b.2 + b.1 * b.2))
        },
        // 3V / (4π abc).
        .init("morph.v.dens.aee", "6BDE") { s in
            guard let v = s.volume, let (a, b, c) = semiAxes(s), a * b * c > 0 else { return nil }
            return 3 * v / (4 * DetMath.pi * a * b * c)
        },
        // A / A_aee, A_aee by the Legendre series to ν = 20.
        .init("morph.a.dens.aee", "RDD2") { s in
            guard let area = s.area, let (a, b, c) = semiAxes(s), c > 0 else { return nil }
            return area / ellipsoidArea(a, b, c)
        },
        // V / V_convex.
        .init("morph.v.dens.conv.hull", "R3ER") { s in
            guard let v = s.volume, let h = s.hullVolume, h > 0 else { return nil }
            return v / h
        },
        // A / A_convex.
        .init("morph.a.dens.conv.hull", "7T7F") { s in
            guard let a = s.area, let h = s.hullArea, h > 0 else { return nil }
            return a / h
        },
        // V · mean intensity of the intensity mask.
        .init("morph.integ.int", "99N0") { s in
            guard let v = s.volume, let m = s.meanIntensity else { return nil }
            return v * m
        },
        // N/Σw · Σ w·(xᵢ−μ)(xⱼ−μ) / Σ (x−μ)², w = 1/distance, all pairs i ≠ j.
        .init("morph.moran.i", "N365") { s in try? s.spatial.get().moran },
        // (N−1)/(2Σw) · Σ w·(xᵢ−xⱼ)² / Σ (x−μ)².
        .init("morph.geary.c", "NPT7") { s in try? s.spatial.get().geary },
    ]

    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] {
        let s = shape(input.region)
        var out = table.evaluate(on: s, aggregation: "")
        if case .failure(let e) = s.spatial {
            for n in out.indices where out[n].tag == "morph.moran.i" || out[n].tag == "morph.geary.c" {
                out[n].reason = e.description
            }
        }
        return out
    }

    /// Surface area of the ellipsoid with semi-axes a ≥ b ≥ c (IBSI RDD2):
    /// 4πab Σ_{ν=0}^{20} (αβ)^ν P_ν((α²+β²)/(2αβ)) / (1 − 4ν²), α² = 1 − b²/a², β² = 1 − c²/a².
    /// qᵥ = (αβ)^ν P_ν is evaluated by the Legendre recurrence multiplied through by (αβ)^ν,
    /// (ν+1) q_{ν+1} = (2ν+1)·(α²+β²)/2·q_ν − ν·α²β²·q_{ν−1}, which stays finite when α or β is 0.
    public static func ellipsoidArea(_ a: Double, _ b: Double, _ c: Double) -> Double {
        let al2 = 1 - (b * b) / (a * a), be2 = 1 - (c * c) / (a * a)
        let s = (al2 + be2) / 2, p = al2 * be2
        var qPrev = 1.0, q = s
        var sum = 1.0 + q / (1 - 4)
        for nu in 1..<20 {
            let nv = Double(nu)
            let next = ((2 * nv + 1) * s * q - nv * p * qPrev) / (nv + 1)
            qPrev = q; q = next
            sum += q / (1 - 4 * (nv + 1) * (nv + 1))
        }
        return 4 * DetMath.pi * a * b * sum
    }

    /// Eigenvalues of a symmetric 3×3 matrix, descending, by cyclic Jacobi rotations (√ only).
    public static func symmetricEigenvalues(_ m: [[Double]]) -> [Double] {
        var a = m
        for _ in 0..<50 {
            let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
            if off == 0 { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                // A ← Jᵀ A J for the rotation in the (p, q) plane.
                for k in 0..<3 {
                    let akp = a[k][p], akq = a[k][q]
                    a[k][p] = c * akp - s * akq; a[k][q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[p][k], aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk; a[q][k] = s * apk + c * aqk
                }
                a[p][q] = 0; a[q][p] = 0
            }
            let scale = abs(a[0][0]) + abs(a[1][1]) + abs(a[2][2])
            if off <= 1e-30 * scale * scale { break }
        }
        return [a[0][0], a[1][1], a[2][2]].sorted(by: >)
    }
}
