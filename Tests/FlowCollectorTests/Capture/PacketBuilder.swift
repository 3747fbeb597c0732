/// Builders of captured frames for the capture tests: Ethernet (optionally VLAN-tagged), Linux cooked
/// SLL/SLL2, IPv4/IPv6 with TCP, UDP or ICMP.
enum PacketBuilder {
    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func u32(_ value: UInt32) -> [UInt8] { self.u16(UInt16(value >> 16)) + self.u16(UInt16(value & 0xFFFF)) }

    /// An Ethernet header with the given 802.1Q tags (outermost first; QinQ uses 0x88A8 outside).
    static func ethernet(etherType: UInt16, vlans: [UInt16] = []) -> [UInt8] {
        var bytes: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        for (index, vlan) in vlans.enumerated() {
            bytes += self.u16(index == 0 && vlans.count > 1 ? 0x88A8 : 0x8100) + self.u16(vlan)
        }
        return bytes + self.u16(etherType)
    }

    /// A Linux cooked (SLL v1) header.
    static func sll(etherType: UInt16) -> [UInt8] {
        self.u16(0) + self.u16(1) + self.u16(6) + [0, 1, 2, 3, 4, 5, 0, 0] + self.u16(etherType)
    }

    /// A Linux cooked v2 (SLL2) header.
    static func sll2(etherType: UInt16) -> [UInt8] {
        self.u16(etherType) + self.u16(0) + self.u32(2) + self.u16(1) + [0, 6] + [0, 1, 2, 3, 4, 5, 0, 0]
    }

    /// A TCP header with ports and flags (20 bytes).
    static func tcp(source: UInt16, destination: UInt16, flags: UInt8) -> [UInt8] {
        self.u16(source) + self.u16(destination) + self.u32(1) + self.u32(0) + [0x50, flags] + self.u16(65535)
            + self.u16(0) + self.u16(0)
    }

    /// A UDP header and payload.
    static func udp(source: UInt16, destination: UInt16, payload: [UInt8] = []) -> [UInt8] {
        self.u16(source) + self.u16(destination) + self.u16(UInt16(8 + payload.count)) + self.u16(0) + payload
    }

    /// An IPv4 header (no options unless `options`) before `payload`.
    static func ipv4(
        source: UInt32,
        destination: UInt32,
        protocol ipProtocol: UInt8,
        payload: [UInt8],
        fragmentOffset: UInt16 = 0,
        moreFragments: Bool = false,
        options: [UInt8] = [],
        tos: UInt8 = 0
    ) -> [UInt8] {
        let headerLength = 20 + options.count
        let flags: UInt16 = (moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1FFF)
        return [UInt8(0x40 | headerLength / 4), tos] + self.u16(UInt16(headerLength + payload.count)) + self.u16(7)
            + self.u16(flags) + [64, ipProtocol] + self.u16(0) + self.u32(source) + self.u32(destination) + options
            + payload
    }

    /// An IPv6 header with extension headers `extensions` (each: next-header value it announces
    /// is filled in) before `payload` of protocol `ipProtocol`.
    static func ipv6(
        source: [UInt8],
        destination: [UInt8],
        protocol ipProtocol: UInt8,
        payload: [UInt8],
        extensions: [(type: UInt8, body: [UInt8])] = []
    ) -> [UInt8] {
        var chain: [UInt8] = []
        for (index, extensionHeader) in extensions.enumerated() {
            let next = index + 1 < extensions.count ? extensions[index + 1].type : ipProtocol
            chain += [next] + extensionHeader.body
        }
        let first = extensions.first?.type ?? ipProtocol
        return [0x60, 0, 0, 0] + self.u16(UInt16(chain.count + payload.count)) + [first, 64] + source + destination
            + chain + payload
    }

    static let v6a: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
    static let v6b: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2]
}
