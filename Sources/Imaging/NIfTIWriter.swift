import CNIfTI
#if canImport(Glibc)
import Glibc
#endif

/// Writes NIfTI-1/-2 files (`.nii`, `.nii.gz`, `.hdr` + `.img`) through libnifti: libnifti builds the header
/// (`nifti_make_new_nim`, `nifti_convert_nim2n{1,2}hdr`, `swap_nifti_header` for big-endian output, which
/// libnifti's own writer cannot produce) and znzlib writes header and voxels. Output goes to a temporary file
/// that is renamed, so a reader never sees a partial file.
public enum NIfTIWriter {
    /// Writes `values` (stored values, before scl_slope/scl_inter) as `datatype`.
    /// Integer datatypes need integral values within range, else it throws.
    public static func write(path: String, geometry: Geometry, values: [Double], datatype: NIfTIDataType,
                             slope: Double = 1, intercept: Double = 0, bigEndian: Bool = false, version: Int = 1,
                             compressionLevel: Int = 6) throws {
        guard values.count == geometry.dims.count else {
            throw IngestError(path, "writer: \(values.count) values for dims \(geometry.dims)")
        }
        var bytes = [UInt8](repeating: 0, count: values.count * datatype.size)
        try bytes.withUnsafeMutableBytes { b in
            for (i, v) in values.enumerated() {
                func int<T: FixedWidthInteger>(_: T.Type) throws {
                    guard v.isFinite, v == v.rounded(), v >= Double(T.min), v <= Double(T.max) else {
                        throw IngestError(path, "writer: value \(v) does not fit \(datatype)")
                    }
                    b.storeBytes(of: T(v), toByteOffset: i * MemoryLayout<T>.size, as: T.self)
                }
                switch datatype {
                case .uint8: try int(UInt8.self)
                case .int8: try int(Int8.self)
                case .int16: try int(Int16.self)
                case .uint16: try int(UInt16.self)
                case .int32: try int(Int32.self)
                case .uint32: try int(UInt32.self)
                case .float32: b.storeBytes(of: Float(v), toByteOffset: 4 * i, as: Float.self)
                case .float64: b.storeBytes(of: v, toByteOffset: 8 * i, as: Double.self)
                }
            }
        }
        try bytes.withUnsafeBytes {
            try writeRaw(path: path, geometry: geometry, datatype: datatype, native: $0, slope: slope, intercept: intercept,
                         bigEndian: bigEndian, version: version, compressionLevel: compressionLevel)
        }
    }

    /// Writes an integer volume as int16 (or int32 when values do not fit), scl_slope = its unit.
    public static func write(_ volume: Volume, path: String, compressionLevel: Int = 6) throws {
        let fits16 = volume.voxels.allSatisfy { $0 >= -32768 && $0 <= 32767 }
        try write(path: path, geometry: volume.geometry, values: volume.voxels.map(Double.init),
                  datatype: fits16 ? .int16 : .int32, slope: volume.unit, compressionLevel: compressionLevel)
    }

    /// Writes a mask as uint8 0/1.
    public static func write(_ mask: Mask, path: String, compressionLevel: Int = 6) throws {
        try mask.voxels.withUnsafeBytes {
            try writeRaw(path: path, geometry: mask.geometry, datatype: .uint8, native: $0, compressionLevel: compressionLevel)
        }
    }

    /// Writes voxel bytes given in native byte order (`dims.count · datatype.size` bytes).
    public static func writeRaw(path: String, geometry: Geometry, datatype: NIfTIDataType, native: UnsafeRawBufferPointer,
                                slope: Double = 1, intercept: Double = 0, bigEndian: Bool = false, version: Int = 1,
                                compressionLevel: Int = 6) throws {
        _ = silenceLibniftiWriter
        let d = geometry.dims
        guard d.x >= 1, d.y >= 1, d.z >= 1, native.count == d.count * datatype.size else {
            throw IngestError(path, "writer: \(native.count) bytes for dims \(d) \(datatype)")
        }
        guard version == 1 || version == 2 else { throw IngestError(path, "writer: NIfTI version must be 1 or 2") }
        if version == 1 && (d.x > 32767 || d.y > 32767 || d.z > 32767) {
            throw IngestError(path, "writer: dims \(d) do not fit a NIfTI-1 header")
        }
        let lower = path.lowercased()
        let pair = lower.hasSuffix(".hdr") || lower.hasSuffix(".hdr.gz")
        let gz = lower.hasSuffix(".gz")
        guard pair || lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") else {
            throw IngestError(path, "writer: file name must end in .nii, .nii.gz, .hdr or .hdr.gz")
        }
        let dims: [Int64] = [3, Int64(d.x), Int64(d.y), Int64(d.z), 1, 1, 1, 1]
        guard let nim = nifti_make_new_nim(dims, datatype.rawValue, 0) else { throw IngestError(path, "writer: libnifti cannot make a header") }
        defer { nifti_image_free(nim) }
        let s = geometry.spacing
        nim.pointee.dx = s.x; nim.pointee.dy = s.y; nim.pointee.dz = s.z
        nim.pointee.pixdim.1 = s.x; nim.pointee.pixdim.2 = s.y; nim.pointee.pixdim.3 = s.z
        nim.pointee.xyz_units = Int32(NIFTI_UNITS_MM)
        nim.pointee.scl_slope = slope; nim.pointee.scl_inter = intercept
        // sform and qform both from the geometry (scanner-based, code 1).
        var m = nifti_dmat44()
        let dir = geometry.direction, sp = [s.x, s.y, s.z], o = [geometry.origin.0, geometry.origin.1, geometry.origin.2]
        withUnsafeMutableBytes(of: &m.m) { raw in
            let a = raw.bindMemory(to: Double.self)
            for r in 0..<3 { for c in 0..<3 { a[4 * r + c] = dir[c][r] * sp[c] }; a[4 * r + 3] = o[r] }
            a[15] = 1
        }
        nim.pointee.sto_xyz = m; nim.pointee.sform_code = Int32(NIFTI_XFORM_SCANNER_ANAT)
        nim.pointee.qto_xyz = m; nim.pointee.qform_code = Int32(NIFTI_XFORM_SCANNER_ANAT)
        var qb = 0.0, qc = 0.0, qd = 0.0, qx = 0.0, qy = 0.0, qz = 0.0, dx = 0.0, dy = 0.0, dz = 0.0, qfac = 0.0
        nifti_dmat44_to_quatern(m, &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac)
        nim.pointee.quatern_b = qb; nim.pointee.quatern_c = qc; nim.pointee.quatern_d = qd
        nim.pointee.qoffset_x = qx; nim.pointee.qoffset_y = qy; nim.pointee.qoffset_z = qz; nim.pointee.qfac = qfac
        let headerSize = version == 1 ? 348 : 540
        let offset = pair ? 0 : headerSize + 4
        nim.pointee.iname_offset = Int64(offset)
        nim.pointee.nifti_type = Int32(version == 1 ? (pair ? NIFTI_FTYPE_NIFTI1_2 : NIFTI_FTYPE_NIFTI1_1)
                                                     : (pair ? NIFTI_FTYPE_NIFTI2_2 : NIFTI_FTYPE_NIFTI2_1))
        var header = [UInt8](repeating: 0, count: headerSize)
        let rc: Int32 = header.withUnsafeMutableBytes { raw in
            if version == 1 {
                var h = nifti_1_header()
                guard nifti_convert_nim2n1hdr(nim, &h) == 0 else { return 1 }
                h.vox_offset = Float(offset)
                if bigEndian != isBigEndianHost { swap_nifti_header(&h, 1) }
                withUnsafeBytes(of: h) { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(headerSize))) }
            } else {
                var h = nifti_2_header()
                guard nifti_convert_nim2n2hdr(nim, &h) == 0 else { return 1 }
                h.vox_offset = Int64(offset)
                // libnifti 3.0.1 leaves bytes 4…7 of the magic zero; write the standard "n+2\0\r\n\032\n".
                withUnsafeMutableBytes(of: &h.magic) { m in m[4] = 13; m[5] = 10; m[6] = 26; m[7] = 10 }
                if bigEndian != isBigEndianHost { swap_nifti_header(&h, 2) }
                withUnsafeBytes(of: h) { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(headerSize))) }
            }
            return 0
        }
        guard rc == 0 else { throw IngestError(path, "writer: libnifti cannot convert the header") }

        let mode = gz ? "wb\(max(1, min(9, compressionLevel)))" : "wb"
        let swapSize = bigEndian != isBigEndianHost ? datatype.size : 1
        if pair {
            let imgPath = String(path.dropLast(gz ? 6 : 3)) + (gz ? "img.gz" : "img")
            try atomicZnz(path, mode: mode, gz: gz) { f in try put(header, f, path) }
            try atomicZnz(imgPath, mode: mode, gz: gz) { f in try putData(native, swapSize: swapSize, f, imgPath) }
        } else {
            try atomicZnz(path, mode: mode, gz: gz) { f in
                try put(header + [0, 0, 0, 0], f, path)   // extender: no extensions
                try putData(native, swapSize: swapSize, f, path)
            }
        }
    }

    private static let isBigEndianHost = 1.bigEndian == 1

    private static func put(_ bytes: [UInt8], _ f: znzFile, _ path: String) throws {
        let n = bytes.withUnsafeBytes { znzwrite($0.baseAddress, 1, $0.count, f) }
        guard n == bytes.count else { throw IngestError(path, "write failed: \(FileIO.errnoText())") }
    }

    private static func putData(_ data: UnsafeRawBufferPointer, swapSize: Int, _ f: znzFile, _ path: String) throws {
        let chunk = 1 << 20
        var buf = [UInt8](repeating: 0, count: min(chunk, max(1, data.count)))
        var off = 0
        while off < data.count {
            let n = min(chunk, data.count - off)
            buf.withUnsafeMutableBytes { b in
                b.baseAddress!.copyMemory(from: data.baseAddress! + off, byteCount: n)
                if swapSize > 1 {
                    var i = 0
                    while i < n { var l = i, r = i + swapSize - 1; while l < r { b.swapAt(l, r); l += 1; r -= 1 }; i += swapSize }
                }
            }
            let w = buf.withUnsafeBytes { znzwrite($0.baseAddress, 1, n, f) }
            guard w == n else { throw IngestError(path, "write failed: \(FileIO.errnoText())") }
            off += n
        }
    }

    /// Opens `path`.tmp through znzlib, runs `body`, closes and renames; removes the temporary file on failure.
    private static func atomicZnz(_ path: String, mode: String, gz: Bool, _ body: (znzFile) throws -> Void) throws {
        let tmp = path + ".tmp-\(getpid())"
        var file: znzFile? = znzopen(tmp, mode, gz ? 1 : 0)
        guard let f = file else { throw IngestError(path, "cannot write: \(FileIO.errnoText())") }
        do { try body(f) } catch { Xznzclose(&file); unlink(tmp); throw error }
        guard Xznzclose(&file) == 0 else { unlink(tmp); throw IngestError(path, "write failed on close") }
        guard rename(tmp, path) == 0 else { let e = FileIO.errnoText(); unlink(tmp); throw IngestError(path, "cannot write: \(e)") }
    }
}

private let silenceLibniftiWriter: Void = { nifti_set_debug_level(0) }()
