import FoundationEssentials
import Imaging

/// The status file a kiosk, a web page or a technician's `cat` reads (`/run/hccedge/status.json`).
public struct ApplianceStatus: Codable, Sendable, Equatable {
    /// `starting`, `self-test`, `idle`, `busy`, `result`, `error`.
    public enum State: String, Codable, Sendable { case starting, selfTest = "self-test", idle, busy, result, error }
    public struct Counts: Codable, Sendable, Equatable {
        public var done = 0, failed = 0, queued = 0
        public init() {}
    }

    public var state: State = .starting
    /// Why the state is what it is (error reason, self-test summary…).
    public var message: String?
    public var currentStudy: String?
    public var lastStudy: String?
    /// `green`, `amber`, `red` — or `failed` when the last study could not be processed.
    public var lastCategory: String?
    public var lastReason: String?
    public var lastResult: String?
    public var counts = Counts()
    public var modelID: String?
    public var modelHash: String?
    public var softwareVersion: String
    /// LED driver state: `gpiochip0: green=17 amber=27 red=22` or `no GPIO chip, LEDs off`.
    public var leds: String = "off"
    /// Time of the last change, ISO-8601 UTC.
    public var updated: String = Clock.isoNow()
    public var researchUseOnly: String = Appliance.researchUseOnly

    public init(softwareVersion: String) { self.softwareVersion = softwareVersion }

    enum CodingKeys: String, CodingKey {
        case state, message, currentStudy = "current_study", lastStudy = "last_study", lastCategory = "last_category"
        case lastReason = "last_reason", lastResult = "last_result", counts, modelID = "model_id", modelHash = "model_hash"
        case softwareVersion = "software_version", leds, updated, researchUseOnly = "research_use_only"
    }
}

/// Keeps the current status and replaces the file atomically (temp + fsync + rename) on every change, so a reader
/// at any moment sees a complete file. Write failures are logged, never fatal.
public final class StatusWriter: @unchecked Sendable {
    public let path: String
    private let lock = Lock()
    private var status: ApplianceStatus
    private let log: ApplianceLog?
    private var lastError: String?

    public init(path: String, softwareVersion: String, log: ApplianceLog? = nil) {
        self.path = path; self.log = log
        status = ApplianceStatus(softwareVersion: softwareVersion)
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        if !dir.isEmpty { try? FS.makeDirectories(dir) }
    }

    /// The status as last written.
    public var current: ApplianceStatus { lock.locked { status } }

    /// Changes the status and rewrites the file.
    public func update(_ change: (inout ApplianceStatus) -> Void) {
        lock.locked {
            change(&status)
            status.updated = Clock.isoNow()
            do {
                let enc = JSONEncoder()
                enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                try FileIO.writeAtomically(Array(try enc.encode(status)) + [0x0A], to: path)
                lastError = nil
            } catch {
                let e = "\(error)"
                if e != lastError { log?.warning("status file not written: \(e)") }
                lastError = e
            }
        }
    }
}
