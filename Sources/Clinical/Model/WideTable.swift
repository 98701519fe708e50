import Imaging

/// A wide CSV table: a header row of column names, then one row per study (RFC 4180 quoting).
public struct WideTable: Sendable {
    public var header: [String]
    public var rows: [[String]]
    public var path: String

    /// Parses CSV text; every row must have as many fields as the header.
    public static func parse(_ text: String, path: String) throws -> WideTable {
        var records: [[String]] = []
        var field = "", record: [String] = []
        var inQuotes = false, quotedJustClosed = false
        var line = 1
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return it.next() }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let d = it.next() {
                        if d == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; quotedJustClosed = true; pending = d }
                    } else { inQuotes = false }
                } else { if c == "\n" { line += 1 }; field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !quotedJustClosed else { throw IngestError(path, "line \(line): stray quote") }
                inQuotes = true
            case ",": record.append(field); field = ""; quotedJustClosed = false
            case "\r": continue
            case "\n":
                record.append(field); field = ""; quotedJustClosed = false
                if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
                record = []; line += 1
            default: field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw IngestError(path, "unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        guard let header = records.first else { throw IngestError(path, "empty file (no header row)") }
        let body = Array(records.dropFirst())
        for (k, r) in body.enumerated() where r.count != header.count {
            throw IngestError(path, "row \(k + 2) has \(r.count) fields, the header has \(header.count)")
        }
        var seen: Set<String> = []
        for h in header {
            if seen.contains(h) { throw IngestError(path, "duplicate column '\(h)'") }
            seen.insert(h)
        }
        return WideTable(header: header, rows: body, path: path)
    }

    public static func read(_ path: String) throws -> WideTable {
        try parse(try FileIO.readText(path, limit: 512 << 20), path: path)
    }

    /// Index of a column; throws naming the file when absent.
    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else { throw IngestError(path, "no column '\(name)'") }
        return i
    }

    /// A column as numbers; nil entries for empty or non-numeric cells.
    public func numbers(_ index: Int) -> [Double?] {
        rows.map { r in
            let s = r[index].trimmingSpaces
            guard !s.isEmpty, let v = Double(String(s)), v.isFinite else { return nil }
            return v
        }
    }

    /// The rows whose `column` equals `value` (e.g. one region of a cohort table).
    public func filtered(column name: String, equals value: String) throws -> WideTable {
        let c = try column(name)
        let kept = rows.filter { $0[c] == value }
        guard !kept.isEmpty else { throw IngestError(path, "no row has \(name) = '\(value)'") }
        return WideTable(header: header, rows: kept, path: path)
    }

    /// Splits a comma-separated list of column names, ignoring commas inside brackets
    /// (`tumour.cm.contrast[2D, averaged],afp` is two names).
    public static func splitNames(_ list: String) -> [String] {
        var out: [String] = [], cur = "", depth = 0
        for ch in list {
            if ch == "[" { depth += 1 } else if ch == "]" { depth = max(0, depth - 1) }
            if ch == "," && depth == 0 { out.append(String(cur.trimmingSpaces)); cur = "" } else { cur.append(ch) }
        }
        let last = String(cur.trimmingSpaces)
        if !last.isEmpty { out.append(last) }
        return out.filter { !$0.isEmpty }
    }

    /// A binary outcome column (0/1); throws on anything else.
    public func outcome(_ name: String) throws -> [Int] {
        let c = try column(name)
        return try rows.enumerated().map { (k, r) in
            switch r[c].trimmingSpaces {
            case "0", "0.0", "false": return 0
            case "1", "1.0", "true": return 1
            default: throw IngestError(path, "row \(k + 2): outcome '\(name)' must be 0 or 1, got '\(r[c])'")
            }
        }
    }
}
