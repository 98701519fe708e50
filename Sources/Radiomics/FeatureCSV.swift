/// CSV output of feature values: long (`tag,ibsi_id,aggregation,value`) and wide (one row per ROI).
public enum FeatureCSV {
    /// Shortest text that parses back to the same Double; integers without a fraction.
    public static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return v.description
    }

    /// Quotes a field when it holds a comma, a quote or a newline.
    public static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        }
        return s
    }

    /// Long form: header plus one row per feature and aggregation; undefined values are empty.
    public static func long(_ features: [Feature]) -> String {
        var s = "tag,ibsi_id,aggregation,value\n"
        for f in features {
            s += "\(field(f.tag)),\(field(f.ibsiID)),\(field(f.aggregation)),\(f.value.map(format) ?? "")\n"
        }
        return s
    }

    /// Column name of a feature in wide form: `tag` or `tag[aggregation]`, optionally prefixed.
    public static func columnName(_ f: Feature, prefix: String = "") -> String {
        prefix + (f.aggregation.isEmpty ? f.tag : "\(f.tag)[\(f.aggregation)]")
    }

    /// Wide form: one header row and one value row, leading key columns first.
    public static func wide(_ features: [Feature], keys: [(String, String)] = [], prefix: String = "") -> String {
        let header = keys.map { field($0.0) } + features.map { field(columnName($0, prefix: prefix)) }
        let row = keys.map { field($0.1) } + features.map { $0.value.map(format) ?? "" }
        return header.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n"
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]; out += replacement; rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    /// First range of `target` (no Foundation).
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i, k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] { j = u.index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}
