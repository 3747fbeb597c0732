/// The flow-relevant facts of one captured packet, filled in by ``CapturedPacketDecoder``.
public struct CapturedPacket: Sendable {
    /// VLAN, addresses, ports, protocol (the interface is left for the caller to set).
    public var key = FlowKey()
    /// Layer-3 bytes: the IPv4 total length or the IPv6 payload length + 40, as NetFlow counts.
    public var ipLength: UInt32 = 0
    /// TCP flags of this packet (0 unless TCP).
    public var tcpFlags: UInt8 = 0
    /// IPv4 TOS or IPv6 traffic class.
    public var tos: UInt8 = 0
    /// An IPv4 or IPv6 fragment other than the first: it carries no ports.
    public var isLaterFragment = false
    /// The transport header was cut by the capture length: ports and flags are zero.
    public var isTransportTruncated = false
    /// Where the UDP payload starts in the captured bytes (0 unless UDP).
    public var payloadStart = 0
    /// One past the UDP payload's last captured byte.
    public var payloadEnd = 0

    /// Makes an empty description.
    public init() {}
}

/// What ``CapturedPacketDecoder/decode(_:linkType:into:)`` made of a packet.
public enum PacketDecodeStatus: Sendable, Hashable {
    /// An IPv4 or IPv6 packet; the ``CapturedPacket`` is filled in.
    case decoded
    /// Not IP (ARP, LLDP, ...): not a flow.
    case notIP
    /// The capture length cut the link or network header.
    case truncated
    /// A header field is impossible (IPv4 header length below 20 or above the total length, an IP
    /// version that contradicts the EtherType, more than 8 IPv6 extension headers).
    case malformed
}

/// Decodes captured frames straight from libpcap's buffer, without copying: Ethernet with up to two
/// 802.1Q/802.1ad tags, Linux cooked SLL/SLL2, BSD loopback or raw IP; IPv4 (options skipped) and
/// IPv6 (hop-by-hop, routing, fragment, destination options, AH, mobility headers skipped); TCP
/// ports and flags, UDP and SCTP ports, ICMP/ICMPv6 type and code; other protocols by number.
///
/// Fragments: the first fragment of an IPv4 or IPv6 datagram carries the ports and counts in the
/// 5-tuple flow; later fragments carry no transport header and count, once each, in the flow of the
/// same addresses and protocol with ports 0 (as softflowd and nfpcapd do), flagged
/// ``CapturedPacket/isLaterFragment``.
///
/// Pure and allocation-free: the same bytes always give the same result, and no input can trap.
public enum CapturedPacketDecoder {
    /// The most IPv6 extension headers walked before the packet is called malformed.
    public static let maximumExtensionHeaders = 8

    /// Decodes one captured packet of the given framing into `packet`.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer,
        linkType: CaptureLinkType,
        into packet: inout CapturedPacket
    ) -> PacketDecodeStatus {
        packet = CapturedPacket()
        let count = bytes.count
        var offset: Int
        var etherType: UInt16
        switch linkType {
        case .ethernet:
            guard count >= 14 else { return .truncated }
            etherType = load16(bytes, 12)
            offset = 14
        case .linuxSLL:
            guard count >= 16 else { return .truncated }
            etherType = load16(bytes, 14)
            offset = 16
        case .linuxSLL2:
            guard count >= 20 else { return .truncated }
            etherType = load16(bytes, 0)
            offset = 20
        case .null:
            guard count >= 5 else { return .truncated }
            offset = 4
            etherType = bytes[4] >> 4 == 6 ? 0x86DD : 0x0800
        case .rawIP:
            guard count >= 1 else { return .truncated }
            offset = 0
            etherType = bytes[0] >> 4 == 6 ? 0x86DD : 0x0800
        }
        var tags = 0
        while etherType == 0x8100 || etherType == 0x88A8 || etherType == 0x9100 {
            guard tags < 2 else { return .malformed }
            guard count >= offset + 4 else { return .truncated }
            packet.key.vlan = load16(bytes, offset) & 0x0FFF
            etherType = load16(bytes, offset + 2)
            offset += 4
            tags += 1
        }
        switch etherType {
        case 0x0800: return self.decodeIPv4(bytes, at: offset, into: &packet)
        case 0x86DD: return self.decodeIPv6(bytes, at: offset, into: &packet)
        default: return .notIP
        }
    }

    @inline(__always)
    static func load16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    static func load32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    static func load64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    private static func decodeIPv4(
        _ bytes: UnsafeRawBufferPointer,
        at start: Int,
        into packet: inout CapturedPacket
    ) -> PacketDecodeStatus {
        guard bytes.count >= start + 20 else { return .truncated }
        let first = bytes[start]
        guard first >> 4 == 4 else { return .malformed }
        let headerLength = Int(first & 0x0F) * 4
        guard headerLength >= 20 else { return .malformed }
        guard bytes.count >= start + headerLength else { return .truncated }
        var totalLength = Int(load16(bytes, start + 2))
        if totalLength == 0 {
            // A segmentation-offloaded packet captured on the sending host: the length is unset.
            totalLength = bytes.count - start
        }
        guard totalLength >= headerLength else { return .malformed }
        packet.tos = bytes[start + 1]
        packet.ipLength = UInt32(totalLength)
        packet.key.ipVersion = 4
        packet.key.ipProtocol = bytes[start + 9]
        packet.key.sourceLow = UInt64(load32(bytes, start + 12))
        packet.key.destinationLow = UInt64(load32(bytes, start + 16))
        if load16(bytes, start + 6) & 0x1FFF != 0 {
            packet.isLaterFragment = true
            return .decoded
        }
        self.decodeTransport(bytes, at: start + headerLength, end: start + totalLength, into: &packet)
        return .decoded
    }

    private static func decodeIPv6(
        _ bytes: UnsafeRawBufferPointer,
        at start: Int,
        into packet: inout CapturedPacket
    ) -> PacketDecodeStatus {
        guard bytes.count >= start + 40 else { return .truncated }
        let word = load32(bytes, start)
        guard word >> 28 == 6 else { return .malformed }
        packet.tos = UInt8(truncatingIfNeeded: word >> 20)
        let payloadLength = Int(load16(bytes, start + 4))
        // A jumbogram (payload length 0) or an offloaded packet: count what was on the wire.
        let total = payloadLength == 0 ? bytes.count - start : payloadLength + 40
        packet.ipLength = UInt32(total)
        packet.key.ipVersion = 6
        packet.key.sourceHigh = load64(bytes, start + 8)
        packet.key.sourceLow = load64(bytes, start + 16)
        packet.key.destinationHigh = load64(bytes, start + 24)
        packet.key.destinationLow = load64(bytes, start + 32)
        var next = bytes[start + 6]
        var offset = start + 40
        var walked = 0
        while true {
            let length: Int
            switch next {
            case 0, 43, 60, 135, 139, 140:
                guard bytes.count >= offset + 2 else { return .truncated }
                length = (Int(bytes[offset + 1]) + 1) * 8
            case 44:
                guard bytes.count >= offset + 8 else { return .truncated }
                if load16(bytes, offset + 2) & 0xFFF8 != 0 { packet.isLaterFragment = true }
                length = 8
            case 51:
                guard bytes.count >= offset + 2 else { return .truncated }
                length = (Int(bytes[offset + 1]) + 2) * 4
            default:
                packet.key.ipProtocol = next
                if !packet.isLaterFragment {
                    self.decodeTransport(bytes, at: offset, end: start + total, into: &packet)
                }
                return .decoded
            }
            walked += 1
            guard walked <= self.maximumExtensionHeaders else { return .malformed }
            next = bytes[offset]
            offset += length
        }
    }

    private static func decodeTransport(
        _ bytes: UnsafeRawBufferPointer,
        at offset: Int,
        end: Int,
        into packet: inout CapturedPacket
    ) {
        let available = min(bytes.count, end) - offset
        switch packet.key.ipProtocol {
        case 6:
            guard available >= 14 else {
                packet.isTransportTruncated = true
                return
            }
            packet.key.sourcePort = load16(bytes, offset)
            packet.key.destinationPort = load16(bytes, offset + 2)
            packet.tcpFlags = bytes[offset + 13]
        case 17, 132:
            guard available >= 4 else {
                packet.isTransportTruncated = true
                return
            }
            packet.key.sourcePort = load16(bytes, offset)
            packet.key.destinationPort = load16(bytes, offset + 2)
            if packet.key.ipProtocol == 17 && available >= 8 {
                packet.payloadStart = offset + 8
                packet.payloadEnd = offset + min(available, max(8, Int(load16(bytes, offset + 4))))
            }
        case 1, 58:
            guard available >= 2 else {
                packet.isTransportTruncated = true
                return
            }
            packet.key.destinationPort = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        default:
            return
        }
    }
}
