#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
@testable import Appliance
import Imaging

/// A fresh temporary folder, removed when released.
final class TempDir: @unchecked Sendable {
    let path: String
    init(_ tag: String = "hccedge-test") {
        var tpl = Array("/tmp/\(tag).XXXXXX".utf8CString)
        path = tpl.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    func sub(_ p: String) -> String { FS.join(path, p) }
    deinit { FS.removeTree(path) }
}

/// Package root (…/Tests/ApplianceTests/Helpers.swift → …).
let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// The shared IBSI material (read-only, outside the project): `$HCCEDGE_SHARED/ibsi` (set by tools/test), else ../shared/ibsi.
let sharedIBSI = (getenv("HCCEDGE_SHARED").map { String(cString: $0) } ?? packageRoot + "/../shared") + "/ibsi"

func writeText(_ path: String, _ text: String) throws {
    let dir = String(path[..<path.lastIndex(of: "/")!])
    try FS.makeDirectories(dir)
    try FS.writeFile(Array(text.utf8), to: path)
}

func appendText(_ path: String, _ text: String) {
    let fd = open(path, O_WRONLY | O_APPEND)
    _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

/// A study folder with a name-paired image and mask (content: the IBSI digital phantom).
func makePhantomStudy(_ dir: String, phase: String = "venous") throws {
    try FS.makeDirectories(dir)
    try FS.copyTree(sharedIBSI + "/digital_phantom/image.nii.gz", FS.join(dir, "\(phase).nii.gz"))
    try FS.copyTree(sharedIBSI + "/digital_phantom/mask.nii.gz", FS.join(dir, "\(phase)_mask.nii.gz"))
}

/// A study folder with small text files posing as a pair (for a processor that does not read them).
func makeFakeStudy(_ dir: String, content: String = "abc") throws {
    try writeText(FS.join(dir, "venous.nii.gz"), content)
    try writeText(FS.join(dir, "venous_mask.nii.gz"), content + "-mask")
}

/// Counts calls; returns green; optionally runs a hook first.
final class CountingProcessor: StudyProcessor, @unchecked Sendable {
    private let lock = Lock()
    private var dirs: [String] = []
    let hook: (@Sendable (String) throws -> Void)?
    init(hook: (@Sendable (String) throws -> Void)? = nil) { self.hook = hook }
    func process(studyDir: String, outputDir: String) throws -> StudyOutcome {
        lock.locked { dirs.append(studyDir) }
        try hook?(studyDir)
        try FS.writeFile(Array("result of \(FS.baseName(studyDir))\n".utf8), to: FS.join(outputDir, "result.txt"))
        return StudyOutcome(category: .green, reason: "test", summary: "ok")
    }
    var calls: [String] { lock.locked { dirs } }
}

/// A daemon on temporary folders with a recording LED sink and a captured log.
struct Rig {
    let tmp = TempDir()
    let log = ApplianceLog(echo: false, keep: true)
    let sink = RecordingLEDSink()
    var config = ApplianceConfig()
    init(quiet: Double = 5, copyBack: Bool = false) {
        config.watch = [.init(path: tmp.sub("usb") + "/*", kind: .usb), .init(path: tmp.sub("share"), kind: .share)]
        config.stateDir = tmp.sub("state"); config.outputDir = tmp.sub("out"); config.statusFile = tmp.sub("run/status.json")
        config.quietSeconds = quiet; config.useInotify = false; config.selfTestAtStart = false
        config.copyBackToUSB = copyBack
        try? FS.makeDirectories(tmp.sub("usb")); try? FS.makeDirectories(tmp.sub("share"))
    }
    func daemon(_ p: StudyProcessor, mediumProblem: (@Sendable (String, Int64) -> String?)? = nil) -> (Daemon, LEDDriver, StatusWriter) {
        let driver = LEDDriver(sink: sink, resultTimeoutMillis: 60_000, clock: { 0 })
        let status = StatusWriter(path: config.statusFile, softwareVersion: "test", log: log)
        let d = Daemon(config: config, processor: p, status: status, leds: driver, log: log, softwareVersion: "test",
                       mediumProblem: mediumProblem ?? { FS.writeProblem($0, bytes: $1) })
        return (d, driver, status)
    }
    /// Result folders (not hidden) in the output folder.
    var results: [String] { ((try? FS.list(config.outputDir)) ?? []).filter { !$0.hasPrefix(".") } }
    var journalLines: [String] {
        ((try? FileIO.readText(FS.join(config.stateDir, "journal.jsonl"))) ?? "").split(separator: "\n").map(String.init)
    }
}
