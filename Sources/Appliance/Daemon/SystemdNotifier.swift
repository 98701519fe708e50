#if canImport(Glibc)
import Glibc
#endif

/// `sd_notify` without libsystemd: datagrams to `$NOTIFY_SOCKET` (AF_UNIX; a leading `@` = abstract namespace).
/// Messages: `READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`. Without the variable every call is a no-op.
public struct SystemdNotifier: Sendable {
    public let socketPath: String?
    /// Half the `WatchdogSec` systemd asked for (`$WATCHDOG_USEC`), nil when the watchdog is off.
    public let watchdogIntervalMillis: Int64?

    /// From the environment (`NOTIFY_SOCKET`, `WATCHDOG_USEC`, `WATCHDOG_PID`).
    public init() {
        func env(_ k: String) -> String? { getenv(k).map { String(cString: $0) } }
        socketPath = env("NOTIFY_SOCKET").flatMap { $0.isEmpty ? nil : $0 }
        var wd: Int64? = nil
        if let u = env("WATCHDOG_USEC").flatMap({ Int64($0) }), u > 0 {
            let pidOK = env("WATCHDOG_PID").flatMap { Int32($0) }.map { $0 == getpid() } ?? true
            if pidOK { wd = max(1, u / 2000) }
        }
        watchdogIntervalMillis = wd
    }

    public init(socketPath: String?, watchdogIntervalMillis: Int64? = nil) {
        self.socketPath = socketPath; self.watchdogIntervalMillis = watchdogIntervalMillis
    }

    /// Sends one notification; returns false when it could not be sent (never throws: systemd is optional).
    @discardableResult
    public func notify(_ message: String) -> Bool {
        guard let path = socketPath else { return false }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let cap = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < cap else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in bytes.enumerated() { p[i] = b } }
        let len = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + (bytes.first == 0 ? 0 : 1))
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let msg = Array(message.utf8)
        let n = withUnsafePointer(to: &addr) { ap in
            ap.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                msg.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, len) }
            }
        }
        return n == msg.count
    }
}
