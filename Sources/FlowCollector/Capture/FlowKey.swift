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
    ///
    /// The small fields go into different operands, each read with a load of its own size: the key
    /// was just written by the decoder's narrow stores, and where the compiler merges neighbouring
    /// fields into one wide load (ports, VLAN + interface), the CPU cannot forward the pending
    /// narrow stores to it and the load waits until they are written back, a stall that was the
    /// largest single cost of the per-packet loop.
    @inline(__always)
    var hashValue64: UInt64 {
        var hash = Self.mix(
            self.sourceLow ^ 0x9E37_79B9_7F4A_7C15,
            self.destinationLow ^ UInt64(self.sourcePort) &<< 32
        )
        hash = Self.mix(
            hash ^ self.sourceHigh ^ UInt64(self.destinationPort) &<< 48,
            // Not shifted: `vlan << 16` became a 4-byte load of VLAN + interface, shifted in 32 bits.
            self.destinationHigh ^ UInt64(self.vlan)
        )
        return Self.mix(hash ^ UInt64(self.ipProtocol), UInt64(self.interface) ^ UInt64(self.ipVersion) &<< 32)
    }

    @inline(__always)
    private static func mix(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let product = lhs.multipliedFullWidth(by: rhs ^ 0xA076_1D64_78BD_642F)
        return product.high ^ product.low
    }
}
