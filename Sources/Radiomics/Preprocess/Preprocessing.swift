import Imaging

/// Errors of preprocessing and discretisation.
public struct PreprocessError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Resampling, mask interpolation and re-segmentation (stub — being written).
public enum Preprocessing {
    public static func prepare(_ input: ImageWithMask, settings: ExtractionSettings) throws -> Region {
        let g = input.image.geometry
        return Region(dims: g.dims, spacing: g.spacing, intensities: input.image.voxels, unit: input.image.unit,
                      morphMask: input.mask.voxels, intensityMask: input.mask.voxels)
    }
}

/// Grey-level discretisation (stub — being written).
public enum Discretiser {
    public static func greyLevels(_ region: Region, settings: ExtractionSettings) throws -> GreyLevels {
        // Only `.none` so far (digital phantom): the intensities are the grey levels.
        let lv = zip(region.intensities, region.intensityMask).map { $1 != 0 ? $0 : 0 }
        return GreyLevels(dims: region.dims, spacing: region.spacing, levels: lv, count: Int(lv.max() ?? 0))
    }
}
