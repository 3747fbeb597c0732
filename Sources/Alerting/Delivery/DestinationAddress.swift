import Foundation
import NetmonCore

/// Parses host text the way resolvers do, so a guard sees what a connection would reach:
/// IPv4 in every `inet_aton` form (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`) and
/// IPv6 literals (with or without brackets and zone).
public enum DestinationAddress {
    /// The address `host` denotes literally, or nil when it is a DNS name.
    public static func literal(_ host: String) -> IPAddress? {
        var text = host
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        if text.contains(":") { return self.ipv6(text) }
        return self.ipv4(text)
    }

    /// `inet_aton` semantics: 1 to 4 parts, each decimal, `0x` hex or `0` octal; the last part
    /// fills the remaining bytes. A trailing dot is allowed (as resolvers do).
    static func ipv4(_ text: String) -> IPAddress? {
        var body = Substring(text)
        if body.hasSuffix(".") { body = body.dropLast() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = self.number(part) else { return nil }
            values.append(value)
        }
        var result: UInt64 = 0
        for (index, value) in values.dropLast().enumerated() {
            guard value <= 0xFF else { return nil }
            result |= value << (24 - 8 * UInt64(index))
        }
        let remainingBits = 32 - 8 * UInt64(values.count - 1)
        guard let last = values.last, last < (1 << remainingBits) else { return nil }
        result |= last
        return .v4(UInt32(result))
    }

    private static func number(_ text: Substring) -> UInt64? {
        guard !text.isEmpty else { return nil }
        let lower = text.lowercased()
        let value: UInt64?
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            value = digits.isEmpty ? 0 : UInt64(digits, radix: 16)
        } else if lower.hasPrefix("0"), lower.count > 1 {
            value = UInt64(lower.dropFirst(), radix: 8)
        } else {
            value = UInt64(lower, radix: 10)
        }
        guard let value, value <= 0xFFFF_FFFF else { return nil }
        return value
    }

    /// RFC 4291 text, including an embedded dotted IPv4 tail.
    static func ipv6(_ text: String) -> IPAddress? {
        var groups: [UInt16] = []
        var tailV4: [UInt16] = []
        var body = text
        if let lastColon = body.lastIndex(of: ":"), body[body.index(after: lastColon)...].contains(".") {
            let tail = String(body[body.index(after: lastColon)...])
            guard tail.split(separator: ".").count == 4, let v4 = self.strictIPv4(tail) else { return nil }
            tailV4 = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
            body = String(body[...lastColon])
            if body.hasSuffix(":") && !body.hasSuffix("::") { body.removeLast() }
        }
        let halves = body.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = parse(halves[0]) else { return nil }
        let total = 8 - tailV4.count
        if halves.count == 2 {
            guard let rest = parse(halves[1]), head.count + rest.count < total + 1 else { return nil }
            groups = head + Array(repeating: 0, count: total - head.count - rest.count) + rest
        } else {
            guard head.count == total else { return nil }
            groups = head
        }
        groups += tailV4
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, group) in groups.enumerated() {
            if index < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        return .v6(high: high, low: low)
    }

    private static func strictIPv4(_ text: String) -> UInt32? {
        var value: UInt32 = 0
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
