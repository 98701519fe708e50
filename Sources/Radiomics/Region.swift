import Imaging

/// The preprocessed region of interest on its (possibly resampled) grid, cropped to the ROI plus
/// a margin (the local-intensity sphere needs voxels outside the ROI).
public struct Region: Sendable {
    public var dims: Dims
    public var spacing: Spacing
    /// Fixed-point intensities of every voxel in the crop; real value = `Double(v) * unit`.
    public var intensities: [Int32]
    public var unit: Double
    /// Morphological mask (shape features): the interpolated ROI before re-segmentation.
    public var morphMask: [UInt8]
    /// Intensity mask (everything else): the morphological mask after re-segmentation.
    public var intensityMask: [UInt8]

    public init(dims: Dims, spacing: Spacing, intensities: [Int32], unit: Double, morphMask: [UInt8], intensityMask: [UInt8]) {
        self.dims = dims; self.spacing = spacing; self.intensities = intensities; self.unit = unit
        self.morphMask = morphMask; self.intensityMask = intensityMask
    }

    /// Fixed-point intensities inside the intensity mask, in grid order (x fastest).
    public var roiIntensities: [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(intensityMask.count)
        for n in 0..<intensities.count where intensityMask[n] != 0 { out.append(intensities[n]) }
        return out
    }
}

/// Discretised grey levels of the intensity mask: 0 outside, 1…`count` inside.
public struct GreyLevels: Sendable {
    public var dims: Dims
    public var spacing: Spacing
    public var levels: [Int32]
    /// Number of grey levels Ng (the highest possible level).
    public var count: Int
    public init(dims: Dims, spacing: Spacing, levels: [Int32], count: Int) {
        self.dims = dims; self.spacing = spacing; self.levels = levels; self.count = count
    }
}
