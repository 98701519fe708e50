#if canImport(Glibc)
import Glibc
#endif
import Imaging

/// Small POSIX file-system helpers for the appliance (no Foundation).
public enum FS {
    /// What `lstat` says about a path (symlinks are not followed).
    public enum Kind: Sendable { case file, directory, other }

    public struct Info: Sendable, Equatable {
        public var kind: Kind
        public var size: Int64
        /// Modification time in nanoseconds since the epoch.
        public var mtimeNanos: Int64
    }

    /// `lstat` of `path`, nil when it does not exist or cannot be read.
    public static func info(_ path: String) -> Info? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        let mode = st.st_mode & S_IFMT
        let kind: Kind = mode == S_IFREG ? .file : mode == S_IFDIR ? .directory : .other
        return Info(kind: kind, size: Int64(st.st_size),
                    mtimeNanos: Int64(st.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(st.st_mtim.tv_nsec))
    }

    public static func isDirectory(_ path: String) -> Bool { info(path)?.kind == .directory }
    public static func exists(_ path: String) -> Bool { info(path) != nil }

    /// Entry names of a folder, sorted bytewise (`.` and `..` left out). Throws with errno text.
    public static func list(_ dir: String) throws -> [String] {
        guard let d = opendir(dir) else { throw ApplianceError("\(dir): cannot list: \(FileIO.errnoText())") }
        defer { closedir(d) }
        var names: [String] = []
        while true {
            errno = 0
            guard let e = readdir(d) else {
                if errno != 0 { throw ApplianceError("\(dir): cannot list: \(FileIO.errnoText())") }
                break
            }
            let name = withUnsafePointer(to: &e.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// `a/b` without doubling the slash.
    public static func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }

    /// Last path component.
    public static func baseName(_ p: String) -> String {
        var s = p
        while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
        return s.split(separator: "/").last.map(String.init) ?? s
    }

    /// Creates `path` and its parents (mode 0755).
    public static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        var cur = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            cur += "/" + part
            if mkdir(cur, 0o755) != 0 && errno != EEXIST {
                throw ApplianceError("\(cur): cannot create folder: \(FileIO.errnoText())")
            }
        }
        guard isDirectory(path) else { throw ApplianceError("\(path): not a folder") }
    }

    /// Removes a file or a whole folder tree (symlinks are removed, never followed).
    public static func removeTree(_ path: String) {
        guard let i = info(path) else { return }
        if i.kind == .directory {
            for n in (try? list(path)) ?? [] { removeTree(join(path, n)) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Writes `bytes` to a new file and fsyncs it.
    public static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ApplianceError("\(path): cannot write: \(FileIO.errnoText())") }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        if fsync(fd) != 0 { throw ApplianceError("\(path): fsync failed: \(FileIO.errnoText())") }
    }

    /// `write` until every byte is out (restarts on EINTR).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ApplianceError("\(path): write failed: \(FileIO.errnoText())")
            }
            off += n
        }
    }

    /// fsyncs every regular file under `path` and the folders themselves (before a publishing rename).
    public static func syncTree(_ path: String) {
        guard let i = info(path) else { return }
        if i.kind == .directory {
            for n in (try? list(path)) ?? [] { syncTree(join(path, n)) }
        }
        let fd = open(path, (i.kind == .directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// Copies a folder tree of regular files (symlinks and special files skipped). Returns bytes copied.
    @discardableResult
    public static func copyTree(_ from: String, _ to: String) throws -> Int64 {
        guard let i = info(from) else { throw ApplianceError("\(from): vanished") }
        switch i.kind {
        case .directory:
            if mkdir(to, 0o755) != 0 && errno != EEXIST { throw ApplianceError("\(to): cannot create folder: \(FileIO.errnoText())") }
            var total: Int64 = 0
            for n in try list(from) { total += try copyTree(join(from, n), join(to, n)) }
            return total
        case .file:
            try copyFile(from, to)
            return i.size
        case .other:
            return 0
        }
    }

    static func copyFile(_ from: String, _ to: String) throws {
        let src = open(from, O_RDONLY | O_CLOEXEC)
        guard src >= 0 else { throw ApplianceError("\(from): cannot open: \(FileIO.errnoText())") }
        defer { close(src) }
        let dst = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard dst >= 0 else { throw ApplianceError("\(to): cannot write: \(FileIO.errnoText())") }
        defer { close(dst) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { read(src, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw ApplianceError("\(from): read failed: \(FileIO.errnoText())") }
            if n == 0 { break }
            try writeAll(dst, Array(buf[0..<n]), path: to)
        }
        if fsync(dst) != 0 { throw ApplianceError("\(to): fsync failed: \(FileIO.errnoText())") }
    }

    /// Paths matching a shell glob (`/media/hccedge/*`), sorted; a pattern without wildcards is returned as is.
    public static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) else { return [pattern] }
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) { if let p = g.gl_pathv[i] { out.append(String(cString: p)) } }
        return out.sorted()
    }

    /// Whether a medium can take a copy of `bytes` bytes: nil when yes, else the reason
    /// (read-only file system via `statvfs` ST_RDONLY, no write permission via `access(W_OK)`, or too little space).
    /// Note: `access(W_OK)` is always true for root on a writable file system — the ST_RDONLY flag is what
    /// catches a read-only mount.
    public static func writeProblem(_ path: String, bytes: Int64) -> String? {
        var st = statvfs()
        guard statvfs(path, &st) == 0 else { return "cannot query medium: \(FileIO.errnoText())" }
        if st.f_flag & UInt(ST_RDONLY) != 0 { return "medium is read-only" }
        if access(path, W_OK) != 0 { return "medium is not writable: \(FileIO.errnoText())" }
        let free = Int64(st.f_bavail) &* Int64(st.f_frsize)
        if free < bytes + (1 << 20) { return "medium is full (\(free / 1024) KiB free, \(bytes / 1024) KiB needed)" }
        return nil
    }
}
