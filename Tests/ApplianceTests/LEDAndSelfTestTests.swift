#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Testing
@testable import Appliance
import Clinical
import Imaging
import Radiomics

@Suite struct LEDTests {
    let rgb: Set<LEDRole> = [.green, .amber, .red]

    @Test func patternLevels() {
        // Idle heartbeat on green (no busy LED): flashes at 0–100 ms and 250–350 ms of every 2 s.
        let idle = [0, 50, 150, 300, 400, 1999, 2000].map { LEDPattern.idle.isOn(.green, atMillis: Int64($0), wired: rgb) }
        #expect(idle == [true, true, false, true, false, false, true])
        #expect(!LEDPattern.idle.isOn(.red, atMillis: 0, wired: rgb))
        // With a busy LED the heartbeat moves there and green stays dark.
        #expect(LEDPattern.idle.isOn(.busy, atMillis: 0, wired: rgb.union([.busy])))
        #expect(!LEDPattern.idle.isOn(.green, atMillis: 0, wired: rgb.union([.busy])))
        // Busy: 1 Hz on amber; error: 5 Hz on red only; self-test: everything on.
        #expect(LEDPattern.busy.isOn(.amber, atMillis: 499, wired: rgb) && !LEDPattern.busy.isOn(.amber, atMillis: 500, wired: rgb))
        #expect(LEDPattern.error.isOn(.red, atMillis: 1099, wired: rgb) && !LEDPattern.error.isOn(.red, atMillis: 1100, wired: rgb))
        #expect(!LEDPattern.error.isOn(.green, atMillis: 0, wired: rgb))
        #expect(LEDRole.allCases.allSatisfy { LEDPattern.selfTest.isOn($0, atMillis: 12345, wired: rgb) })
        for c in ResultCategory.allCases {
            #expect(rgb.filter { LEDPattern.result(c).isOn($0, atMillis: 99_999, wired: rgb) } == [LEDRole(rawValue: c.rawValue)!])
        }
    }

    @Test func driverWritesOnlyChangesAndTimesOutResults() {
        final class FakeClock: @unchecked Sendable { var t: Int64 = 0 }
        let clock = FakeClock()
        let sink = RecordingLEDSink()
        let d = LEDDriver(sink: sink, resultTimeoutMillis: 10_000, clock: { clock.t })
        d.show(.result(.red))
        d.tick(now: 0)
        #expect(sink.events == [.init(millis: 0, role: .green, on: false), .init(millis: 0, role: .amber, on: false),
                                .init(millis: 0, role: .red, on: true)])
        d.tick(now: 5_000)
        #expect(sink.events.count == 3)                                  // nothing changed, nothing written
        d.tick(now: 10_000)                                              // result timeout → idle heartbeat
        #expect(d.current == .idle)
        #expect(Array(sink.events.suffix(2)) == [.init(millis: 10_000, role: .green, on: true),
                                                .init(millis: 10_000, role: .red, on: false)])
        clock.t = 20_000
        d.show(.error)
        for t in stride(from: Int64(20_000), to: 20_400, by: 50) { d.tick(now: t) }
        let red = sink.events.filter { $0.role == .red && $0.millis >= 20_000 }
        #expect(red.map(\.on) == [true, false, true, false])           // 5 Hz: on 100 ms, off 100 ms
        #expect(red.map(\.millis) == [20_000, 20_100, 20_200, 20_300])
        #expect(sink.patterns == [.result(.red), .idle, .error])
    }

    @Test func timerThreadStartsAndStops() {
        let sink = RecordingLEDSink()
        let d = LEDDriver(sink: sink, resultTimeoutMillis: 0, tickMillis: 5)
        d.show(.selfTest)
        d.start()
        var waited = 0
        while sink.events.count < 3 && waited < 2000 { Clock.sleep(millis: 5); waited += 1 }
        d.stop()
        #expect(sink.events.prefix(3).allSatisfy { $0.on })
        #expect(sink.events.suffix(3).allSatisfy { !$0.on })              // stop turns everything off
    }

    /// The error text of opening a sink, nil when it opened.
    func openError(_ c: ApplianceConfig.LEDs) -> String? {
        do { let s = try GPIODLEDSink(c); s.close(); return nil } catch { return "\(error)" }
    }

    /// The real libgpiod path on a machine without the chip: a clear error, no crash; serve falls back to logging.
    @Test func gpiodWithoutChipReportsClearly() throws {
        let lines = ["green": ApplianceConfig.LEDLine(offset: 17), "red": .init(offset: 22, activeLow: true)]
        let hasChips = !FS.expand("/dev/gpiochip*").isEmpty
        if !hasChips {
            #expect(openError(.init(chip: "gpiochip0", lines: lines)) == "no GPIO chip (/dev/gpiochip* absent), LEDs off")
        }
        // An explicit path that does not exist goes through gpiod_chip_open_lookup itself.
        let e2 = openError(.init(chip: "/dev/no-such-gpiochip", lines: lines))
        #expect(e2?.hasPrefix("no GPIO chip '/dev/no-such-gpiochip'") == true)
        #expect(e2?.hasSuffix("LEDs off") == true)
        var cfg = ApplianceConfig()
        cfg.leds = .init(chip: "/dev/no-such-gpiochip", lines: lines)
        let log = ApplianceLog(echo: false, keep: true)
        let sink = Appliance.makeLEDSink(cfg, log: log)
        #expect(sink is LogLEDSink && sink.summary.contains("LEDs off"))
        #expect(sink.wired == [.green, .red])
        sink.patternChanged(.result(.green))
        #expect(log.lines.last == "hccedge: LEDs would show: result: green solid")
    }
}

@Suite struct SelfTestTests {
    /// The embedded phantom equals the IBSI files (read with the project's NIfTI reader).
    @Test func embeddedPhantomMatchesIBSIFiles() throws {
        let fromFile = try Ingest.load(imagePath: sharedIBSI + "/digital_phantom/image.nii.gz",
                                       maskPath: sharedIBSI + "/digital_phantom/mask.nii.gz")
        let embedded = SelfTest.phantom()
        #expect(fromFile.image.voxels == embedded.image.voxels)
        #expect(fromFile.mask.voxels == embedded.mask.voxels)
        #expect(fromFile.image.geometry.dims == embedded.image.geometry.dims)
        #expect(fromFile.image.geometry.spacing == embedded.image.geometry.spacing)
        #expect(embedded.mask.count == 74)                               // IBSI manual: 74 ROI voxels
    }

    /// The embedded reference values equal the IBSI table's digital-phantom rows, value for value.
    @Test func embeddedReferenceMatchesIBSITable() throws {
        func fields(_ line: Substring) -> [String] {
            var out: [String] = [], cur = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { out.append(cur); cur = "" } else { cur.append(ch) }
            }
            out.append(cur)
            return out
        }
        let text = try FileIO.readText(sharedIBSI + "/reference/ibsi1_reference_values.csv")
        let rows = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(fields).filter { $0.count >= 8 && $0[4] == "digital phantom" }
        #expect(rows.count == DigitalPhantom.reference.count)
        for (r, e) in zip(rows, DigitalPhantom.reference) {
            #expect(r[3] == e.tag && r[5] == e.aggregation && Double(r[6]) == e.value && Double(r[7]) == e.tolerance)
        }
    }

    @Test func ibsiRounding() {
        #expect(SelfTest.round3(0.069841) == 0.0698)
        #expect(SelfTest.round3(556.4) == 556)
        #expect(SelfTest.round3(-1235) == -1240)
        #expect(SelfTest.round3(1.0005) == 1.0)
        #expect(SelfTest.round3(99.96) == 100)
    }

    @Test func fingerprintSeesEveryBit() {
        let a = [Feature("morph.vol", "RNU0", "", 556.0)]
        let b = [Feature("morph.vol", "RNU0", "", 556.0.nextUp)]
        #expect(SelfTest.fingerprint(a) != SelfTest.fingerprint(b))
        #expect(SelfTest.fingerprint(a) != SelfTest.fingerprint([]))
    }

    @Test func selfTestChecksModelAndFolders() throws {
        let t = TempDir()
        var cfg = ApplianceConfig()
        cfg.stateDir = t.sub("state"); cfg.outputDir = t.sub("out")
        try writeText(t.sub("model.bin"), "weights")
        let h = try Fingerprint.file(t.sub("model.bin"))
        cfg.model = .init(path: t.sub("model.bin"), id: "hcc-v1", hash: h)
        var r = SelfTest.run(config: cfg)
        #expect(r.checks.first { $0.name == "model" }?.ok == true)
        #expect(r.modelID == "hcc-v1" && r.modelHash == h)
        #expect(r.checks.first { $0.name == "state folder" }?.ok == true)
        cfg.model?.hash = "fnv1a64:0000000000000000"
        r = SelfTest.run(config: cfg)
        #expect(!r.passed && r.checks.first { $0.name == "model" }?.ok == false)
        try writeText(t.sub("blocker"), "x")
        cfg.model = nil; cfg.outputDir = t.sub("blocker/out")
        r = SelfTest.run(config: cfg)
        #expect(r.checks.first { $0.name == "output folder" }?.ok == false)
    }
}

@Suite struct ModelVerifierTests {
    func model(settings: ExtractionSettings = AssessmentOptions.defaultSettings["CT"]!) -> FrozenModel {
        FrozenModel(id: "hcc-test", version: "2", task: "test", intendedUse: "test", synthetic: true,
                    settings: settings,
                    inputs: [ModelInput(name: "f1", centre: 10, scale: 4, coefficient: 0.75)],
                    intercept: -0.25, nomogram: nil,
                    thresholds: OperatingThresholds(amber: 0.3, red: 0.6, amberRule: "test", redRule: "test"),
                    metrics: [], card: ModelCard(population: "p", outcome: "o", horizon: "h", inputsAndUnits: "i",
                                                 settings: "s", data: "d", fitting: "f", metrics: "m", knownFailureModes: []),
                    createdBy: "test")
    }

    @Test func sealedModelIsVerifiedAgainstTheConfiguredHash() throws {
        let t = TempDir()
        let path = t.sub("model.json")
        try writeText(path, try model().sealedText())
        let seal = "sha256:" + (try FrozenModel.load(path: path).sha256 ?? "")
        let v = StandardModelVerifier()
        let ok = try v.verify(path: path, expectedHash: seal)
        #expect(ok.id == "hcc-test 2 (SYNTHETIC)" && ok.hash == seal)
        #expect(throws: (any Error).self) { try v.verify(path: path, expectedHash: "sha256:" + String(repeating: "0", count: 64)) }
        // A model edited after sealing fails its own seal.
        let text = try FileIO.readText(path)
        try writeText(path, text.replacingAll("0.75", with: "0.76"))
        #expect(throws: (any Error).self) { try v.verify(path: path, expectedHash: seal) }
        // A model trained with other feature settings than the assessment's is refused.
        let other = t.sub("other.json")
        try writeText(other, try model(settings: ExtractionSettings.presets["ibsi-ct-a"]!).sealedText())
        let otherSeal = "sha256:" + (try FrozenModel.load(path: other).sha256 ?? "")
        #expect(throws: (any Error).self) { try v.verify(path: other, expectedHash: otherSeal) }
        // fnv1a64 hashes go to the byte-for-byte verifier.
        let fnv = try Fingerprint.file(path)
        #expect(try v.verify(path: path, expectedHash: fnv).hash == fnv)
    }
}

@Suite struct SystemTests {
    @Test func sdNotifyReachesTheSocket() throws {
        let t = TempDir()
        let path = t.sub("notify.sock")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in path.utf8.enumerated() { p[i] = b } }
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(rc == 0)
        #expect(SystemdNotifier(socketPath: path).notify("READY=1\nSTATUS=idle"))
        var buf = [UInt8](repeating: 0, count: 256)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        #expect(n > 0 && String(decoding: buf[0..<max(0, n)], as: UTF8.self) == "READY=1\nSTATUS=idle")
        #expect(!SystemdNotifier(socketPath: nil).notify("READY=1"))
    }

    @Test func watchdogPingsOnlyWhileAlive() {
        let w = Watchdog(stallMillis: 1000, maxStudyMillis: 5000)
        w.beat(0)
        #expect(w.healthy(999) && !w.healthy(1000))
        w.busy(since: 2000)
        #expect(w.healthy(6999) && !w.healthy(7000))
    }

    @Test func configDefaultsUnknownKeysAndShippedFile() throws {
        let c = try JSONDecoder().decode(ApplianceConfig.self, from: Data("{}".utf8))
        #expect(c == ApplianceConfig())
        #expect(c.statusFile == "/run/hccedge/status.json")
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ApplianceConfig.self, from: Data(#"{"quiet_secs": 3}"#.utf8)) }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(ApplianceConfig.self, from: Data(#"{"leds": {"chip": "x", "lines": {"blue": {"offset": 1}}}}"#.utf8))
        }
        let shipped = try ApplianceConfig.load(packageRoot + "/firmware-config/hccedge.conf")
        #expect(shipped.leds?.lines["green"]?.offset != nil)
        #expect(Daemon.staticParent("/media/hccedge/*") == "/media/hccedge")
        #expect(Daemon.safeName("../Pat ient:7") == "_Pat_ient_7")
    }
}
