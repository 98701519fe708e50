import Imaging

// Shared machinery of the zone- and neighbourhood-based families (GLSZM, GLDZM, NGTDM, NGLDM):
// the grey level × column count matrix, neighbourhood offsets, zone labelling, the border-distance
// map and the 2D / 2.5D / 3D aggregation (IBSI 8QNN, 62GR, KOBO).

/// A grey level × column count matrix: column = zone size (GLSZM), zone distance (GLDZM) or
/// dependence count (NGLDM). Only non-zero cells are kept, sorted by (level, column), so a huge
/// zone never allocates a huge dense matrix.
public struct ZoneMatrix: Sendable {
    /// One matrix element: `count` zones/neighbourhoods of grey level `level` with column value `column`.
    public struct Cell: Sendable, Equatable {
        public var level: Int, column: Int, count: Int64
        public init(level: Int, column: Int, count: Int64) { self.level = level; self.column = column; self.count = count }
    }
    /// Non-zero cells sorted by (level, column).
    public let cells: [Cell]
    /// N_v: voxels of the intensity mask the matrix was built from.
    public let voxelCount: Int64
    /// N_s: total count (zones or neighbourhoods).
    public let total: Int64
    /// Row marginals s_i. (level, count), by level.
    let levelSums: [(Int, Int64)]
    /// Column marginals s_.j (column, count), by column.
    let columnSums: [(Int, Int64)]

    /// Matrix of cells given in any order (duplicates are summed).
    public init(cells unsorted: [Cell], voxelCount: Int64) {
        let sorted = unsorted.sorted { ZoneMatrix.key($0.level, $0.column) < ZoneMatrix.key($1.level, $1.column) }
        var cs: [Cell] = []
        for c in sorted where c.count != 0 {
            if let last = cs.last, last.level == c.level, last.column == c.column {
                cs[cs.count - 1].count += c.count
            } else { cs.append(c) }
        }
        self.init(sortedCells: cs, voxelCount: voxelCount)
    }

    /// Matrix counting one entry per (level, column) pair (levels and columns are 1…2³¹ − 1).
    init(pairs: [(level: Int, column: Int)], voxelCount: Int64) {
        var keys = pairs.map { ZoneMatrix.key($0.level, $0.column) }
        keys.sort()
        var cs: [Cell] = []
        for k in keys {
            if let last = cs.last, ZoneMatrix.key(last.level, last.column) == k { cs[cs.count - 1].count += 1 }
            else { cs.append(Cell(level: k >> 32, column: k & 0xFFFF_FFFF, count: 1)) }
        }
        self.init(sortedCells: cs, voxelCount: voxelCount)
    }

    @inline(__always) static func key(_ level: Int, _ column: Int) -> Int { (level << 32) | (column & 0xFFFF_FFFF) }

    private init(sortedCells cs: [Cell], voxelCount: Int64) {
        cells = cs
        self.voxelCount = voxelCount
        var t: Int64 = 0
        var rows: [(Int, Int64)] = []
        for c in cs {
            t += c.count
            if let last = rows.last, last.0 == c.level { rows[rows.count - 1].1 += c.count } else { rows.append((c.level, c.count)) }
        }
        total = t
        levelSums = rows
        var cols: [(Int, Int64)] = []
        for c in cs.sorted(by: { ZoneMatrix.key($0.column, $0.level) < ZoneMatrix.key($1.column, $1.level) }) {
            if let last = cols.last, last.0 == c.column { cols[cols.count - 1].1 += c.count } else { cols.append((c.column, c.count)) }
        }
        columnSums = cols
    }

    /// Slice matrices merged by summing counts and voxel counts (2.5D, IBSI 62GR).
    public static func merged(_ parts: [ZoneMatrix]) -> ZoneMatrix {
        ZoneMatrix(cells: parts.flatMap(\.cells), voxelCount: parts.reduce(0) { $0 + $1.voxelCount })
    }

    // MARK: Formulas shared by GLSZM, GLDZM and NGLDM (i = grey level, j = column, N_s = total).

    private var ns: Double? { total > 0 ? Double(total) : nil }

    /// (1/N_s) Σ_j s_.j / j²
    var smallColumnEmphasis: Double? {
        ns.map { n in columnSums.reduce(0.0) { $0 + Double($1.1) / (Double($1.0) * Double($1.0)) } / n }
    }
    /// (1/N_s) Σ_j j² s_.j
    var largeColumnEmphasis: Double? {
        ns.map { n in columnSums.reduce(0.0) { $0 + Double($1.1) * Double($1.0) * Double($1.0) } / n }
    }
    /// (1/N_s) Σ_i s_i. / i²
    var lowGreyLevelEmphasis: Double? {
        ns.map { n in levelSums.reduce(0.0) { $0 + Double($1.1) / (Double($1.0) * Double($1.0)) } / n }
    }
    /// (1/N_s) Σ_i i² s_i.
    var highGreyLevelEmphasis: Double? {
        ns.map { n in levelSums.reduce(0.0) { $0 + Double($1.1) * Double($1.0) * Double($1.0) } / n }
    }
    /// (1/N_s) Σ_ij s_ij · w(i, j) for a cell weight w.
    func weighted(_ w: (Double, Double) -> Double) -> Double? {
        ns.map { n in cells.reduce(0.0) { $0 + Double($1.count) * w(Double($1.level), Double($1.column)) } / n }
    }
    /// (1/N_s) Σ_i s_i.²
    var greyLevelNonUniformity: Double? { ns.map { n in levelSums.reduce(0.0) { $0 + Double($1.1) * Double($1.1) } / n } }
    /// (1/N_s²) Σ_i s_i.²
    var greyLevelNonUniformityNormalised: Double? { greyLevelNonUniformity.map { $0 / Double(total) } }
    /// (1/N_s) Σ_j s_.j²
    var columnNonUniformity: Double? { ns.map { n in columnSums.reduce(0.0) { $0 + Double($1.1) * Double($1.1) } / n } }
    /// (1/N_s²) Σ_j s_.j²
    var columnNonUniformityNormalised: Double? { columnNonUniformity.map { $0 / Double(total) } }
    /// N_s / N_v
    var percentage: Double? { voxelCount > 0 && total > 0 ? Double(total) / Double(voxelCount) : nil }
    /// Σ_ij (i − μ)² p_ij with μ = Σ_ij i p_ij, p_ij = s_ij / N_s.
    var greyLevelVariance: Double? { variance { $0.level } }
    /// Σ_ij (j − μ)² p_ij with μ = Σ_ij j p_ij.
    var columnVariance: Double? { variance { $0.column } }
    private func variance(_ x: (Cell) -> Int) -> Double? {
        guard let n = ns else { return nil }
        let mu = cells.reduce(0.0) { $0 + Double(x($1)) * Double($1.count) } / n
        return cells.reduce(0.0) { let d = Double(x($1)) - mu; return $0 + d * d * Double($1.count) } / n
    }
    /// −Σ_ij p_ij log2 p_ij
    var entropy: Double? {
        ns.map { n in -cells.reduce(0.0) { let p = Double($1.count) / n; return $0 + p * DetMath.log2(p) } }
    }
    /// Σ_ij p_ij²
    var energy: Double? { ns.map { n in cells.reduce(0.0) { let p = Double($1.count) / n; return $0 + p * p } } }
}

/// Matrices that 2.5D aggregation merges slice by slice.
protocol MergeableMatrix: Sendable {
    static func merged(_ parts: [Self]) -> Self
}
extension ZoneMatrix: MergeableMatrix {}

/// Grid helpers for neighbourhoods within a Chebyshev distance.
struct Neighbourhood {
    let dims: Dims
    /// Offsets (dx, dy, dz) ≠ 0 with Chebyshev norm ≤ `distance` (dz = 0 in plane), in raster order.
    let offsets: [(Int, Int, Int)]
    /// The same offsets as linear index steps, and their reach per axis.
    let linear: [Int]
    let reach: (Int, Int, Int)

    init(dims: Dims, distance: Int, inPlane: Bool) {
        let d = max(1, distance), dzr = inPlane ? 0 : d
        var o: [(Int, Int, Int)] = []
        for dz in -dzr...dzr { for dy in -d...d { for dx in -d...d where dx != 0 || dy != 0 || dz != 0 { o.append((dx, dy, dz)) } } }
        self.init(dims: dims, offsets: o, reach: (d, d, dzr))
    }

    /// Face neighbours only (6 in 3D, 4 in plane): the Manhattan step of the GLDZM distance map.
    init(faceNeighboursOf dims: Dims, inPlane: Bool) {
        var o: [(Int, Int, Int)] = [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0)]
        if !inPlane { o = [(0, 0, -1)] + o + [(0, 0, 1)] }
        self.init(dims: dims, offsets: o, reach: (1, 1, inPlane ? 0 : 1))
    }

    private init(dims: Dims, offsets: [(Int, Int, Int)], reach: (Int, Int, Int)) {
        self.dims = dims; self.offsets = offsets; self.reach = reach
        linear = offsets.map { ($0.2 * dims.y + $0.1) * dims.x + $0.0 }
    }

    /// Calls `body` with the linear index of every in-grid neighbour of voxel `n`, in offset order.
    @inline(__always) func forEach(of n: Int, _ body: (Int) -> Void) {
        let i = n % dims.x, j = (n / dims.x) % dims.y, k = n / (dims.x * dims.y)
        if i >= reach.0 && i < dims.x - reach.0 && j >= reach.1 && j < dims.y - reach.1 && k >= reach.2 && k < dims.z - reach.2 {
            for o in linear { body(n + o) }
            return
        }
        for (dx, dy, dz) in offsets {
            let a = i + dx, b = j + dy, c = k + dz
            if a < 0 || b < 0 || c < 0 || a >= dims.x || b >= dims.y || c >= dims.z { continue }
            body(dims.index(a, b, c))
        }
    }

    /// True when some face/offset neighbour of `n` lies outside the grid.
    @inline(__always) func touchesGridEdge(_ n: Int) -> Bool {
        let i = n % dims.x, j = (n / dims.x) % dims.y, k = n / (dims.x * dims.y)
        for (dx, dy, dz) in offsets {
            let a = i + dx, b = j + dy, c = k + dz
            if a < 0 || b < 0 || c < 0 || a >= dims.x || b >= dims.y || c >= dims.z { return true }
        }
        return false
    }
}

/// Zones: groups of linked voxels with the same grey level (26-connected in 3D, 8 in plane for δ = 1).
struct ZoneMap {
    struct Zone { var level: Int; var size: Int; var slice: Int }
    /// Zone index of every voxel, −1 outside the intensity mask (Int32: the crop holds < 2³¹ voxels).
    var label: [Int32]
    var zones: [Zone]

    /// Labels `levels` by flood fill with an explicit stack; zones never cross slices when `inPlane`.
    init(_ g: GreyLevels, linkage: Int, inPlane: Bool) {
        let nb = Neighbourhood(dims: g.dims, distance: linkage, inPlane: inPlane)
        let sliceSize = max(1, g.dims.x * g.dims.y)
        var label = [Int32](repeating: -1, count: g.levels.count)
        var zones: [Zone] = []
        var stack: [Int] = []
        for start in 0..<g.levels.count where g.levels[start] > 0 && label[start] < 0 {
            let lv = g.levels[start], id = Int32(zones.count)
            var size = 0
            label[start] = id
            stack.append(start)
            while let v = stack.popLast() {
                size += 1
                nb.forEach(of: v) { u in
                    if label[u] < 0 && g.levels[u] == lv { label[u] = id; stack.append(u) }
                }
            }
            zones.append(Zone(level: Int(lv), size: size, slice: start / sliceSize))
        }
        self.label = label; self.zones = zones
    }
}

/// Distance of every morphological-mask voxel to the ROI border in face-neighbour steps (1 on the
/// edge; 6-connected in 3D, 4 in plane), as repeated erosion gives it (IBSI GLDZM); voxels beyond
/// the grid count as outside. 0 outside the mask. Breadth-first from the edge voxels.
func borderDistanceMap(mask: [UInt8], dims: Dims, inPlane: Bool) -> [Int32] {
    let nb = Neighbourhood(faceNeighboursOf: dims, inPlane: inPlane)
    var dist = [Int32](repeating: 0, count: mask.count)
    var queue: [Int] = []
    for n in 0..<mask.count where mask[n] != 0 {
        var edge = nb.touchesGridEdge(n)
        if !edge { nb.forEach(of: n) { u in if mask[u] == 0 { edge = true } } }
        if edge { dist[n] = 1; queue.append(n) }
    }
    var head = 0
    while head < queue.count {
        let v = queue[head]; head += 1
        nb.forEach(of: v) { u in
            if mask[u] != 0 && dist[u] == 0 { dist[u] = dist[v] + 1; queue.append(u) }
        }
    }
    return dist
}

/// Number of intensity-mask voxels per slice (z).
func voxelsPerSlice(_ g: GreyLevels) -> [Int64] {
    let sliceSize = max(1, g.dims.x * g.dims.y)
    var out = [Int64](repeating: 0, count: max(0, g.dims.z))
    for n in 0..<g.levels.count where g.levels[n] > 0 { out[n / sliceSize] += 1 }
    return out
}

/// Evaluates a family's table for each requested zone aggregation, in the reference table's order
/// (feature by feature, aggregations in the order given):
/// - `2D` (IBSI 8QNN): features per slice matrix, averaged over slices where defined;
/// - `2.5D` (62GR): slice matrices merged into one;
/// - `3D` (KOBO): one matrix over the volume.
/// `build(true)` returns the matrices of the slices holding ROI voxels, `build(false)` the volume's.
func aggregatedFeatures<M: MergeableMatrix>(_ table: [FeatureFormula<M>], aggregations: [Aggregation],
                                            build: (_ sliceWise: Bool) -> [M]) -> [Feature] {
    var slices: [M]? = nil
    var columns: [[Feature]] = []
    for agg in aggregations {
        switch agg {
        case .twoD:
            let s = slices ?? build(true); slices = s
            columns.append(table.map { f in
                var sum = 0.0, n = 0
                for m in s { if let v = f.compute(m), v.isFinite { sum += v; n += 1 } }
                return Feature(f.tag, f.ibsiID, agg.rawValue, n > 0 ? sum / Double(n) : nil,
                               reason: "undefined on every slice")
            })
        case .twoFiveD:
            let s = slices ?? build(true); slices = s
            columns.append(table.evaluate(on: M.merged(s), aggregation: agg.rawValue))
        case .threeD:
            columns.append(table.evaluate(on: M.merged(build(false)), aggregation: agg.rawValue))
        default:
            continue
        }
    }
    var out: [Feature] = []
    out.reserveCapacity(table.count * columns.count)
    for r in 0..<table.count { for c in columns { out.append(c[r]) } }
    return out
}

/// Why a family reports no values for this input, or nil when it can run.
func zoneInputProblem(_ input: FeatureInput) -> String? {
    let g = input.levels
    if g.dims.count != g.levels.count || g.dims.count == 0 { return "grey level grid does not match its dimensions" }
    if input.settings.distance < 1 || input.settings.distance > 5 { return "neighbourhood distance must be 1…5" }
    if !g.levels.contains(where: { $0 > 0 }) { return "no voxels in the ROI" }
    return nil
}

/// Every formula of `table` reported undefined with `reason`, for each aggregation.
func undefinedFeatures<M>(_ table: [FeatureFormula<M>], aggregations: [Aggregation], reason: String) -> [Feature] {
    table.flatMap { f in aggregations.map { Feature(f.tag, f.ibsiID, $0.rawValue, nil, reason: reason) } }
}
