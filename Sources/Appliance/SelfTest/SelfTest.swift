import Clinical
import Imaging
import Radiomics

/// Verifies an installed model file; plug in the clinical model verifier (SHA-256, model id) when it lands.
public protocol ModelVerifier: Sendable {
    /// Returns (model id, hash) when the file matches `expectedHash`; throws the reason otherwise.
    func verify(path: String, expectedHash: String) throws -> (id: String, hash: String)
}

/// Default verifier: `fnv1a64:<hex>` over the file's bytes (`hccedge selftest --hash-file FILE` prints it).
public struct FileHashModelVerifier: ModelVerifier {
    public init() {}
    public func verify(path: String, expectedHash: String) throws -> (id: String, hash: String) {
        guard expectedHash.hasPrefix("fnv1a64:") else {
            throw ApplianceError("model hash '\(expectedHash)': algorithm not supported by this build (fnv1a64 only)")
        }
        let h = try Fingerprint.file(path)
        if h != expectedHash.lowercased() { throw ApplianceError("\(path): model hash \(h) does not match the expected \(expectedHash)") }
        return (FS.baseName(path), h)
    }
}

/// The standard verifier: `sha256:<hex>` = a frozen model file (`FrozenModel.load` checks its own seal, then the seal
/// must equal the configured hash, and the model must have been trained with the assessment's CT feature settings,
/// as `hccedge assess --model` requires); `fnv1a64:<hex>` = any file, hashed byte for byte.
public struct StandardModelVerifier: ModelVerifier {
    public init() {}
    public func verify(path: String, expectedHash: String) throws -> (id: String, hash: String) {
        let want = expectedHash.lowercased()
        guard want.hasPrefix("sha256:") else { return try FileHashModelVerifier().verify(path: path, expectedHash: expectedHash) }
        let m = try FrozenModel.load(path: path)
        if let ct = AssessmentOptions.defaultSettings["CT"] { try m.check(settings: ct) }
        let seal = "sha256:" + (m.sha256 ?? "").lowercased()
        if seal != want { throw ApplianceError("\(path): model \(m.id) \(m.version) is sealed \(seal), the config expects \(expectedHash)") }
        return ("\(m.id) \(m.version)\(m.synthetic ? " (SYNTHETIC)" : "")", seal)
    }
}

/// The self-test (`hccedge selftest`, and at every service start).
///
/// 1. The IBSI 1 digital phantom, embedded in the binary (`DigitalPhantom`), goes through `Extractor.extract` with
///    the `ibsi-digital-phantom` preset. (a) Every computed value that has an IBSI reference value must match it by
///    the IBSI rule (round to 3 significant digits, within the tolerance) — values from outside this project.
///    (b) The whole feature vector (tags, aggregations, exact bit patterns) must hash to `expectedFeatureFingerprint`,
///    recorded from a verified run: this guards against platform or compiler drift that (a) is too coarse to see.
/// 2. The model file's hash, when a model is configured.
/// 3. The state and output folders exist (or can be created) and are writable; the watched folders are reported.
public enum SelfTest {
    /// Fingerprint of the digital phantom's full feature vector (`hccedge selftest --print-fingerprint`).
    /// Regenerate it only after the IBSI part passes, whenever a feature family changes on purpose.
    /// Recorded 2026-11-27 on x86_64 from main at ebcd59a (every family merged): 482 values, all 482 matching IBSI.
    public static let expectedFeatureFingerprint = "0bd250c90050ce20"

    public struct Check: Sendable, Equatable {
        public var name: String
        public var ok: Bool
        public var detail: String
    }

    public struct Report: Sendable {
        public var checks: [Check]
        public var featureFingerprint: String
        public var modelID: String?
        public var modelHash: String?
        public var passed: Bool { checks.allSatisfy(\.ok) }
        /// The first failure, one line.
        public var failure: String? { checks.first { !$0.ok }.map { "\($0.name): \($0.detail)" } }
    }

    /// The phantom as the feature core's input.
    public static func phantom() -> ImageWithMask {
        let d = DigitalPhantom.dims, s = DigitalPhantom.spacingMM
        let g = Geometry(dims: Dims(d.x, d.y, d.z), spacing: Spacing(s, s, s))
        return ImageWithMask(image: Volume(geometry: g, voxels: DigitalPhantom.image),
                             mask: Mask(geometry: g, voxels: DigitalPhantom.mask))
    }

    /// Features of the phantom with the `ibsi-digital-phantom` preset.
    public static func phantomFeatures() throws -> [Feature] {
        guard let s = ExtractionSettings.presets["ibsi-digital-phantom"] else {
            throw ApplianceError("preset ibsi-digital-phantom missing")
        }
        return try Extractor.extract(phantom(), settings: s)
    }

    /// FNV-1a 64 over (count, then per feature: tag, aggregation, IBSI ID, defined flag, value bits little-endian).
    public static func fingerprint(_ features: [Feature]) -> String {
        var h = FNV1a64()
        h.addString("hccedge-features-v1")
        h.addWord(UInt64(features.count))
        for f in features {
            h.addString(f.tag); h.addString(f.aggregation); h.addString(f.ibsiID)
            if let v = f.value { h.addByte(1); h.addWord(v.bitPattern) } else { h.addByte(0) }
        }
        return h.hex
    }

    /// The IBSI rule's rounding: 3 significant digits (powers of ten built exactly, no libm).
    public static func round3(_ x: Double) -> Double {
        if x == 0 || !x.isFinite { return x }
        var e = 0
        let a = abs(x)
        var p = 1.0
        if a >= 1 { while p * 10 <= a { p *= 10; e += 1 } } else { while p > a { p /= 10; e -= 1 } }
        var scale = 1.0
        for _ in 0..<abs(2 - e) { scale *= 10 }
        return 2 - e >= 0 ? (x * scale).rounded(.toNearestOrAwayFromZero) / scale
                          : (x / scale).rounded(.toNearestOrAwayFromZero) * scale
    }

    /// Checks the phantom's features against the IBSI reference values and the recorded fingerprint.
    public static func featureChecks(expectedFingerprint: String = expectedFeatureFingerprint) -> ([Check], String) {
        let features: [Feature]
        do { features = try phantomFeatures() } catch {
            return ([Check(name: "feature core", ok: false, detail: "phantom extraction failed: \(error)")], "")
        }
        var ref: [String: (Double, Double)] = [:]
        for r in DigitalPhantom.reference { ref[r.tag + "|" + r.aggregation] = (r.value, r.tolerance) }
        var compared = 0
        var bad: [String] = []
        for f in features {
            guard let (v, tol) = ref[f.tag + "|" + f.aggregation] else { continue }
            compared += 1
            guard let x = f.value else { bad.append("\(f.tag)[\(f.aggregation)] undefined (IBSI \(v))"); continue }
            if abs(round3(x) - v) > tol + 1e-9 * max(1, abs(v)) { bad.append("\(f.tag)[\(f.aggregation)] = \(x), IBSI \(v) ± \(tol)") }
        }
        let fp = fingerprint(features)
        var checks = [Check(name: "IBSI digital phantom", ok: bad.isEmpty,
                            detail: bad.isEmpty ? "\(compared) of \(DigitalPhantom.reference.count) reference values compared, all match"
                                                : "\(bad.count) of \(compared) differ, first: \(bad[0])")]
        checks.append(Check(name: "feature fingerprint", ok: fp == expectedFingerprint,
                            detail: fp == expectedFingerprint ? "\(features.count) values bit-identical (\(fp))"
                                : "\(features.count) values, fingerprint \(fp) ≠ recorded \(expectedFingerprint)"))
        return (checks, fp)
    }

    /// Runs every check. `config` nil = features only.
    public static func run(config: ApplianceConfig?, modelVerifier: ModelVerifier = StandardModelVerifier(),
                           expectedFingerprint: String = expectedFeatureFingerprint) -> Report {
        var (checks, fp) = featureChecks(expectedFingerprint: expectedFingerprint)
        var report = Report(checks: [], featureFingerprint: fp)
        if let c = config {
            if let m = c.model {
                do {
                    let (id, h) = try modelVerifier.verify(path: m.path, expectedHash: m.hash)
                    report.modelID = m.id ?? id; report.modelHash = h
                    checks.append(Check(name: "model", ok: true, detail: "\(m.id ?? id) \(h)"))
                } catch {
                    checks.append(Check(name: "model", ok: false, detail: "\(error)"))
                }
            }
            for (name, dir) in [("state folder", c.stateDir), ("output folder", c.outputDir)] {
                checks.append(writableCheck(name, dir))
            }
            var seen: [String] = []
            for w in c.watch {
                let m = FS.expand(w.path).filter(FS.isDirectory)
                seen.append("\(w.path) (\(w.kind.rawValue)): \(m.count) present")
            }
            checks.append(Check(name: "watched folders", ok: true, detail: seen.joined(separator: "; ")))
        }
        report.checks = checks
        return report
    }

    static func writableCheck(_ name: String, _ dir: String) -> Check {
        do {
            try FS.makeDirectories(dir)
            let probe = FS.join(dir, ".hccedge-selftest")
            try FS.writeFile(Array("ok\n".utf8), to: probe)
            FS.removeTree(probe)
            return Check(name: name, ok: true, detail: "\(dir) writable")
        } catch {
            return Check(name: name, ok: false, detail: "\(error)")
        }
    }
}
