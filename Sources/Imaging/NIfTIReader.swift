import CNIfTI
#if canImport(Glibc)
import Glibc
#endif

/// libnifti prints diagnostics to stderr at its default debug level 1; we report errors ourselves.
private let silenceLibnifti: Void = { nifti_set_debug_level(0) }()

/// An open NIfTI file: our checked header plus libnifti's header-only `nifti_image` (no voxel data loaded).
/// Voxels are read either slice by slice (`forEachSlice`, bounded memory) or as a sub-region (`readRegion`).
final class NIfTIFile {
    let path: String
    let header: NIfTIHeader
    let geometry: Geometry
    private let nim: UnsafeMutablePointer<nifti_image>
    /// File holding the voxels (the .nii itself, or the .img of a pair) and where they start in it.
    let dataPath: String
    let dataOffset: Int

    init(_ given: String) throws {
        _ = silenceLibnifti
        // The .img of a pair names its .hdr.
        let lower = given.lowercased()
        let path = lower.hasSuffix(".img") ? String(given.dropLast(3)) + "hdr"
            : (lower.hasSuffix(".img.gz") ? String(given.dropLast(6)) + "hdr" : given)
        self.path = path
        header = try NIfTIHeader.read(path)
        if !header.singleFile {
            // A .hdr/.img pair: name the missing data file ourselves (libnifti would only fail without a reason).
            let lower = path.lowercased()
            let stem = lower.hasSuffix(".hdr.gz") ? String(path.dropLast(6)) : (lower.hasSuffix(".hdr") ? String(path.dropLast(3)) : "")
            let candidates = stem.isEmpty ? [] : [stem + "img", stem + "img.gz", stem + "IMG"]
            guard candidates.contains(where: { access($0, R_OK) == 0 }) else {
                throw IngestError(path, "image data file (.img) of this .hdr is missing")
            }
        }
        // The header is sane (dims, datatype, offset): now libnifti may parse it (header only, read_data = 0).
        guard let n = nifti_image_read(path, 0) else { throw IngestError(path, "libnifti could not read the header") }
        nim = n
        var ok = false
        defer { if !ok { nifti_image_free(n) } }
        // Axes past dim[0] may be stored as 0 (a 2-D file's dim[3]); libnifti keeps the 0, which would make
        // nvox 0. Set them to 1 and let libnifti recompute nx…nw and nvox.
        var fixed = false
        withUnsafeMutableBytes(of: &n.pointee.dim) { raw in
            let d = raw.bindMemory(to: Int64.self)
            for i in 1..<8 where d[i] == 0 && i > Int(d[0]) { d[i] = 1; fixed = true }
        }
        if fixed { _ = nifti_update_dims_from_array(n) }
        guard let iname = n.pointee.iname else { throw IngestError(path, "no image data file found") }
        dataPath = String(cString: iname)
        dataOffset = Int(n.pointee.iname_offset)
        guard dataOffset >= 0, Int(n.pointee.nx) == header.dim[1], Int(n.pointee.ny) == header.dim[2],
              Int(n.pointee.nz) == header.dim[3], n.pointee.datatype == header.datatype.rawValue else {
            throw IngestError(path, "libnifti disagrees with the header (dims/datatype/offset)")
        }
        // Uncompressed data: the file must hold every voxel the header promises (a lying header is caught here,
        // before any read). Compressed data cannot be sized without inflating, but deflate expands at most 1032:1:
        // a gzip file too small to hold the promised bytes is refused before any slice buffer is allocated
        // (a 300-byte .nii.gz declaring a 32767×32767 float64 slice would otherwise allocate 8.6 GB).
        let size = try FileIO.regularFileSize(dataPath, naming: "image data")
        let need = dataOffset + header.dataBytes
        if nifti_is_gzfile(dataPath) == 0 {
            if size < need {
                throw IngestError(dataPath, "truncated: header promises \(need) bytes (vox_offset \(dataOffset) + \(header.dims) \(header.datatype)), file has \(size)")
            }
        } else if need / 1032 > size + 64 {
            throw IngestError(dataPath, "truncated: header promises \(need) bytes (\(header.dims) \(header.datatype)), more than a \(size)-byte gzip file can hold")
        }
        geometry = try NIfTIFile.geometry(of: n.pointee, header: header, path: path)
        ok = true
    }

    deinit { nifti_image_free(nim) }

    /// One voxel-to-world transform with the standard's precedence: sform (sform_code > 0), else qform
    /// (qform_code > 0), else pixdim only (origin 0, axes aligned). Spacing = pixdim when the transform's column
    /// lengths agree with it (to 1e-4), else the column lengths.
    static func geometry(of n: nifti_image, header: NIfTIHeader, path: String) throws -> Geometry {
        let pix = Spacing(header.pixdim[1], header.pixdim[2], header.pixdim[3])
        func flat(_ m: nifti_dmat44) -> [Double] {
            withUnsafeBytes(of: m.m) { Array($0.bindMemory(to: Double.self)) }   // row-major 4×4
        }
        func from(_ m: [Double]) -> Geometry? {
            guard m.allSatisfy({ $0.isFinite }) else { return nil }
            var dir: [[Double]] = [], sp = [pix.x, pix.y, pix.z]
            for c in 0..<3 {
                let col = [m[c], m[4 + c], m[8 + c]]
                let len = (col[0] * col[0] + col[1] * col[1] + col[2] * col[2]).squareRoot()
                guard len > 0, len.isFinite else { return nil }
                if abs(len - sp[c]) > 1e-4 * sp[c] { sp[c] = len }
                dir.append(col.map { $0 / len })
            }
            return Geometry(dims: header.dims, spacing: Spacing(sp[0], sp[1], sp[2]),
                            origin: (m[3], m[7], m[11]), direction: dir)
        }
        if n.sform_code > 0, let g = from(flat(n.sto_xyz)) { return g }
        if n.qform_code > 0, let g = from(flat(n.qto_xyz)) { return g }
        return Geometry(dims: header.dims, spacing: pix)
    }

    var decoder: RawDecoder { RawDecoder(header.datatype, fileBigEndian: header.bigEndian) }

    /// Streams the voxel data one z-slice at a time (one slice buffer in memory), in file order.
    func forEachSlice(_ body: (Int, UnsafeRawPointer) throws -> Void) throws {
        let d = header.dims
        let sliceBytes = d.x * d.y * header.datatype.size
        var file: znzFile? = znzopen(dataPath, "rb", nifti_is_gzfile(dataPath))
        guard let f = file else { throw IngestError(dataPath, "cannot open image data: \(FileIO.errnoText())") }
        defer { Xznzclose(&file) }
        if dataOffset > 0 && znzseek(f, .init(dataOffset), SEEK_SET) < 0 {
            throw IngestError(dataPath, "truncated: data offset \(dataOffset) lies past the end")
        }
        let buf = UnsafeMutableRawPointer.allocate(byteCount: max(1, sliceBytes), alignment: 16)
        defer { buf.deallocate() }
        for k in 0..<d.z {
            let n = znzread(buf, 1, sliceBytes, f)
            guard n == sliceBytes else {   // znzread returns (size_t)-1, seen as −1 here, on a zlib error
                let what = n < 0 || n > sliceBytes ? "corrupt compressed data" : "truncated"
                throw IngestError(dataPath, "\(what): voxel data end in slice \(k) of \(d.z)")
            }
            try body(k, UnsafeRawPointer(buf))
        }
        // gzip checks its CRC only when the stream's end is read: read one byte past the voxels so corrupt
        // data that happened to inflate is still reported. (Extra bytes after the voxels are allowed.)
        if nifti_is_gzfile(dataPath) != 0 {
            let n = znzread(buf, 1, 1, f)
            if n < 0 || n > 1 { throw IngestError(dataPath, "corrupt compressed data (gzip check failed)") }
        }
    }

    /// Reads the voxels of `box` with libnifti's sub-region reader (gzip files inflate only up to the box's last
    /// slice) and hands the raw buffer (file datatype, native byte order) to `body`.
    func readRegion<T>(_ box: Box, _ body: (UnsafeRawPointer) throws -> T) throws -> T {
        var start = [Int64](repeating: 0, count: 7), size = [Int64](repeating: 1, count: 7)
        start[0] = Int64(box.lower.x); start[1] = Int64(box.lower.y); start[2] = Int64(box.lower.z)
        let bd = box.dims
        size[0] = Int64(bd.x); size[1] = Int64(bd.y); size[2] = Int64(bd.z)
        // libnifti's nifti_read_buffer replaces NaN/Inf floats by 0. We must see them (NaN inside the ROI is an
        // error), so the read is done as the same-size integer type and the bits are reinterpreted afterwards.
        let saved = nim.pointee.datatype
        switch header.datatype {
        case .float32: nim.pointee.datatype = Int32(DT_INT32)
        case .float64: nim.pointee.datatype = Int32(DT_INT64)
        default: break
        }
        defer { nim.pointee.datatype = saved }
        var data: UnsafeMutableRawPointer? = nil
        let got = nifti_read_subregion_image(nim, start, size, &data)
        defer { free(data) }
        let want = Int64(bd.count * header.datatype.size)
        guard got == want, let p = data else {
            throw IngestError(dataPath, "cannot read voxels \(box): truncated or corrupt data")
        }
        return try body(UnsafeRawPointer(p))
    }

    /// Byte order of the buffer `readRegion` hands out: libnifti has already swapped it to native.
    var nativeDecoder: RawDecoder { RawDecoder(header.datatype, fileBigEndian: 1.bigEndian == 1) }
}
