import CNIfTI

/// Entry point for loading an image and its region of interest with bounded memory.
///
/// NIfTI (`.nii`, `.nii.gz`, `.hdr`/`.img`, NIfTI-1 and -2, any byte order): the mask is streamed slice by slice to
/// find its bounding box (one slice buffer plus the ROI's own slices in memory), then only that box plus the margin
/// is read from the image with libnifti's sub-region reader. JPEG (a folder of slices or one file): decoded slice by
/// slice; masks given as JPEG are thresholded at 128 (lossy at edges: JPEG blurs the mask boundary).
///
/// Voxels become fixed-point integers: real = voxel × `unit`. Integer data with integral scl_slope/scl_inter load
/// exactly; float data (or fractional scaling) are rounded to the nearest integer multiple of `unit` (IBSI: "load
/// as float, round to nearest integer" for CT, unit 1). NaN/Inf inside the ROI is an error; outside it becomes 0.
public enum Ingest {
    /// Largest region (bounding box + margin) loaded, in voxels: 2^28 (1 GiB of Int32), a whole 512×512×1024 CT.
    public static let maxCropVoxels = 1 << 28

    /// Loads the ROI's bounding box of `imagePath` plus `marginMM` around it, with the mask on the same grid.
    /// - label: keep only mask voxels equal to it; nil = every non-zero voxel (> 0.5 for float masks).
    /// - spacing: voxel size for JPEG input (NIfTI carries its own); default 1 mm.
    /// - unit: real value of one integer step of the loaded voxels.
    public static func load(imagePath: String, maskPath: String, label: Int? = nil, marginMM: Double = 0,
                            spacing: Spacing? = nil, unit: Double = 1) throws -> ImageWithMask {
        try load(imagePath: imagePath, maskPath: maskPath, label: label, margin: { _ in marginMM }, spacing: spacing, unit: unit)
    }

    /// As above, with the margin (mm) chosen from the file's voxel spacing once the header is read
    /// (preprocessing needs more context for coarse voxels and spline interpolation).
    public static func load(imagePath: String, maskPath: String, label: Int? = nil, margin: (Spacing) -> Double,
                            spacing: Spacing? = nil, unit: Double = 1) throws -> ImageWithMask {
        guard unit.isFinite, unit > 0 else { throw IngestError(imagePath, "unit must be positive, got \(unit)") }
        let jpegSpacing = spacing ?? Spacing(1, 1, 1)
        if JPEGStack.isJPEGInput(imagePath) || JPEGStack.isJPEGInput(maskPath) {
            guard jpegSpacing.x.isFinite, jpegSpacing.y.isFinite, jpegSpacing.z.isFinite,
                  jpegSpacing.x > 0, jpegSpacing.y > 0, jpegSpacing.z > 0 else {
                throw IngestError(imagePath, "JPEG spacing must be positive, got \(jpegSpacing)")
            }
        }

        // 1. The image header (or the JPEG stack) gives the grid.
        let image: ImageSource = JPEGStack.isJPEGInput(imagePath)
            ? .jpeg(try JPEGStack.load(imagePath, spacing: jpegSpacing), imagePath)
            : .nifti(try NIfTIFile(imagePath))

        // 2. Stream the mask to find the ROI; its geometry must match the image.
        let scan = try MaskScan(path: maskPath, label: label, jpegSpacing: jpegSpacing)
        let g = image.geometry
        if case .nifti = image, !JPEGStack.isJPEGInput(maskPath) {
            if let m = g.mismatch(with: scan.geometry) { throw IngestError(maskPath, "mask does not match the image: \(m)") }
        } else if g.dims != scan.geometry.dims {
            throw IngestError(maskPath, "mask does not match the image: dims differ: \(g.dims) vs \(scan.geometry.dims)")
        }
        guard let roi = scan.boundingBox else {
            throw IngestError(maskPath, label.map { "empty mask: no voxel has label \($0)" } ?? "empty mask: no voxel inside")
        }
        let marginMM = margin(g.spacing)
        guard marginMM.isFinite, marginMM >= 0, marginMM <= 1000 else {
            throw IngestError(imagePath, "margin must be 0…1000 mm, got \(marginMM)")
        }

        // 3. The box to read: the ROI's bounding box plus the margin, converted to voxels per axis.
        func voxels(_ mm: Double, _ s: Double) -> Int { marginMM == 0 ? 0 : Int(min((mm / s).rounded(.up), 1e6)) }
        let box = roi.expanded(by: (voxels(marginMM, g.spacing.x), voxels(marginMM, g.spacing.y), voxels(marginMM, g.spacing.z)),
                               within: g.dims)
        guard box.dims.count <= maxCropVoxels else {
            throw IngestError(maskPath, "ROI bounding box \(box.dims) plus margin is larger than \(maxCropVoxels) voxels")
        }
        let maskVoxels = scan.crop(box)
        let cropGeometry = g.cropped(to: box)

        // 4. Read only that box of the image and quantise it.
        let voxels: [Int32]
        switch image {
        case .nifti(let f): voxels = try readNIfTI(f, box: box, mask: maskVoxels, unit: unit)
        case .jpeg(let (jg, luma), _):
            let d = jg.dims, bd = box.dims
            var out = [Int32](repeating: 0, count: bd.count)
            let scale = 1 / unit
            for k in 0..<bd.z { for j in 0..<bd.y { for i in 0..<bd.x {
                let v = Double(luma[d.index(box.lower.x + i, box.lower.y + j, box.lower.z + k)])
                out[bd.index(i, j, k)] = unit == 1 ? Int32(v) : Int32((v * scale).rounded(.toNearestOrAwayFromZero))
            } } }
            voxels = out
        }
        let offset = (box.lower.x, box.lower.y, box.lower.z)
        return ImageWithMask(image: Volume(geometry: cropGeometry, voxels: voxels, unit: unit, offsetInFile: offset),
                             mask: Mask(geometry: cropGeometry, voxels: maskVoxels, offsetInFile: offset),
                             fileDims: g.dims)
    }

    /// Sub-region read + scaling + rounding, with the NaN/Inf and range checks inside the ROI.
    static func readNIfTI(_ f: NIfTIFile, box: Box, mask: [UInt8], unit: Double) throws -> [Int32] {
        let bd = box.dims
        let (slope, inter) = f.header.scaling
        var out = [Int32](repeating: 0, count: bd.count)
        var bad: (Int, Double)? = nil
        try f.readRegion(box) { raw in
            out.withUnsafeMutableBufferPointer { o in
                f.nativeDecoder.forEach(raw, count: bd.count) { idx, v in
                    let q = ((v * slope + inter) / unit).rounded(.toNearestOrAwayFromZero)
                    if q.isFinite, q >= -2147483648, q <= 2147483647 { o[idx] = Int32(q); return }
                    if mask[idx] != 0 { if bad == nil { bad = (idx, v * slope + inter) } ; return }
                    o[idx] = !q.isFinite || !(v * slope + inter).isFinite ? 0 : (q > 0 ? Int32.max : Int32.min)
                }
            }
        }
        if let (idx, v) = bad {
            let i = idx % bd.x + box.lower.x, j = (idx / bd.x) % bd.y + box.lower.y, k = idx / (bd.x * bd.y) + box.lower.z
            let what = v.isFinite ? "value \(v) does not fit the fixed-point range (unit \(unit))" : "\(v) voxel"
            throw IngestError(f.path, "\(what) inside the ROI at voxel (\(i), \(j), \(k))")
        }
        return out
    }
}

/// Where the image comes from.
enum ImageSource {
    case nifti(NIfTIFile)
    case jpeg((geometry: Geometry, luma: [UInt8]), String)

    var geometry: Geometry {
        switch self {
        case .nifti(let f): return f.geometry
        case .jpeg(let (g, _), _): return g
        }
    }
}

/// A mask read once, slice by slice: its grid, the ROI's bounding box and the ROI's voxels
/// (only the slices that hold any, each cropped to its own bounding rectangle).
struct MaskScan {
    var geometry: Geometry
    var boundingBox: Box?
    var count = 0
    /// Per slice with ROI voxels: z, its rectangle (x0, y0, width, height) and 0/1 flags.
    var slices: [(z: Int, x0: Int, y0: Int, w: Int, h: Int, flags: [UInt8])] = []

    init(path: String, label: Int?, jpegSpacing: Spacing) throws {
        if JPEGStack.isJPEGInput(path) {
            // JPEG masks: luma ≥ 128 is inside (a label does not apply to JPEG masks beyond this threshold).
            let files = try JPEGStack.sliceFiles(path)
            var w = 0, h = 0
            geometry = Geometry(dims: Dims(0, 0, files.count), spacing: jpegSpacing)
            for (k, file) in files.enumerated() {
                let img = try JPEGImage.decode(file)
                if k == 0 { w = img.width; h = img.height } else if img.width != w || img.height != h {
                    throw IngestError(file, "slice is \(img.width)×\(img.height), the first slice is \(w)×\(h)")
                }
                img.luma.withUnsafeBufferPointer { p in add(z: k, width: w, height: h) { p[$0] >= 128 } }
            }
            geometry.dims = Dims(w, h, files.count)
        } else {
            let f = try NIfTIFile(path)
            geometry = f.geometry
            let d = f.geometry.dims, isFloat = f.header.datatype.isFloat
            let (slope, inter) = f.header.scaling
            let dec = f.decoder, n = d.x * d.y, size = f.header.datatype.size
            // Is a voxel whose stored value is 0 inside? (Only with an odd scl_inter or label 0.)
            let zero = inter
            let zeroInside = label.map { (isFloat ? zero.rounded(.toNearestOrAwayFromZero) : zero) == Double($0) }
                ?? (isFloat ? zero > 0.5 : zero != 0)
            // Integer mask, no scaling, no label: inside ⇔ some byte of the stored value is non-zero (any byte order).
            let rawNonZero = label == nil && !isFloat && slope == 1 && inter == 0
            var flags = [Bool](repeating: false, count: n)
            try f.forEachSlice { k, raw in
                // Most slices of a tumour mask are empty: skip them at memory speed.
                if !zeroInside && MaskScan.allZero(raw, n * size) { return }
                if rawNonZero {
                    add(z: k, width: d.x, height: d.y) { i in
                        for b in 0..<size where raw.load(fromByteOffset: i * size + b, as: UInt8.self) != 0 { return true }
                        return false
                    }
                    return
                }
                flags.withUnsafeMutableBufferPointer { fl in
                    dec.forEach(raw, count: n) { i, v in
                        let x = v * slope + inter
                        if let l = label { fl[i] = (isFloat ? x.rounded(.toNearestOrAwayFromZero) : x) == Double(l) }
                        else { fl[i] = isFloat ? x > 0.5 : x != 0 }
                    }
                }
                flags.withUnsafeBufferPointer { fl in add(z: k, width: d.x, height: d.y) { fl[$0] } }
            }
        }
    }

    /// True when `count` bytes at `p` are all zero.
    static func allZero(_ p: UnsafeRawPointer, _ count: Int) -> Bool {
        var i = 0
        while i + 32 <= count {
            let a = p.loadUnaligned(fromByteOffset: i, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            let b = p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            if a | b != 0 { return false }
            i += 32
        }
        while i < count { if p.load(fromByteOffset: i, as: UInt8.self) != 0 { return false }; i += 1 }
        return true
    }

    /// Records the inside voxels of slice z (`inside(index)` for index = y·width + x).
    private mutating func add(z: Int, width: Int, height: Int, _ inside: (Int) -> Bool) {
        var x0 = width, x1 = -1, y0 = height, y1 = -1
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where inside(row + x) {
                if x < x0 { x0 = x }; if x > x1 { x1 = x }; if y < y0 { y0 = y }; y1 = y
            }
        }
        guard x1 >= 0 else { return }
        let w = x1 - x0 + 1, h = y1 - y0 + 1
        var fl = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w where inside((y0 + y) * width + x0 + x) { fl[y * w + x] = 1; count += 1 } }
        slices.append((z, x0, y0, w, h, fl))
        if let b = boundingBox {
            boundingBox = Box(lower: (min(b.lower.x, x0), min(b.lower.y, y0), b.lower.z),
                              upper: (max(b.upper.x, x1 + 1), max(b.upper.y, y1 + 1), z + 1))
        } else {
            boundingBox = Box(lower: (x0, y0, z), upper: (x1 + 1, y1 + 1, z + 1))
        }
    }

    /// The mask's 0/1 voxels on `box` (which contains the bounding box).
    func crop(_ box: Box) -> [UInt8] {
        let bd = box.dims
        var out = [UInt8](repeating: 0, count: bd.count)
        for s in slices where s.z >= box.lower.z && s.z < box.upper.z {
            for y in 0..<s.h { for x in 0..<s.w where s.flags[y * s.w + x] != 0 {
                out[bd.index(s.x0 + x - box.lower.x, s.y0 + y - box.lower.y, s.z - box.lower.z)] = 1
            } }
        }
        return out
    }
}

extension Geometry {
    /// The geometry of the sub-grid `box`: same spacing and axes, origin moved to the box's first voxel.
    public func cropped(to box: Box) -> Geometry {
        let (i, j, k) = (Double(box.lower.x) * spacing.x, Double(box.lower.y) * spacing.y, Double(box.lower.z) * spacing.z)
        let o = (origin.0 + direction[0][0] * i + direction[1][0] * j + direction[2][0] * k,
                 origin.1 + direction[0][1] * i + direction[1][1] * j + direction[2][1] * k,
                 origin.2 + direction[0][2] * i + direction[1][2] * j + direction[2][2] * k)
        return Geometry(dims: box.dims, spacing: spacing, origin: o, direction: direction)
    }
}
