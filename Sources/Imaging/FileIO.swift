#if canImport(Glibc)
import Glibc
#endif

/// Small POSIX file helpers (no Foundation): whole-file reads and atomic writes.
public enum FileIO {
    /// Size of `path`, which must be a regular file: a named pipe or a device would block a reader or never end.
    /// `what` names the file in the errors ("cannot open image data: …", "image data is not a regular file").
    static func regularFileSize(_ path: String, naming what: String = "") throws -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else { throw IngestError(path, "cannot open\(what.isEmpty ? "" : " " + what): \(errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw IngestError(path, "\(what.isEmpty ? "not" : what + " is not") a regular file") }
        return Int(st.st_size)
    }

    /// Reads a whole file; refuses files larger than `limit` bytes.
    public static func readBytes(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw IngestError(path, "cannot open: \(errnoText())") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { out += buf[0..<n] }
            if out.count > limit { throw IngestError(path, "file larger than \(limit) bytes") }
            if n < buf.count {
                if ferror(f) != 0 { throw IngestError(path, "read error: \(errnoText())") }
                break
            }
        }
        return out
    }

    /// Reads a whole text file as UTF-8.
    public static func readText(_ path: String, limit: Int = 64 << 20) throws -> String {
        String(decoding: try readBytes(path, limit: limit), as: UTF8.self)
    }

    /// Writes `bytes` to `path` through a temporary file, fsync and rename, so a reader never sees a partial file.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw IngestError(path, "cannot write: \(errnoText())") }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errnoText(); close(fd); unlink(tmp)
                throw IngestError(path, "write failed: \(e)")
            }
            off += n
        }
        if fsync(fd) != 0 { let e = errnoText(); close(fd); unlink(tmp); throw IngestError(path, "fsync failed: \(e)") }
        close(fd)
        if rename(tmp, path) != 0 { let e = errnoText(); unlink(tmp); throw IngestError(path, "rename failed: \(e)") }
        syncDirectory(of: path)
    }

    /// Text version of `writeAtomically`.
    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// fsyncs the folder holding `path` so a rename survives a power cut.
    public static func syncDirectory(of path: String) {
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// The current errno as text.
    public static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension FileIO {
    /// `mkdir -p`: creates `path` and its missing parents (mode 0755).
    public static func makeDirectories(_ path: String) throws {
        var cur = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            cur += "/" + part
            if mkdir(cur, 0o755) != 0 && errno != EEXIST { throw IngestError(cur, "cannot create folder: \(errnoText())") }
        }
    }
}

extension FileIO {
    /// Appends `text` to `path` (created if missing) and fsyncs, so a crash never loses a completed line.
    public static func append(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw IngestError(path, "cannot append: \(errnoText())") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 { if errno == EINTR { continue }; throw IngestError(path, "append failed: \(errnoText())") }
            off += n
        }
        if fsync(fd) != 0 { throw IngestError(path, "fsync failed: \(errnoText())") }
    }
}
