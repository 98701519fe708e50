#if canImport(Glibc)
import Glibc
#endif
@testable import Imaging

/// A temporary folder (mkdtemp) removed when the value is released.
final class TempDir {
    let path: String
    init() {
        var template = Array("/tmp/hccedge-test-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = p.map { String(cString: $0) } ?? "/tmp/hccedge-test-fallback-\(getpid())"
        if p == nil { mkdir(path, 0o700) }
    }
    func file(_ name: String) -> String { path + "/" + name }
    deinit { removeTree(path) }
}

/// Removes a folder tree (test clean-up only).
func removeTree(_ path: String) {
    if let dir = opendir(path) {
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            var st = stat()
            if lstat(child, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
        }
        closedir(dir)
    }
    rmdir(path)
}

/// Writes raw bytes to a file (for hand-made malformed files).
func writeBytes(_ bytes: [UInt8], _ path: String) {
    let f = fopen(path, "wb")
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}

/// Reads a whole file.
func readAll(_ path: String) -> [UInt8] { (try? FileIO.readBytes(path, limit: 1 << 30)) ?? [] }

/// The shared IBSI folder: `$HCCEDGE_SHARED/ibsi` (set by tools/test), else ../shared/ibsi beside the package root.
let ibsiRoot: String = {
    if let s = getenv("HCCEDGE_SHARED") { return String(cString: s) + "/ibsi" }
    var path = #filePath
    for _ in 0..<3 { if let i = path.lastIndex(of: "/") { path = String(path[..<i]) } }
    return path + "/../shared/ibsi"
}()

/// Runs `body` and returns the thrown error's text, or nil when nothing was thrown.
func errorText(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}
