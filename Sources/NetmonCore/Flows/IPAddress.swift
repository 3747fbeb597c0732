/// An IPv4 or IPv6 address as a compact value type.
///
/// IPv4 addresses are stored as one big-endian-ordered `UInt32` (`10.0.0.1` is `0x0A00_0001`); IPv6
/// addresses as two `UInt64` halves, most significant first. `description` prints dotted quads for
/// IPv4 and the RFC 5952 canonical text for IPv6 (lowercase, longest zero run compressed).
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address, most significant octet in the high bits.
    case v4(UInt32)
    /// An IPv6 address as its high and low 64 bits.
    case v6(high: UInt64, low: UInt64)

    /// The IPv4 address `0.0.0.0`, used where a record carries no address.
    public static let zeroV4 = IPAddress.v4(0)

    /// Makes an address from 4 (IPv4) or 16 (IPv6) network-order bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            var value: UInt32 = 0
            for byte in bytes { value = value << 8 | UInt32(byte) }
            self = .v4(value)
        case 16:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self = .v6(high: high, low: low)
        default:
            return nil
        }
    }

    /// 4 or 6.
    public var version: UInt8 {
        switch self {
        case .v4: return 4
        case .v6: return 6
        }
    }

    /// The address in network byte order (4 or 16 bytes).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// Dotted quad for IPv4, RFC 5952 text for IPv6.
    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * $0)) & 0xFF) }.joined(separator: ".")
        case .v6(let high, let low):
            return Self.describeV6(high: high, low: low)
        }
    }

    private static func describeV6(high: UInt64, low: UInt64) -> String {
        var groups: [UInt16] = []
        for index in 0..<4 { groups.append(UInt16(truncatingIfNeeded: high >> (48 - 16 * index))) }
        for index in 0..<4 { groups.append(UInt16(truncatingIfNeeded: low >> (48 - 16 * index))) }
        // Longest run of at least two zero groups; the first one wins a tie (RFC 5952 section 4.2).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[0..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
