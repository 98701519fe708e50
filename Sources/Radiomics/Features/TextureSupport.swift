import Imaging

/// A direction vector (dx, dy, dz) in voxels.
struct TextureDirection: Sendable, Equatable {
    let dx: Int, dy: Int, dz: Int
    init(_ dx: Int, _ dy: Int, _ dz: Int) { self.dx = dx; self.dy = dy; self.dz = dz }

    /// The 13 unique directions of the 26-connected neighbourhood (IBSI manual, GLCM section), in a fixed order.
    static let threeD: [TextureDirection] = [
        .init(0, 0, 1), .init(0, 1, 0), .init(1, 0, 0), .init(0, 1, 1), .init(0, 1, -1), .init(1, 0, 1),
        .init(1, 0, -1), .init(1, 1, 0), .init(1, -1, 0), .init(1, 1, 1), .init(1, 1, -1), .init(1, -1, 1),
        .init(1, -1, -1),
    ]
    /// The 4 unique in-plane directions of the 8-connected neighbourhood: 0°, 45°, 90°, 135°.
    static let twoD: [TextureDirection] = [.init(1, 0, 0), .init(1, 1, 0), .init(0, 1, 0), .init(-1, 1, 0)]

    /// The direction scaled to Chebyshev distance `d`.
    func scaled(_ d: Int) -> TextureDirection { .init(dx * d, dy * d, dz * d) }
}

/// The grey levels present in the ROI, numbered compactly 0..<n (ascending grey level), so texture
/// matrices only hold rows for levels that occur.
struct CompactGreyLevels: Sendable {
    let dims: Dims
    /// Grey level of each compact index, ascending.
    let values: [Int32]
    /// Compact index of every voxel of the grid, −1 outside the ROI.
    let index: [Int32]
    /// Number of grey levels Ng of the discretisation (the highest possible level).
    let ng: Int
    /// Number of ROI voxels in each slice z.
    let voxelsPerSlice: [Int]

    var n: Int { values.count }

    init(_ levels: GreyLevels) {
        dims = levels.dims
        let top = max(0, Int(levels.levels.max() ?? 0))
        var uniq: [Int32] = []
        var lookup: [Int32] = []            // grey level → compact index, when the levels are few enough
        if top <= 1 << 20 {
            var present = [Bool](repeating: false, count: top + 1)
            for v in levels.levels where v > 0 { present[Int(v)] = true }
            lookup = [Int32](repeating: -1, count: top + 1)
            for v in 1..<(top + 1) where present[v] { lookup[v] = Int32(uniq.count); uniq.append(Int32(v)) }
        } else {
            var sorted = levels.levels.filter { $0 > 0 }
            sorted.sort()
            for v in sorted where uniq.last != v { uniq.append(v) }
        }
        values = uniq
        var idx = [Int32](repeating: -1, count: levels.levels.count)
        var perSlice = [Int](repeating: 0, count: max(0, levels.dims.z))
        let sliceSize = max(1, levels.dims.x * levels.dims.y)
        for p in 0..<levels.levels.count {
            let v = levels.levels[p]
            guard v > 0 else { continue }
            if !lookup.isEmpty {
                idx[p] = lookup[Int(v)]
            } else {
                var lo = 0, hi = uniq.count - 1      // binary search: v is present
                while lo < hi { let mid = (lo + hi) / 2; if uniq[mid] < v { lo = mid + 1 } else { hi = mid } }
                idx[p] = Int32(lo)
            }
            let z = p / sliceSize
            if z < perSlice.count { perSlice[z] += 1 }
        }
        index = idx
        voxelsPerSlice = perSlice
        ng = max(levels.count, Int(uniq.last ?? 0))
    }

    /// True when the grey levels and the grid agree (a malformed input yields no texture features).
    var isConsistent: Bool { index.count == dims.count && dims.x > 0 && dims.y > 0 && dims.z > 0 }
}

/// An integer texture matrix for one direction (and slice); merged matrices are element-wise sums.
protocol DirectionalMatrix: Sendable {
    var isEmpty: Bool { get }
    mutating func add(_ other: Self)
}

/// Mean of feature values over matrices, skipping undefined values (fixed order of addition).
struct FeatureMean {
    var sum: [Double]
    var count: [Int]
    init(_ n: Int) { sum = Array(repeating: 0, count: n); count = Array(repeating: 0, count: n) }
    mutating func add(_ values: [Double?]) {
        for k in 0..<min(values.count, sum.count) {
            if let v = values[k], v.isFinite { sum[k] += v; count[k] += 1 }
        }
    }
    var values: [Double?] { (0..<sum.count).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : nil } }
}

/// IBSI texture aggregation for the direction-dependent families (GLCM, GLRLM): builds the integer matrix
/// once per direction (and slice), merges matrices by summing counts, and averages feature values
/// (IBSI: 2D averaged BTW3, 2D slice-merged SUJT, 2.5D direction-merged JJUI, 2.5D merged ZW7Z,
/// 3D averaged ITBB, 3D merged IAZD). Empty matrices take no part; averages skip undefined values.
enum DirectionalAggregation {
    /// The six aggregations of direction-dependent texture matrices.
    static let all: [Aggregation] = [.twoDAveraged, .twoDSliceMerged, .twoFiveDDirectionMerged, .twoFiveDMerged,
                                     .threeDAveraged, .threeDMerged]

    /// Feature values per requested aggregation (in the order requested; others ignored).
    /// `build(direction, slice)` counts one matrix: slice nil = the whole volume.
    static func values<M: DirectionalMatrix>(
        levels: CompactGreyLevels, aggregations: [Aggregation], featureCount: Int,
        build: (TextureDirection, Int?) -> M, evaluate: (M) -> [Double?]
    ) -> [(Aggregation, [Double?])] {
        let wanted = aggregations.filter { all.contains($0) }
        var result: [Aggregation: [Double?]] = [:]
        let none = [Double?](repeating: nil, count: featureCount)

        if wanted.contains(where: { $0 != .threeDAveraged && $0 != .threeDMerged }) {
            var perMatrix = FeatureMean(featureCount)
            var perSlice = FeatureMean(featureCount)
            var byDirection: [M?] = Array(repeating: nil, count: TextureDirection.twoD.count)
            var total: M? = nil
            for z in 0..<levels.dims.z where levels.voxelsPerSlice[z] > 0 {
                var slice: M? = nil
                for (d, dir) in TextureDirection.twoD.enumerated() {
                    let m = build(dir, z)
                    if m.isEmpty { continue }
                    if wanted.contains(.twoDAveraged) { perMatrix.add(evaluate(m)) }
                    merge(&slice, m); merge(&byDirection[d], m); merge(&total, m)
                }
                if let s = slice, wanted.contains(.twoDSliceMerged) { perSlice.add(evaluate(s)) }
            }
            result[.twoDAveraged] = perMatrix.values
            result[.twoDSliceMerged] = perSlice.values
            if wanted.contains(.twoFiveDDirectionMerged) {
                var perDirection = FeatureMean(featureCount)
                for case let m? in byDirection { perDirection.add(evaluate(m)) }
                result[.twoFiveDDirectionMerged] = perDirection.values
            }
            if wanted.contains(.twoFiveDMerged) { result[.twoFiveDMerged] = total.map(evaluate) ?? none }
        }
        if wanted.contains(.threeDAveraged) || wanted.contains(.threeDMerged) {
            var perMatrix = FeatureMean(featureCount)
            var total: M? = nil
            for dir in TextureDirection.threeD {
                let m = build(dir, nil)
                if m.isEmpty { continue }
                if wanted.contains(.threeDAveraged) { perMatrix.add(evaluate(m)) }
                merge(&total, m)
            }
            result[.threeDAveraged] = perMatrix.values
            result[.threeDMerged] = total.map(evaluate) ?? none
        }
        return wanted.map { ($0, result[$0] ?? none) }
    }

    private static func merge<M: DirectionalMatrix>(_ acc: inout M?, _ m: M) {
        if acc == nil { acc = m } else { acc?.add(m) }
    }

    /// Features of one family: its table evaluated for every requested aggregation; when the texture
    /// cannot be computed, every row is reported undefined with `reason`.
    static func features<P>(table: [FeatureFormula<P>], aggregations: [Aggregation],
                            values: [(Aggregation, [Double?])]?, reason: String) -> [Feature] {
        let wanted = aggregations.filter { all.contains($0) }
        var out: [Feature] = []
        for agg in wanted {
            let v = values?.first(where: { $0.0 == agg })?.1
            for (k, f) in table.enumerated() {
                out.append(Feature(f.tag, f.ibsiID, agg.rawValue, v?[k] ?? nil,
                                   reason: v == nil ? reason : "undefined for this ROI (\(agg.rawValue))"))
            }
        }
        return out
    }

    /// Σ −p·log₂p over positive p, in order.
    static func entropy(_ p: [Double]) -> Double {
        var h = 0.0
        for x in p where x > 0 { h -= x * DetMath.log2(x) }
        return h
    }
}
