#if canImport(Glibc)
import Glibc
#endif
import Imaging

/// FNV-1a, 64 bit: a fast deterministic fingerprint (not a security hash — it identifies studies and feature
/// vectors; a tampering adversary is out of scope here).
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    @inline(__always) public mutating func addByte(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
    public mutating func addBytes<C: Sequence>(_ bytes: C) where C.Element == UInt8 { for b in bytes { addByte(b) } }
    public mutating func addString(_ s: String) { addBytes(s.utf8); addByte(0) }
    public mutating func addWord(_ v: UInt64) { for i in 0..<8 { addByte(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    /// 16 lowercase hex digits.
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Content fingerprints of studies and files.
public enum Fingerprint {
    /// Fingerprint of a study: for each file in byte order of its relative path — the path, its size and its
    /// bytes. Same content in another folder (or on another stick) gives the same fingerprint.
    /// Throws when a file cannot be read or changes size while being read (stick pulled, copy still running).
    public static func study(_ s: LocatedStudy) throws -> String {
        var h = FNV1a64()
        h.addString("hccedge-study-v1")
        for f in s.files {
            h.addString(f.relativePath)
            h.addWord(UInt64(bitPattern: f.size))
            let n = try addFile(FS.join(s.directory, f.relativePath), to: &h)
            if n != f.size { throw ApplianceError("\(FS.join(s.directory, f.relativePath)): size changed while reading (\(f.size) → \(n) bytes)") }
        }
        return h.hex
    }

    /// Fingerprint of one file's bytes, `fnv1a64:<hex>`.
    public static func file(_ path: String) throws -> String {
        var h = FNV1a64()
        _ = try addFile(path, to: &h)
        return "fnv1a64:" + h.hex
    }

    /// Streams a file into the hash; returns its length.
    static func addFile(_ path: String, to h: inout FNV1a64) throws -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw ApplianceError("\(path): cannot open: \(FileIO.errnoText())") }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        var total: Int64 = 0
        var v = h.value
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ApplianceError("\(path): read failed: \(FileIO.errnoText())")
            }
            if n == 0 { break }
            buf.withUnsafeBufferPointer { p in
                for i in 0..<n { v = (v ^ UInt64(p[i])) &* 0x0000_0100_0000_01b3 }
            }
            total += Int64(n)
        }
        h = FNV1a64(value: v)
        return total
    }
}

extension FNV1a64 {
    init(value: UInt64) { self.value = value }
}
