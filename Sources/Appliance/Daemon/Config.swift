import FoundationEssentials
import Imaging
import Radiomics

/// The appliance configuration (`/etc/hccedge/hccedge.conf`, JSON). Every key is optional and has the default
/// shown in `firmware-config/README.md`; an unknown key is an error (a typo must not be silently ignored).
public struct ApplianceConfig: Codable, Sendable, Equatable {
    /// One watched place.
    public struct Watch: Codable, Sendable, Equatable {
        /// `usb`: removable media (inotify, copy-back allowed); `share`: network share (no inotify — CIFS/NFS do not
        /// deliver it — periodic rescan only); `folder`: a local folder (inotify, no copy-back).
        public enum Kind: String, Codable, Sendable { case usb, share, folder }
        /// A folder, or a glob such as `/media/hccedge/*` (every match is watched; new matches are picked up).
        public var path: String
        public var kind: Kind
        public init(path: String, kind: Kind) { self.path = path; self.kind = kind }
    }

    /// One LED line.
    public struct LEDLine: Codable, Sendable, Equatable {
        public var offset: Int
        public var activeLow: Bool
        public init(offset: Int, activeLow: Bool = false) { self.offset = offset; self.activeLow = activeLow }
        enum CodingKeys: String, CodingKey { case offset, activeLow = "active_low" }
        public init(from d: Decoder) throws {
            let c = try d.container(keyedBy: CodingKeys.self)
            try rejectUnknownKeys(d, allowed: ["offset", "active_low"])
            offset = try c.decode(Int.self, forKey: .offset)
            activeLow = try c.decodeIfPresent(Bool.self, forKey: .activeLow) ?? false
        }
    }

    /// The LED wiring: a chip (name `gpiochip0`, label `pinctrl-rp1`, path `/dev/gpiochip4` or number) and lines.
    public struct LEDs: Codable, Sendable, Equatable {
        public var chip: String
        public var consumer: String
        /// Role (`green`, `amber`, `red`, optional `busy`) → line.
        public var lines: [String: LEDLine]
        public init(chip: String, consumer: String = "hccedge", lines: [String: LEDLine]) {
            self.chip = chip; self.consumer = consumer; self.lines = lines
        }
        public init(from d: Decoder) throws {
            try rejectUnknownKeys(d, allowed: ["chip", "consumer", "lines"])
            let c = try d.container(keyedBy: CodingKeys.self)
            chip = try c.decode(String.self, forKey: .chip)
            consumer = try c.decodeIfPresent(String.self, forKey: .consumer) ?? "hccedge"
            lines = try c.decode([String: LEDLine].self, forKey: .lines)
            for k in lines.keys where LEDRole(rawValue: k) == nil {
                throw ApplianceError("leds.lines: unknown role '\(k)' (known: green, amber, red, busy)")
            }
        }
    }

    /// The installed model to verify at self-test.
    public struct Model: Codable, Sendable, Equatable {
        public var path: String
        public var id: String?
        /// Expected hash, `algorithm:hex` (e.g. `fnv1a64:…`; `sha256:…` once the model verifier is plugged in).
        public var hash: String
        public init(path: String, id: String? = nil, hash: String) { self.path = path; self.id = id; self.hash = hash }
    }

    public var watch: [Watch] = [Watch(path: "/media/hccedge/*", kind: .usb)]
    public var stateDir = "/var/lib/hccedge/state"
    public var outputDir = "/var/lib/hccedge/results"
    public var statusFile = "/run/hccedge/status.json"
    public var quietSeconds = 10.0
    public var rescanSeconds = 5.0
    public var useInotify = true
    public var readyMarker = "READY"
    public var scanDepth = 3
    public var copyBackToUSB = false
    public var maxAttempts = 3
    /// `assess` (lesions, ring, scores, model: `AssessmentProcessor`) or `features` (`FeatureExtractionProcessor`).
    public var processor = "assess"
    public var preset = "ibsi-ct-c"
    public var label: Int? = nil
    public var marginMM = 10.0
    public var selfTestAtStart = true
    public var resultTimeoutSeconds = 900.0
    public var maxStudySeconds = 1800.0
    public var model: Model? = nil
    public var leds: LEDs? = nil

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case watch, stateDir = "state_dir", outputDir = "output_dir", statusFile = "status_file"
        case quietSeconds = "quiet_seconds", rescanSeconds = "rescan_seconds", useInotify = "use_inotify"
        case readyMarker = "ready_marker", scanDepth = "scan_depth", copyBackToUSB = "copy_back_to_usb"
        case maxAttempts = "max_attempts", processor, preset, label, marginMM = "margin_mm"
        case selfTestAtStart = "self_test_at_start", resultTimeoutSeconds = "result_timeout_seconds"
        case maxStudySeconds = "max_study_seconds", model, leds
    }

    public init(from d: Decoder) throws {
        try rejectUnknownKeys(d, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try d.container(keyedBy: CodingKeys.self)
        var s = ApplianceConfig()
        s.watch = try c.decodeIfPresent([Watch].self, forKey: .watch) ?? s.watch
        s.stateDir = try c.decodeIfPresent(String.self, forKey: .stateDir) ?? s.stateDir
        s.outputDir = try c.decodeIfPresent(String.self, forKey: .outputDir) ?? s.outputDir
        s.statusFile = try c.decodeIfPresent(String.self, forKey: .statusFile) ?? s.statusFile
        s.quietSeconds = try c.decodeIfPresent(Double.self, forKey: .quietSeconds) ?? s.quietSeconds
        s.rescanSeconds = try c.decodeIfPresent(Double.self, forKey: .rescanSeconds) ?? s.rescanSeconds
        s.useInotify = try c.decodeIfPresent(Bool.self, forKey: .useInotify) ?? s.useInotify
        s.readyMarker = try c.decodeIfPresent(String.self, forKey: .readyMarker) ?? s.readyMarker
        s.scanDepth = try c.decodeIfPresent(Int.self, forKey: .scanDepth) ?? s.scanDepth
        s.copyBackToUSB = try c.decodeIfPresent(Bool.self, forKey: .copyBackToUSB) ?? s.copyBackToUSB
        s.maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? s.maxAttempts
        s.processor = try c.decodeIfPresent(String.self, forKey: .processor) ?? s.processor
        s.preset = try c.decodeIfPresent(String.self, forKey: .preset) ?? s.preset
        s.label = try c.decodeIfPresent(Int.self, forKey: .label)
        s.marginMM = try c.decodeIfPresent(Double.self, forKey: .marginMM) ?? s.marginMM
        s.selfTestAtStart = try c.decodeIfPresent(Bool.self, forKey: .selfTestAtStart) ?? s.selfTestAtStart
        s.resultTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .resultTimeoutSeconds) ?? s.resultTimeoutSeconds
        s.maxStudySeconds = try c.decodeIfPresent(Double.self, forKey: .maxStudySeconds) ?? s.maxStudySeconds
        s.model = try c.decodeIfPresent(Model.self, forKey: .model)
        s.leds = try c.decodeIfPresent(LEDs.self, forKey: .leds)
        try s.validate()
        self = s
    }

    /// Checks ranges and names; throws a one-line reason.
    public func validate() throws {
        if watch.isEmpty { throw ApplianceError("watch: at least one watched folder is needed") }
        for w in watch where !w.path.hasPrefix("/") { throw ApplianceError("watch: '\(w.path)' is not an absolute path") }
        for (k, v) in [("state_dir", stateDir), ("output_dir", outputDir), ("status_file", statusFile)] where !v.hasPrefix("/") {
            throw ApplianceError("\(k): '\(v)' is not an absolute path")
        }
        if !(quietSeconds >= 0 && quietSeconds <= 86400) { throw ApplianceError("quiet_seconds must be 0…86400") }
        if !(rescanSeconds >= 0.1 && rescanSeconds <= 3600) { throw ApplianceError("rescan_seconds must be 0.1…3600") }
        if !(scanDepth >= 0 && scanDepth <= 8) { throw ApplianceError("scan_depth must be 0…8") }
        if !(maxAttempts >= 1 && maxAttempts <= 100) { throw ApplianceError("max_attempts must be 1…100") }
        if !(marginMM >= 0 && marginMM <= 200) { throw ApplianceError("margin_mm must be 0…200") }
        if !(resultTimeoutSeconds >= 0) { throw ApplianceError("result_timeout_seconds must be ≥ 0 (0 = until the next study)") }
        if !(maxStudySeconds >= 10) { throw ApplianceError("max_study_seconds must be ≥ 10") }
        if readyMarker.isEmpty || readyMarker.contains("/") { throw ApplianceError("ready_marker must be a plain file name") }
        if processor != "assess" && processor != "features" { throw ApplianceError("processor must be assess or features, not '\(processor)'") }
        if ExtractionSettings.presets[preset] == nil {
            throw ApplianceError("preset: unknown '\(preset)' (known: \(ExtractionSettings.presets.keys.sorted().joined(separator: ", ")))")
        }
    }

    /// Reads and validates a config file; errors name the file.
    public static func load(_ path: String) throws -> ApplianceConfig {
        let bytes = try FileIO.readBytes(path, limit: 1 << 20)
        do { return try JSONDecoder().decode(ApplianceConfig.self, from: Data(bytes)) }
        catch let e as ApplianceError { throw ApplianceError("\(path): \(e.description)") }
        catch let e as DecodingError { throw ApplianceError("\(path): \(describe(e))") }
        catch { throw ApplianceError("\(path): not valid JSON: \(error)") }
    }
}

/// Keys not in `allowed` are an error.
func rejectUnknownKeys(_ d: Decoder, allowed: Set<String>) throws {
    struct AnyKey: CodingKey {
        var stringValue: String; var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    let c = try d.container(keyedBy: AnyKey.self)
    for k in c.allKeys where !allowed.contains(k.stringValue) {
        let path = (d.codingPath.map(\.stringValue) + [k.stringValue]).joined(separator: ".")
        throw ApplianceError("unknown key '\(path)'")
    }
}

/// One line for a decoding error: the key path and the problem.
func describe(_ e: DecodingError) -> String {
    func p(_ c: [CodingKey]) -> String { c.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
    switch e {
    case .typeMismatch(let t, let c): return "\(p(c.codingPath)): expected \(t)"
    case .valueNotFound(let t, let c): return "\(p(c.codingPath)): missing \(t)"
    case .keyNotFound(let k, let c): return "\(p(c.codingPath + [k])): required key missing"
    case .dataCorrupted(let c): return "\(p(c.codingPath)): \(c.debugDescription)"
    @unknown default: return "\(e)"
    }
}
