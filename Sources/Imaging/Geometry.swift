/// Voxel grid geometry shared by an image and its mask.

/// Number of voxels along each axis (x = columns, y = rows, z = slices).
public struct Dims: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var x: Int, y: Int, z: Int
    public init(_ x: Int, _ y: Int, _ z: Int) { self.x = x; self.y = y; self.z = z }
    /// Total voxel count.
    public var count: Int { x * y * z }
    /// Linear index of voxel (i, j, k); x varies fastest, as in NIfTI.
    @inline(__always) public func index(_ i: Int, _ j: Int, _ k: Int) -> Int { (k * y + j) * x + i }
    public var description: String { "\(x)×\(y)×\(z)" }
}

/// Voxel size in millimetres along x, y, z.
public struct Spacing: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var x: Double, y: Double, z: Double
    public init(_ x: Double, _ y: Double, _ z: Double) { self.x = x; self.y = y; self.z = z }
    /// Voxel volume in mm³.
    public var voxelVolume: Double { x * y * z }
    public var description: String { "\(x)×\(y)×\(z) mm" }
}

/// Where the grid sits in the scanner: voxel (i, j, k) maps to
/// `origin + direction · (i·sx, j·sy, k·sz)` in millimetres (NIfTI RAS+ world).
public struct Geometry: Sendable, Equatable {
    public var dims: Dims
    public var spacing: Spacing
    /// World position (mm) of the centre of voxel (0, 0, 0).
    public var origin: (Double, Double, Double)
    /// Unit direction cosines of the three grid axes, column-major: `direction[c]` is axis c.
    public var direction: [[Double]]

    public init(dims: Dims, spacing: Spacing,
                origin: (Double, Double, Double) = (0, 0, 0),
                direction: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]) {
        self.dims = dims; self.spacing = spacing; self.origin = origin; self.direction = direction
    }

    public static func == (a: Geometry, b: Geometry) -> Bool {
        a.dims == b.dims && a.spacing == b.spacing && a.origin == b.origin && a.direction == b.direction
    }

    /// Describes how `other` differs from `self`, or nil when they agree within `tolerance`
    /// (relative for spacing, millimetres for origin, absolute for direction cosines).
    public func mismatch(with other: Geometry, tolerance: Double = 1e-3) -> String? {
        if dims != other.dims { return "dims differ: \(dims) vs \(other.dims)" }
        let s = [(spacing.x, other.spacing.x), (spacing.y, other.spacing.y), (spacing.z, other.spacing.z)]
        for (a, b) in s where abs(a - b) > tolerance * max(abs(a), abs(b)) {
            return "spacing differs: \(spacing) vs \(other.spacing)"
        }
        let o = [(origin.0, other.origin.0), (origin.1, other.origin.1), (origin.2, other.origin.2)]
        for (a, b) in o where abs(a - b) > max(tolerance * 10, 0.01) {
            return "origin differs: (\(origin.0), \(origin.1), \(origin.2)) vs (\(other.origin.0), \(other.origin.1), \(other.origin.2)) mm"
        }
        for c in 0..<3 { for r in 0..<3 where abs(direction[c][r] - other.direction[c][r]) > tolerance {
            return "direction differs on axis \(c): \(direction[c]) vs \(other.direction[c])"
        } }
        return nil
    }
}

/// An axis-aligned box of voxels, `lower` inclusive, `upper` exclusive.
public struct Box: Sendable, Equatable, CustomStringConvertible {
    public var lower: (x: Int, y: Int, z: Int)
    public var upper: (x: Int, y: Int, z: Int)
    public init(lower: (Int, Int, Int), upper: (Int, Int, Int)) {
        self.lower = (lower.0, lower.1, lower.2); self.upper = (upper.0, upper.1, upper.2)
    }
    public var dims: Dims { Dims(upper.x - lower.x, upper.y - lower.y, upper.z - lower.z) }
    public var isEmpty: Bool { upper.x <= lower.x || upper.y <= lower.y || upper.z <= lower.z }
    /// This box grown by `margin` voxels per axis, clipped to `dims`.
    public func expanded(by margin: (Int, Int, Int), within dims: Dims) -> Box {
        Box(lower: (max(0, lower.x - margin.0), max(0, lower.y - margin.1), max(0, lower.z - margin.2)),
            upper: (min(dims.x, upper.x + margin.0), min(dims.y, upper.y + margin.1), min(dims.z, upper.z + margin.2)))
    }
    public static func == (a: Box, b: Box) -> Bool { a.lower == b.lower && a.upper == b.upper }
    public var description: String { "[\(lower.x)..<\(upper.x), \(lower.y)..<\(upper.y), \(lower.z)..<\(upper.z)]" }
}
