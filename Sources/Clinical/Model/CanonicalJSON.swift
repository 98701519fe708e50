import FoundationEssentials

/// A parsed JSON value, for canonical serialisation (hashing) independent of any encoder's formatting.
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses JSON text.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Any Encodable as a value tree.
    public static func from<T: Encodable>(_ value: T) throws -> JSONValue {
        try parse(Array(JSONEncoder().encode(value)))
    }
}

/// Canonical JSON text: object keys sorted by their UTF-8 bytes, no insignificant white space (or fixed two-space
/// indentation when `pretty`), integers in [−2^53, 2^53] without a fraction, other numbers as Swift's shortest
/// round-trip decimal (`Double.description`), strings with only `"`, `\` and control characters escaped.
/// The same value tree gives the same bytes on every platform and Swift version.
public enum CanonicalJSON {
    public static func text(_ v: JSONValue, pretty: Bool = false) -> String {
        var out = ""
        write(v, into: &out, pretty: pretty, indent: 0)
        if pretty { out += "\n" }
        return out
    }

    public static func bytes(_ v: JSONValue) -> [UInt8] { Array(text(v).utf8) }

    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) <= 9007199254740992 { return String(Int64(d)) }
        return d.description
    }

    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = Array("0123456789abcdef")
                    out += "\\u00" + String(hex[Int(u.value >> 4)]) + String(hex[Int(u.value & 15)])
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    private static func write(_ v: JSONValue, into out: inout String, pretty: Bool, indent: Int) {
        let nl = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        let close = pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += number(d)
        case .string(let s): out += string(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (i, e) in a.enumerated() {
                if i > 0 { out += "," }
                out += nl
                write(e, into: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            let keys = o.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (i, k) in keys.enumerated() {
                if i > 0 { out += "," }
                out += nl + string(k) + (pretty ? ": " : ":")
                write(o[k]!, into: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "}"
        }
    }
}
