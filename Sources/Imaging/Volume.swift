/// Image and mask containers. Intensities are integers (fixed point): the real value of a voxel is
/// `Double(voxel) * unit`, where `unit` is 1 for CT in HU and e.g. 0.001 for MR data stored as float.

/// A 3-D image on a voxel grid, voxels as fixed-point integers.
public struct Volume: Sendable {
    public var geometry: Geometry
    /// Voxels, x fastest then y then z (`geometry.dims.index`).
    public var voxels: [Int32]
    /// Real intensity of one integer step (1 = integer HU).
    public var unit: Double
    /// Offset of this grid's voxel (0,0,0) inside the file it came from (non-zero after a sub-region read).
    public var offsetInFile: (x: Int, y: Int, z: Int)

    public init(geometry: Geometry, voxels: [Int32], unit: Double = 1, offsetInFile: (Int, Int, Int) = (0, 0, 0)) {
        precondition(voxels.count == geometry.dims.count, "voxel count does not match dims")
        self.geometry = geometry; self.voxels = voxels; self.unit = unit
        self.offsetInFile = (offsetInFile.0, offsetInFile.1, offsetInFile.2)
    }
    public var dims: Dims { geometry.dims }
    public var spacing: Spacing { geometry.spacing }
    @inline(__always) public subscript(i: Int, j: Int, k: Int) -> Int32 {
        get { voxels[geometry.dims.index(i, j, k)] }
        set { voxels[geometry.dims.index(i, j, k)] = newValue }
    }
}

/// A binary region of interest on a voxel grid (1 = inside).
public struct Mask: Sendable {
    public var geometry: Geometry
    public var voxels: [UInt8]
    public var offsetInFile: (x: Int, y: Int, z: Int)

    public init(geometry: Geometry, voxels: [UInt8], offsetInFile: (Int, Int, Int) = (0, 0, 0)) {
        precondition(voxels.count == geometry.dims.count, "voxel count does not match dims")
        self.geometry = geometry; self.voxels = voxels
        self.offsetInFile = (offsetInFile.0, offsetInFile.1, offsetInFile.2)
    }
    public var dims: Dims { geometry.dims }
    public var spacing: Spacing { geometry.spacing }
    @inline(__always) public subscript(i: Int, j: Int, k: Int) -> Bool {
        get { voxels[geometry.dims.index(i, j, k)] != 0 }
        set { voxels[geometry.dims.index(i, j, k)] = newValue ? 1 : 0 }
    }
    /// Number of voxels inside.
    public var count: Int { voxels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
    /// Tight bounding box of the voxels inside, nil when empty.
    public var boundingBox: Box? {
        let d = dims
        var lo = (d.x, d.y, d.z), hi = (-1, -1, -1)
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x where voxels[d.index(i, j, k)] != 0 {
            lo = (min(lo.0, i), min(lo.1, j), min(lo.2, k)); hi = (max(hi.0, i), max(hi.1, j), max(hi.2, k))
        } } }
        return hi.0 < 0 ? nil : Box(lower: lo, upper: (hi.0 + 1, hi.1 + 1, hi.2 + 1))
    }
}

/// An image with its region of interest, on the same grid (what ingest hands to preprocessing).
public struct ImageWithMask: Sendable {
    public var image: Volume
    public var mask: Mask
    /// Dims of the whole file the crop was read from (resampling aligns its grid on the file's grid, as the
    /// IBSI defines it); nil = image and mask are the whole file.
    public var fileDims: Dims?
    public init(image: Volume, mask: Mask, fileDims: Dims? = nil) { self.image = image; self.mask = mask; self.fileDims = fileDims }
}
