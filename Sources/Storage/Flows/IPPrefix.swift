import Foundation
public import NetmonCore

/// An IPv4 or IPv6 network prefix (CIDR), for flow query filters.
public struct IPPrefix: Sendable, Hashable, CustomStringConvertible {
    /// The network address: `address` with every bit after the prefix cleared.
    public let network: IPAddress
    /// The prefix length: 0...32 for IPv4, 0...128 for IPv6.
    public let length: Int

    /// Makes the prefix of `length` bits containing `address`; nil when the length is out of range.
    public init?(address: IPAddress, length: Int) {
        switch address {
        case .v4(let value):
            guard (0...32).contains(length) else { return nil }
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
            self.network = .v4(value & mask)
        case .v6(let high, let low):
            guard (0...128).contains(length) else { return nil }
            let (highMask, lowMask) = Self.v6Masks(length)
            self.network = .v6(high: high & highMask, low: low & lowMask)
        }
        self.length = length
    }

    /// Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a host prefix); nil when invalid.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parsing: String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else { return nil }
            length = parsed
        } else {
            length = address.version == 4 ? 32 : 128
        }
        self.init(address: address, length: length)
    }

    /// `network/length`.
    public var description: String { "\(self.network)/\(self.length)" }

    /// True when `address` is of the same version and inside the prefix.
    public func contains(_ address: IPAddress) -> Bool {
        guard address.version == self.network.version, let masked = IPPrefix(address: address, length: self.length)
        else {
            return false
        }
        return masked.network == self.network
    }

    /// The lowest address of the prefix, in network byte order.
    var lowerBoundBytes: [UInt8] { self.network.bytes }

    /// The highest address of the prefix, in network byte order.
    var upperBoundBytes: [UInt8] {
        switch self.network {
        case .v4(let value):
            let hostMask: UInt32 = self.length == 0 ? ~0 : ~(~UInt32(0) << UInt32(32 - self.length))
            return IPAddress.v4(value | hostMask).bytes
        case .v6(let high, let low):
            let (highMask, lowMask) = Self.v6Masks(self.length)
            return IPAddress.v6(high: high | ~highMask, low: low | ~lowMask).bytes
        }
    }

    private static func v6Masks(_ length: Int) -> (UInt64, UInt64) {
        let highMask: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~UInt64(0) << UInt64(64 - length))
        let lowBits = max(0, length - 64)
        let lowMask: UInt64 = lowBits == 0 ? 0 : (lowBits >= 64 ? ~0 : ~UInt64(0) << UInt64(64 - lowBits))
        return (highMask, lowMask)
    }
}
