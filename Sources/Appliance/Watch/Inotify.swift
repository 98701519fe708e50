#if canImport(Glibc)
import Glibc
#endif

/// inotify as a wake-up bell: any create/close-write/move/delete in a watched folder ends `wait` early, and the
/// daemon rescans. Events are not interpreted (the rescan is the truth), so a lost event costs only latency.
/// Network shares are not watched (CIFS/NFS do not deliver remote changes); the periodic rescan covers them.
final class Inotify {
    let fd: Int32
    private var watched: Set<String> = []

    init?() {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 { return nil }
    }
    deinit { close(fd) }

    /// Adds (or renews — a mount point's inode changes when a stick is mounted on it) a watch on `dir`.
    func watch(_ dir: String) {
        let mask = UInt32(IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR)
        if inotify_add_watch(fd, dir, mask) >= 0 { watched.insert(dir) }
    }

    var count: Int { watched.count }

    /// Waits up to `millis` for an event; drains the queue; true when something happened.
    func wait(millis: Int64) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = poll(&p, 1, Int32(clamping: millis))
        guard r > 0 else { return false }
        var buf = [UInt8](repeating: 0, count: 8192)
        while buf.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
        return true
    }
}
