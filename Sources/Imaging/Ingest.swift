import CNIfTI

/// Entry point for loading an image and its mask.
/// TEMPORARY whole-file reader (the bounded-memory NIfTI/JPEG readers replace it).
public enum Ingest {
    /// Loads the ROI's bounding box of `imagePath` plus `marginMM` around it, with the mask on the same grid.
    /// `label`: keep only voxels equal to it; nil = every non-zero voxel.
    public static func load(imagePath: String, maskPath: String, label: Int? = nil, marginMM: Double = 0) throws -> ImageWithMask {
        let (g, img) = try readDoubles(imagePath)
        let (gm, msk) = try readDoubles(maskPath)
        if let m = g.mismatch(with: gm) { throw IngestError(maskPath, "mask does not match image: \(m)") }
        let vox = img.map { Int32(($0).rounded(.toNearestOrAwayFromZero)) }
        let mv: [UInt8] = msk.map { v in
            if let l = label { return v.rounded() == Double(l) ? 1 : 0 }
            return v > 0.5 ? 1 : 0
        }
        return ImageWithMask(image: Volume(geometry: g, voxels: vox), mask: Mask(geometry: g, voxels: mv))
    }

    static func readDoubles(_ path: String) throws -> (Geometry, [Double]) {
        guard let nim = nifti_image_read(path, 1) else { throw IngestError(path, "cannot read NIfTI") }
        defer { nifti_image_free(nim) }
        let n = nim.pointee
        let dims = Dims(Int(n.nx), Int(n.ny), max(1, Int(n.nz)))
        let g = Geometry(dims: dims, spacing: Spacing(n.dx, n.dy, n.dz))
        let count = dims.count
        var out = [Double](repeating: 0, count: count)
        let slope = n.scl_slope == 0 ? 1.0 : n.scl_slope, inter = n.scl_slope == 0 ? 0 : n.scl_inter
        let p = n.data!
        for i in 0..<count {
            let v: Double
            switch n.datatype {
            case Int32(DT_UINT8): v = Double(p.load(fromByteOffset: i, as: UInt8.self))
            case Int32(DT_INT16): v = Double(p.load(fromByteOffset: 2 * i, as: Int16.self))
            case Int32(DT_INT32): v = Double(p.load(fromByteOffset: 4 * i, as: Int32.self))
            case Int32(DT_FLOAT32): v = Double(p.load(fromByteOffset: 4 * i, as: Float.self))
            case Int32(DT_FLOAT64): v = p.load(fromByteOffset: 8 * i, as: Double.self)
            default: throw IngestError(path, "datatype \(n.datatype) not supported by the temporary reader")
            }
            out[i] = v * slope + inter
        }
        return (g, out)
    }
}
