import Testing
import Imaging
@testable import Radiomics

/// Hand-worked morphology cases (IBSI mesh definition: marching cubes at iso-level 0.5 on the
/// zero-padded mask, vertices at the midpoints between inside and outside voxel centres).
@Suite struct MorphologyTests {
    static func close(_ a: Double, _ b: Double, _ rel: Double = 1e-12) -> Bool { abs(a - b) <= rel * max(1, abs(b)) }

    /// A region with the given inside voxels (both masks), intensities `values` (default 1).
    static func region(_ dims: Dims, _ spacing: Spacing, inside: [(Int, Int, Int)], values: [Int32]? = nil) -> Region {
        var mask = [UInt8](repeating: 0, count: dims.count), img = [Int32](repeating: 0, count: dims.count)
        for (n, p) in inside.enumerated() {
            let i = dims.index(p.0, p.1, p.2)
            mask[i] = 1; img[i] = values?[n] ?? 1
        }
        return Region(dims: dims, spacing: spacing, intensities: img, unit: 1, morphMask: mask, intensityMask: mask)
    }

    static func value(_ fs: [Feature], _ tag: String) -> Double? { fs.first { $0.tag == tag }?.value }

    static func features(_ r: Region) -> [Feature] {
        Morphology.features(FeatureInput(region: r, levels: GreyLevels(dims: r.dims, spacing: r.spacing, levels: [], count: 0),
                                         settings: ExtractionSettings(name: "test")))
    }

    /// One voxel, spacing 1×2×3 mm: the mesh is the octahedron on the six face centres, semi-axes
    /// 0.5, 1, 1.5 mm. Volume = (4/3)·0.5·1·1.5 = 1 mm³. Each of the 8 faces spans (0.5,0,0),
    /// (0,1,0), (0,0,1.5): area ½|(−0.5,1,0)×(−0.5,0,1.5)| = ½|(1.5,0.75,0.5)| = ½·1.75, total 7 mm².
    /// Its convex hull is itself; the diameter joins the z tips: 3 mm; the AABB is 1×2×3 mm.
    @Test func singleVoxelOctahedron() throws {
        let r = Self.region(Dims(3, 3, 3), Spacing(1, 2, 3), inside: [(1, 1, 1)])
        let mesh = try #require(SurfaceMesh.build(mask: r.morphMask, dims: r.dims, spacing: r.spacing))
        #expect(mesh.faceCount == 8)
        #expect(mesh.vertices.count == 6)
        #expect(mesh.signedDeterminantSum > 0)   // outward normals
        #expect(Self.close(mesh.volume, 1))
        #expect(Self.close(mesh.area, 7))
        let fs = Self.features(r)
        #expect(Self.close(try #require(Self.value(fs, "morph.approx.vol")), 6))
        #expect(Self.close(try #require(Self.value(fs, "morph.diam")), 3))
        #expect(Self.close(try #require(Self.value(fs, "morph.v.dens.conv.hull")), 1))
        #expect(Self.close(try #require(Self.value(fs, "morph.a.dens.conv.hull")), 1))
        #expect(Self.close(try #require(Self.value(fs, "morph.v.dens.aabb")), 1.0 / 6))
        #expect(Self.close(try #require(Self.value(fs, "morph.a.dens.aabb")), 7.0 / 22))
        // One voxel: no covariance (n − 1 = 0), no pairs.
        #expect(Self.value(fs, "morph.pca.major") == nil)
        #expect(Self.value(fs, "morph.moran.i") == nil)
    }

    /// 2×2×2 voxels, spacing 1: the mesh is the box [−0.5, 1.5]³ with chamfered edges and corners.
    /// Faces: 6 unit squares (area 6), 12 edge strips 1 × √½ (6√2), 8 corner triangles with sides √½
    /// (8·√3/8 = √3): A = 6 + 6√2 + √3. Volume per octant (u = 1 − |x−0.5|… ∈ [0,1]³, cut by
    /// u+v ≥ ½ (three ways) and u+v+w ≥ 1): 1 − 1/6 − 3·(1/24) = 17/24, so V = 8·17/24 = 17/3.
    /// Vertices (±1, ±½, ±½) about the centre and permutations: diameter √(4+1+1) = √6.
    /// PCA: centres {0,1}³, sample variance 8·¼/7 = 2/7 on each axis, no covariance.
    @Test func twoCubedBlock() throws {
        var inside: [(Int, Int, Int)] = []
        for k in 1...2 { for j in 1...2 { for i in 1...2 { inside.append((i, j, k)) } } }
        let r = Self.region(Dims(4, 4, 4), Spacing(1, 1, 1), inside: inside)
        let fs = Self.features(r)
        let area = 6 + 6 * 2.0.squareRoot() + 3.0.squareRoot()
        #expect(Self.close(try #require(Self.value(fs, "morph.vol")), 17.0 / 3))
        #expect(Self.close(try #require(Self.value(fs, "morph.area")), area))
        #expect(Self.close(try #require(Self.value(fs, "morph.av")), area / (17.0 / 3)))
        #expect(Self.close(try #require(Self.value(fs, "morph.diam")), 6.0.squareRoot()))
        #expect(Self.close(try #require(Self.value(fs, "morph.v.dens.conv.hull")), 1))
        #expect(Self.close(try #require(Self.value(fs, "morph.v.dens.aabb")), 17.0 / 3 / 8))
        #expect(Self.close(try #require(Self.value(fs, "morph.pca.major")), 4 * (2.0 / 7).squareRoot()))
        #expect(Self.close(try #require(Self.value(fs, "morph.pca.least")), 4 * (2.0 / 7).squareRoot()))
        #expect(Self.close(try #require(Self.value(fs, "morph.pca.elongation")), 1))
        // Sphere a = b = c = 2√(2/7): A_aee = 4πa² = 32π/7.
        #expect(Self.close(try #require(Self.value(fs, "morph.a.dens.aee")), area / (32 * DetMath.pi / 7)))
        // Constant intensity: centre of mass shift 0, Moran/Geary undefined.
        #expect(Self.close(try #require(Self.value(fs, "morph.com")), 0))
        #expect(Self.value(fs, "morph.moran.i") == nil)
    }

    /// Two voxels at x = 0, 1 with intensities 1 and 3: geometric centre x = 0.5, intensity-weighted
    /// (0·1 + 1·3)/4 = 0.75, shift 0.25 voxel = 0.5 mm at 2 mm spacing. Integrated intensity:
    /// the mesh of two face-adjacent voxels at 2 mm times the mean 2.
    @Test func centreOfMassShift() throws {
        let r = Self.region(Dims(4, 3, 3), Spacing(2, 2, 2), inside: [(1, 1, 1), (2, 1, 1)], values: [1, 3])
        let fs = Self.features(r)
        #expect(Self.close(try #require(Self.value(fs, "morph.com")), 0.5))
        let v = try #require(Self.value(fs, "morph.vol"))
        #expect(Self.close(try #require(Self.value(fs, "morph.integ.int")), 2 * v))
    }

    /// Two voxels touching only at a corner, (1,1,1) and (2,2,2): no cube face is ambiguous and the
    /// mesh is two single-voxel octahedra: V = 2·(4/3)(½)³ = ⅓, A = 2·√3 (spacing 1).
    @Test func cornerNeighboursStayApart() throws {
        let r = Self.region(Dims(4, 4, 4), Spacing(1, 1, 1), inside: [(1, 1, 1), (2, 2, 2)])
        let mesh = try #require(SurfaceMesh.build(mask: r.morphMask, dims: r.dims, spacing: r.spacing))
        #expect(mesh.faceCount == 16)
        #expect(Self.close(mesh.volume, 1.0 / 3))
        #expect(Self.close(mesh.area, 2 * 3.0.squareRoot()))
    }

    /// Two voxels sharing only an edge, (1,1,1) and (2,2,1): the two cubes around that edge see them
    /// as diagonal corners of one face, and Lewiner's tie rule for a saddle exactly at the iso-level
    /// joins them (case 3.2). In such a cube (inside corners (0,0,1), (1,1,1)) the inside part is the
    /// convex hull of the segment (0,0,½)–(1,1,½) and the top hexagon of area ¾; by the prismatoid
    /// rule its volume is ½/6·(0 + 4·(¾ + √2·√½)/4 + ¾) = 5/24 instead of two corner tetrahedra
    /// 2/48. V = 2·⅙ + 2·(5/24 − 1/24) = ⅔. Its surface is two planar quads of area ½|(−½,½,½)| +
    /// ½|(−¼,¼,¼)| = (3/8)√3 each, replacing two corner triangles (√3/8 each):
    /// A = 2√3 + 2·(¾√3 − ¼√3) = 3√3.
    @Test func edgeNeighboursJoin() throws {
        let r = Self.region(Dims(4, 4, 4), Spacing(1, 1, 1), inside: [(1, 1, 1), (2, 2, 1)])
        let mesh = try #require(SurfaceMesh.build(mask: r.morphMask, dims: r.dims, spacing: r.spacing))
        #expect(mesh.faceCount == 20)
        #expect(Self.close(mesh.volume, 2.0 / 3))
        #expect(Self.close(mesh.area, 3 * 3.0.squareRoot()))
    }

    /// The direct pair sum and the FFT (Parseval) evaluation are two formulations of the same
    /// sums; on an irregular 3-D ROI with varied intensities they agree to rounding.
    @Test func moranGearyFormulationsAgree() throws {
        var positions: [(Int, Int, Int)] = [], values: [Int32] = []
        var seed: UInt32 = 12345
        for k in 0..<5 { for j in 0..<7 { for i in 0..<9 {
            seed = seed &* 1664525 &+ 1013904223
            if seed >> 29 != 0 { positions.append((i, j, k)); values.append(Int32(seed >> 20 & 1023) - 300 + Int32(10 * i)) }
        } } }
        let s = Spacing(0.8, 0.8, 2.5)
        let d = try SpatialAutocorrelation.compute(positions: positions, values: values, spacing: s, method: .direct).get()
        let f = try SpatialAutocorrelation.compute(positions: positions, values: values, spacing: s, method: .spectral).get()
        #expect(abs(d.moran - f.moran) < 1e-10)
        #expect(abs(d.geary - f.geary) < 1e-10)
    }

    /// Convex hull of the 3×3×3 integer grid {0,1,2}³ (many coplanar and interior points): the cube
    /// of side 2, volume 8, area 24, 8 corner vertices, diameter √12. Scaling the axes by (1, 2, 3)
    /// gives a 2×4×6 box: volume 48, area 2(8 + 12 + 24) = 88, diameter √(4 + 16 + 36) = √56.
    @Test func hullOfGridCube() throws {
        var pts: [Point3] = []
        for z in 0...2 { for y in 0...2 { for x in 0...2 { pts.append(Point3(Int64(x), Int64(y), Int64(z))) } } }
        let hull = try #require(ConvexHull.of(pts))
        #expect(hull.vertices.count == 8)
        #expect(Self.close(hull.volume(scale: (1, 1, 1)), 8))
        #expect(Self.close(hull.area(scale: (1, 1, 1)), 24))
        #expect(Self.close(hull.diameter(scale: (1, 1, 1)), 12.0.squareRoot()))
        #expect(Self.close(hull.volume(scale: (1, 2, 3)), 48))
        #expect(Self.close(hull.area(scale: (1, 2, 3)), 88))
        #expect(Self.close(hull.diameter(scale: (1, 2, 3)), 56.0.squareRoot()))
        // Coplanar points only: no 3-D hull.
        #expect(ConvexHull.of(pts.filter { $0.z == 1 }) == nil)
    }

    /// Three voxels in a row, intensities 1, 0, 1 (spacing 1): μ = 2/3, y = (⅓, −⅔, ⅓), Σy² = ⅔.
    /// Weights 1, 1, ½ per unordered pair, Σw over ordered pairs = 5.
    /// Σ w·yᵢyⱼ = 2(−2/9 − 2/9 + 1/18) = −7/9 → I = 3/5 · (−7/9)/(2/3) = −0.7.
    /// Σ w·(xᵢ−xⱼ)² = 2(1 + 1 + 0) = 4 → C = 2/(2·5) · 4/(2/3) = 1.2.
    @Test(arguments: [SpatialAutocorrelation.Method.direct, .spectral])
    func moranGearyByHand(_ method: SpatialAutocorrelation.Method) throws {
        let r = SpatialAutocorrelation.compute(positions: [(0, 0, 0), (1, 0, 0), (2, 0, 0)], values: [1, 0, 1],
                                               spacing: Spacing(1, 1, 1), method: method)
        let (i, c) = try r.get()
        #expect(Self.close(i, -0.7, 1e-12))
        #expect(Self.close(c, 1.2, 1e-12))
    }

    /// Two voxels 0 and 2 (adjacent): I = 2/2 · (−2)/2 = −1, C = 1/(2·2) · 8/2 = 1.
    @Test func moranGearyPair() throws {
        let (i, c) = try SpatialAutocorrelation.compute(positions: [(0, 0, 0), (0, 0, 1)], values: [0, 2],
                                                        spacing: Spacing(1, 1, 3), method: .spectral).get()
        #expect(Self.close(i, -1, 1e-12))
        #expect(Self.close(c, 1, 1e-12))
    }

    /// Ellipsoid area as the IBSI manual defines it (α² = 1 − b²/a², β² = 1 − c²/a², as MIRP does):
    /// sphere: 4π. For a = 2, b = c = 1, α = β = e = √3/2 and P_ν(1) = 1, so the series is
    /// Σ e^{2ν}/(1 − 4ν²) = ½[1 + (1 − e²)/e · atanh e] and the area 2πab[1 + (1 − e²)/e · atanh e]
    /// = 4π[1 + (1/(2√3))·½ln(7 + 4√3)] = 17.3439… (this is the oblate-spheroid form: the manual's
    /// series is not the exact prolate area 21.48; we follow the manual, which defines the reference).
    /// The 20-term series is accurate to ~1e-6 relative here.
    @Test func ellipsoidArea() {
        #expect(Self.close(Morphology.ellipsoidArea(1, 1, 1), 4 * DetMath.pi))
        let e = 3.0.squareRoot() / 2
        let atanh = DetMath.log(7 + 4 * 3.0.squareRoot()) / 2
        let series = 4 * DetMath.pi * (1 + (1 - e * e) / e * atanh)
        #expect(abs(Morphology.ellipsoidArea(2, 1, 1) - series) < 1e-5 * series)
    }

    /// [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 5, 3, 1.
    @Test func jacobiEigenvalues() {
        let e = Morphology.symmetricEigenvalues([[2, 1, 0], [1, 2, 0], [0, 0, 5]])
        #expect(Self.close(e[0], 5) && Self.close(e[1], 3) && Self.close(e[2], 1))
    }
}
