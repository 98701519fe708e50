import Testing
import Imaging
import Radiomics
#if canImport(Glibc)
import Glibc
#endif

/// Paths to the read-only IBSI material: `$HCCEDGE_SHARED/ibsi` (set by tools/test), else `../shared/ibsi`.
enum SharedData {
    static let projectRoot: String = {
        var p = String(#filePath)
        for _ in 0..<3 { p = String(p[..<p.lastIndex(of: "/")!]) }   // Tests/RadiomicsTests/file → root
        return p
    }()
    static let ibsi = (getenv("HCCEDGE_SHARED").map { String(cString: $0) } ?? projectRoot + "/../shared") + "/ibsi"
    static let digitalPhantom = (ibsi + "/digital_phantom/image.nii.gz", ibsi + "/digital_phantom/mask.nii.gz")
    static let ctPhantom = (ibsi + "/ct_phantom/image.nii.gz", ibsi + "/ct_phantom/mask.nii.gz")
}

/// One row of `ibsi1_reference_values.csv` that has a value.
struct ReferenceRow: Sendable, CustomTestStringConvertible {
    var family, feature, ibsiID, tag, dataSet, aggregation: String
    var value, tolerance: Double
    var testDescription: String { "\(dataSet) \(tag) \(aggregation.isEmpty ? "" : "[\(aggregation)] ")= \(value) ± \(tolerance)" }
    var key: String { "\(dataSet)|\(tag)|\(aggregation)" }

    /// The IBSI matching rule: round to 3 significant digits, match when within the tolerance.
    func matches(_ x: Double) -> Bool {
        let r = ReferenceRow.round3(x)
        return abs(r - value) <= tolerance + 1e-9 * max(1, abs(value))
    }

    static func round3(_ x: Double) -> Double {
        if x == 0 || !x.isFinite { return x }
        let e = Int(floor(log10(abs(x))))
        let scale = pow(10.0, Double(2 - e))
        return (x * scale).rounded(.toNearestOrAwayFromZero) / scale
    }

    static let all: [ReferenceRow] = {
        let path = SharedData.ibsi + "/reference/ibsi1_reference_values.csv"
        guard let text = try? FileIO.readText(path) else { return [] }
        var rows: [ReferenceRow] = []
        for (n, line) in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() where n > 0 {
            let f = parseCSVLine(String(line))
            guard f.count >= 8, let v = Double(f[6]), let t = Double(f[7]) else { continue }
            rows.append(ReferenceRow(family: f[0], feature: f[1], ibsiID: f[2], tag: f[3], dataSet: f[4],
                                     aggregation: f[5], value: v, tolerance: t))
        }
        return rows
    }()

    static func rows(dataSet: String) -> [ReferenceRow] { all.filter { $0.dataSet == dataSet } }
}

/// Splits one CSV line, honouring double quotes.
func parseCSVLine(_ line: String) -> [String] {
    var out: [String] = [], cur = "", quoted = false
    var it = Array(line).makeIterator()
    var pending: Character? = nil
    while let c = pending ?? it.next() {
        pending = nil
        if quoted {
            if c == "\"" { if let n = it.next() { if n == "\"" { cur.append("\"") } else { quoted = false; pending = n } } else { quoted = false } }
            else { cur.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { out.append(cur); cur = "" }
        else if c != "\r" { cur.append(c) }
    }
    out.append(cur)
    return out
}

/// Features computed once per IBSI data set (digital phantom, configs A–E).
enum ComputedFeatures {
    static let presets = ["digital phantom": "ibsi-digital-phantom", "config A": "ibsi-ct-a", "config B": "ibsi-ct-b",
                          "config C": "ibsi-ct-c", "config D": "ibsi-ct-d", "config E": "ibsi-ct-e"]

    /// Result per data set, keyed `tag|aggregation`.
    static func compute(_ dataSet: String) -> Result<[String: Feature], Error> {
        let files = dataSet == "digital phantom" ? SharedData.digitalPhantom : SharedData.ctPhantom
        return Result {
            let settings = ExtractionSettings.presets[presets[dataSet]!]!
            let input = try Extractor.load(image: files.0, mask: files.1, settings: settings)
            let fs = try Extractor.extract(input, settings: settings)
            var d: [String: Feature] = [:]
            for f in fs { d["\(f.tag)|\(f.aggregation)"] = f }
            return d
        }
    }
    static let digital = compute("digital phantom")
    static let configA = compute("config A")
    static let configB = compute("config B")
    static let configC = compute("config C")
    static let configD = compute("config D")
    static let configE = compute("config E")
    static func result(_ dataSet: String) -> Result<[String: Feature], Error> {
        switch dataSet {
        case "digital phantom": return digital
        case "config A": return configA
        case "config B": return configB
        case "config C": return configC
        case "config D": return configD
        default: return configE
        }
    }
}
