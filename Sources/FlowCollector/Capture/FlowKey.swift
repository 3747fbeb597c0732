#if canImport(NetmonCore)
import NetmonCore
#endif

/// The key of a unidirectional flow built from captured packets: VLAN, addresses, ports, protocol
/// and capture interface, in 48 bytes (addresses as two 64-bit halves each; IPv4 in the low half).
public struct FlowKey: Sendable, Hashable {
    /// `vlan` when the frame carried no 802.1Q tag.
    public static let untagged: UInt16 = 0xFFFF

    public var sourceHigh: UInt64 = 0
    public var sourceLow: UInt64 = 0
    public var destinationHigh: UInt64 = 0
    public var destinationLow: UInt64 = 0
    /// Source port (0 unless TCP, UDP or SCTP).
    public var sourcePort: UInt16 = 0
    /// Destination port; ICMP and ICMPv6 give `type << 8 | code`.
    public var destinationPort: UInt16 = 0
    /// The innermost VLAN id, or ``untagged``.
    public var vlan: UInt16 = FlowKey.untagged
    /// The capture's interface number (the index of the capture in the configuration, or 0).
    public var interface: UInt16 = 0
    /// IP protocol number.
    public var ipProtocol: UInt8 = 0
    /// 4 or 6.
    public var ipVersion: UInt8 = 0

    /// Makes an empty key.
    public init() {}

    /// The source address.
    public var sourceAddress: IPAddress {
        self.ipVersion == 6
            ? .v6(high: self.sourceHigh, low: self.sourceLow) : .v4(UInt32(truncatingIfNeeded: self.sourceLow))
    }

    /// The destination address.
    public var destinationAddress: IPAddress {
        self.ipVersion == 6
            ? .v6(high: self.destinationHigh, low: self.destinationLow)
            : .v4(UInt32(truncatingIfNeeded: self.destinationLow))
    }

    /// A fast 64-bit mix of every field (not cryptographic: the table bounds its probe lengths).
    @inline(__always)
    var hashValue64: UInt64 {
        let ports = UInt64(self.sourcePort) << 48 | UInt64(self.destinationPort) << 32
        let rest = UInt64(self.vlan) << 16 | UInt64(self.interface) | UInt64(self.ipProtocol) << 8
        var hash = Self.mix(self.sourceLow ^ 0x9E37_79B9_7F4A_7C15, self.destinationLow ^ ports)
        hash = Self.mix(hash ^ self.sourceHigh, self.destinationHigh ^ rest ^ UInt64(self.ipVersion) << 40)
        return hash
    }

    @inline(__always)
    private static func mix(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let product = lhs.multipliedFullWidth(by: rhs ^ 0xA076_1D64_78BD_642F)
        return product.high ^ product.low
    }
}
