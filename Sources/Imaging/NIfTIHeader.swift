import CNIfTI
#if canImport(Glibc)
import Glibc
#endif

/// NIfTI voxel datatypes the ingest accepts (codes from nifti1.h).
public enum NIfTIDataType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 2, int16 = 4, int32 = 8, float32 = 16, float64 = 64, int8 = 256, uint16 = 512, uint32 = 768

    /// Bytes per voxel.
    public var size: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .float64: return 8
        }
    }
    public var isFloat: Bool { self == .float32 || self == .float64 }
    public var description: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .int16: return "int16"
        case .uint16: return "uint16"
        case .int32: return "int32"
        case .uint32: return "uint32"
        case .float32: return "float32"
        case .float64: return "float64"
        }
    }
}

/// The fields of a NIfTI-1/-2 header that ingest needs, parsed and checked by us BEFORE libnifti sees the file.
///
/// Why our own check: libnifti trusts the header. It prints to stderr, silently replaces bad pixdims with 1 and
/// NaN voxels with 0, allocates whatever the dims ask for and gives no reason when it fails. Reading the
/// 348/540-byte header through znzlib ourselves lets every bad file get a one-line error naming the problem, and
/// guarantees that what we later hand to libnifti has sane dims, a known datatype and a data offset inside the file.
struct NIfTIHeader {
    var version: Int            // 1 or 2
    var bigEndian: Bool
    var dim: [Int]              // dim[0] = rank, dim[1...7]; unused entries set to 1
    var datatype: NIfTIDataType
    var pixdim: [Double]        // pixdim[1...3] checked; 1 for axes of size 1 when unset
    var voxOffset: Int
    var sclSlope: Double, sclInter: Double
    var singleFile: Bool        // n+1 / n+2 (else a .hdr/.img pair)

    var dims: Dims { Dims(dim[1], dim[2], dim[3]) }

    /// Largest accepted voxel count (2^31 − 1: indices stay in Int32 and arrays stay addressable on 32-bit tools).
    static let maxVoxels = Int(Int32.max)
    /// Largest accepted data offset (header + extensions); libnifti reads extensions into memory.
    static let maxVoxOffset = 16 << 20

    /// Reads and checks the header of `path` (.nii, .nii.gz, .hdr, .hdr.gz).
    static func read(_ path: String) throws -> NIfTIHeader {
        _ = try FileIO.regularFileSize(path)
        var file: znzFile? = znzopen(path, "rb", nifti_is_gzfile(path))
        guard let f = file else { throw IngestError(path, "cannot open: \(FileIO.errnoText())") }
        defer { Xznzclose(&file) }
        var buf = [UInt8](repeating: 0, count: 540)
        let n = buf.withUnsafeMutableBytes { znzread($0.baseAddress, 1, 540, f) }
        let got = n < 0 || n > 540 ? -1 : Int(n)   // znzread returns (size_t)-1, seen as −1 here, on a zlib error
        if got < 0 { throw IngestError(path, "corrupt compressed data (bad deflate stream or gzip check failed)") }
        return try parse(Array(buf[0..<max(0, got)]), path: path)
    }

    /// Parses header bytes (at least 348 for NIfTI-1, 540 for NIfTI-2).
    static func parse(_ b: [UInt8], path: String) throws -> NIfTIHeader {
        guard b.count >= 348 else { throw IngestError(path, "not a NIfTI file (only \(b.count) bytes, a header needs 348)") }
        let le = Reader(bytes: b, bigEndian: false), be = Reader(bytes: b, bigEndian: true)
        let r: Reader, version: Int
        switch (le.i32(0), be.i32(0)) {
        case (348, _): r = le; version = 1
        case (_, 348): r = be; version = 1
        case (540, _): r = le; version = 2
        case (_, 540): r = be; version = 2
        default: throw IngestError(path, "not a NIfTI file (sizeof_hdr is neither 348 nor 540)")
        }
        var h = NIfTIHeader(version: version, bigEndian: r.bigEndian, dim: [], datatype: .uint8, pixdim: [],
                            voxOffset: 0, sclSlope: 1, sclInter: 0, singleFile: true)
        var rawDim = [Int](repeating: 0, count: 8), rawPix = [Double](repeating: 0, count: 8)
        let code: Int, voxOffset: Double
        if version == 1 {
            let magic = Array(b[344..<348])
            if magic == Array("n+1\0".utf8) { h.singleFile = true } else if magic == Array("ni1\0".utf8) { h.singleFile = false } else {
                throw IngestError(path, "not a NIfTI-1 file (bad magic; ANALYZE 7.5 is not accepted)")
            }
            for i in 0..<8 { rawDim[i] = Int(r.i16(40 + 2 * i)); rawPix[i] = Double(r.f32(76 + 4 * i)) }
            code = Int(r.i16(70))
            voxOffset = Double(r.f32(108))
            h.sclSlope = Double(r.f32(112)); h.sclInter = Double(r.f32(116))
        } else {
            guard b.count >= 540 else { throw IngestError(path, "truncated NIfTI-2 header (\(b.count) of 540 bytes)") }
            // The standard magic is "n+2\0\r\n\032\n"; libnifti 3.0.1 itself writes "n+2\0" and four zero bytes,
            // so only the first four bytes are checked (the sizeof_hdr 540 check above already identifies NIfTI-2).
            let magic = Array(b[4..<8])
            if magic == Array("n+2\0".utf8) { h.singleFile = true } else if magic == Array("ni2\0".utf8) { h.singleFile = false } else {
                throw IngestError(path, "not a NIfTI-2 file (bad magic)")
            }
            for i in 0..<8 {
                let d = r.i64(16 + 8 * i)
                rawDim[i] = d > Int64(Int32.max) ? Int(Int32.max) : (d < Int64(Int32.min) ? Int(Int32.min) : Int(d))
                rawPix[i] = r.f64(104 + 8 * i)
            }
            code = Int(r.i16(12))
            let vo = r.i64(168)
            voxOffset = vo > Int64(Int32.max) || vo < 0 ? -1 : Double(vo)
            h.sclSlope = r.f64(176); h.sclInter = r.f64(184)
        }
        // Dims: rank 1...7, every used axis ≥ 1, no time/extra axis > 1 (one 3-D volume per file).
        let rank = rawDim[0]
        guard (1...7).contains(rank) else { throw IngestError(path, "bad header: dim[0] = \(rank) (must be 1…7)") }
        var dim = [Int](repeating: 1, count: 8); dim[0] = rank
        for i in 1...rank {
            guard rawDim[i] >= 1 else { throw IngestError(path, "bad header: dim[\(i)] = \(rawDim[i]) (must be ≥ 1)") }
            dim[i] = rawDim[i]
        }
        for i in 4...7 where dim[i] > 1 {
            throw IngestError(path, i == 4 ? "4-D data (dim[4] = \(dim[4]) volumes): only one 3-D volume per file is supported"
                                           : "more than 3 dimensions (dim[\(i)] = \(dim[i]))")
        }
        var total = 1
        for i in 1...3 {
            let (p, o) = total.multipliedReportingOverflow(by: dim[i])
            guard !o, p <= maxVoxels else { throw IngestError(path, "bad header: dims \(dim[1])×\(dim[2])×\(dim[3]) are too large") }
            total = p
        }
        h.dim = dim
        guard let dt = NIfTIDataType(rawValue: Int32(code)) else {
            throw IngestError(path, "unsupported datatype code \(code) (supported: uint8, int8, int16, uint16, int32, uint32, float32, float64)")
        }
        h.datatype = dt
        // Spacing: finite and non-zero on every axis that has more than one voxel.
        var pix = [Double](repeating: 1, count: 4)
        for i in 1...3 {
            let p = abs(rawPix[i])
            if p.isFinite && p > 0 { pix[i] = p } else if dim[i] > 1 {
                throw IngestError(path, "bad header: voxel spacing pixdim[\(i)] = \(rawPix[i]) (must be finite and non-zero)")
            }
        }
        h.pixdim = pix
        // Data offset: an integer inside [header end, 16 MiB]; a single file's data start after the header + extender.
        let minOffset = h.singleFile ? (version == 1 ? 352 : 544) : 0
        guard voxOffset.isFinite, voxOffset >= 0, voxOffset == voxOffset.rounded(), voxOffset <= Double(maxVoxOffset) else {
            throw IngestError(path, "bad header: vox_offset \(voxOffset) is not a sane data offset")
        }
        h.voxOffset = max(Int(voxOffset), minOffset)
        if h.singleFile && Int(voxOffset) < minOffset && Int(voxOffset) != 0 {
            throw IngestError(path, "bad header: vox_offset \(Int(voxOffset)) lies inside the header")
        }
        return h
    }

    /// Bytes of voxel data the header promises.
    var dataBytes: Int { dims.count * datatype.size }

    /// Scale factors per the standard: slope 0 (or not finite) means no scaling.
    var scaling: (slope: Double, inter: Double) {
        guard sclSlope.isFinite, sclSlope != 0 else { return (1, 0) }
        return (sclSlope, sclInter.isFinite ? sclInter : 0)
    }

    /// Little/big-endian field reader over the header bytes.
    struct Reader {
        let bytes: [UInt8]
        let bigEndian: Bool
        func u(_ off: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<n {
                let byte = UInt64(bytes[off + (bigEndian ? k : n - 1 - k)])
                v = (v << 8) | byte
            }
            return v
        }
        func i16(_ o: Int) -> Int16 { Int16(truncatingIfNeeded: u(o, 2)) }
        func i32(_ o: Int) -> Int32 { Int32(truncatingIfNeeded: u(o, 4)) }
        func i64(_ o: Int) -> Int64 { Int64(bitPattern: u(o, 8)) }
        func f32(_ o: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: u(o, 4))) }
        func f64(_ o: Int) -> Double { Double(bitPattern: u(o, 8)) }
    }
}

/// Converts raw voxel bytes (file byte order) to Double, for any accepted datatype.
struct RawDecoder {
    let datatype: NIfTIDataType
    let swap: Bool

    init(_ datatype: NIfTIDataType, fileBigEndian: Bool) {
        self.datatype = datatype
        self.swap = fileBigEndian != (1.bigEndian == 1)
    }

    /// Calls `body(index, value)` for `count` voxels starting at `base`.
    @inline(__always)
    func forEach(_ base: UnsafeRawPointer, count: Int, _ body: (Int, Double) -> Void) {
        switch datatype {
        case .uint8: for i in 0..<count { body(i, Double(base.load(fromByteOffset: i, as: UInt8.self))) }
        case .int8: for i in 0..<count { body(i, Double(base.load(fromByteOffset: i, as: Int8.self))) }
        case .int16: for i in 0..<count { let v = base.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self); body(i, Double(swap ? v.byteSwapped : v)) }
        case .uint16: for i in 0..<count { let v = base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self); body(i, Double(swap ? v.byteSwapped : v)) }
        case .int32: for i in 0..<count { let v = base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self); body(i, Double(swap ? v.byteSwapped : v)) }
        case .uint32: for i in 0..<count { let v = base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self); body(i, Double(swap ? v.byteSwapped : v)) }
        case .float32:
            for i in 0..<count {
                let v = base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                body(i, Double(Float(bitPattern: swap ? v.byteSwapped : v)))
            }
        case .float64:
            for i in 0..<count {
                let v = base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                body(i, Double(bitPattern: swap ? v.byteSwapped : v))
            }
        }
    }
}
