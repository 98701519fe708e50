// Shared by every libFuzzer harness in tools/fuzz-targets (compiled into each fuzz binary; see tools/fuzz).
#if canImport(Glibc)
import Glibc
#endif

/// A private scratch folder in RAM (/dev/shm) for this fuzz process: inputs become files there.
let fuzzScratch: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let d = "\(base)/hccfuzz-\(getpid())"
    mkdir(d, 0o700)
    return d
}()

/// Writes the fuzz input to `path` (truncating); false when the write failed.
func writeInput(_ data: UnsafePointer<UInt8>, _ size: Int, to path: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var off = 0
    while off < size {
        let n = write(fd, data + off, size - off)
        if n <= 0 { return false }
        off += n
    }
    return true
}
