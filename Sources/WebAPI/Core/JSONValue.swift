/// A JSON value with ordered object keys: what every API resource is rendered to, so that the
/// JSON and the CSV of one answer come from the same data.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// `.string`, or `.null` for nil.
    static func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    /// `.int`, or `.null` for nil.
    static func int(_ number: Int64?) -> JSONValue { number.map { .int($0) } ?? .null }
    static func int(_ number: Int?) -> JSONValue { number.map { .int(Int64($0)) } ?? .null }
    /// `.double` (non-finite values as null), or `.null` for nil.
    static func double(_ number: Double?) -> JSONValue {
        guard let number, number.isFinite else { return .null }
        return .double(number)
    }

    /// The value under `key` of an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let entries) = self else { return nil }
        return entries.first { $0.0 == key }?.1
    }

    // MARK: Serialisation

    /// Compact JSON bytes.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        self.write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): out.append(contentsOf: Self.format(value).utf8)
        case .string(let value): Self.writeString(value, into: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let entries):
            out.append(UInt8(ascii: "{"))
            for (index, entry) in entries.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(entry.0, into: &out)
                out.append(UInt8(ascii: ":"))
                entry.1.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A finite double as JSON (integers without a fraction); non-finite ones as null.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether `byte` is written escaped: quote, backslash, control bytes, and `<`, `>`, `&` (so
    /// that JSON never reads as markup).
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0x7F
    }

    /// `text` as a JSON string. Runs of bytes that need no escape are copied at once (most text
    /// has none: a byte-at-a-time loop was the largest cost of a device list).
    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count where Self.needsEscape(bytes[index]) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                Self.writeEscaped(bytes[index], into: &out)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func writeEscaped(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(92)
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(48)
            out.append(48)
            out.append(Self.hex[Int(byte >> 4)])
            out.append(Self.hex[Int(byte & 15)])
        }
    }
}
