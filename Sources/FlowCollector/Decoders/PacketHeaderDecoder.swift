#if canImport(NetmonCore)
import NetmonCore
#endif

/// The flow-relevant facts of one packet's headers (Ethernet, 802.1Q, IPv4/IPv6, TCP/UDP/ICMP).
public struct DecodedPacketHeader: Sendable, Hashable {
    /// The innermost 802.1Q VLAN id, if the frame was tagged.
    public var vlan: UInt16?
    /// 4 or 6.
    public var ipVersion: UInt8
    /// Source address.
    public var sourceAddress: IPAddress
    /// Destination address.
    public var destinationAddress: IPAddress
    /// The transport protocol (after IPv6 extension headers).
    public var ipProtocol: UInt8
    /// IPv4 TOS or IPv6 traffic class.
    public var tos: UInt8
    /// The IP packet length from its header (IPv4 total length, IPv6 payload length + 40).
    public var ipLength: UInt32
    /// Source port (0 unless TCP, UDP or SCTP and the header was captured).
    public var sourcePort: UInt16
    /// Destination port; ICMP and ICMPv6 give `type << 8 | code`.
    public var destinationPort: UInt16
    /// TCP flags (0 unless TCP).
    public var tcpFlags: UInt8
}

/// Decodes the headers of a captured or sampled packet: Ethernet with up to two 802.1Q/802.1ad tags,
/// IPv4 (options skipped, non-first fragments carry no ports), IPv6 with hop-by-hop, routing,
/// fragment, destination-options and AH extension headers, then TCP, UDP, SCTP, ICMP and ICMPv6.
///
/// A transport header cut short by the capture length leaves ports and flags at zero; a cut network
/// header throws.
public enum PacketHeaderDecoder {
    /// Decodes an Ethernet frame; `nil` when it carries neither IPv4 nor IPv6.
    public static func decodeEthernet(
        _ bytes: [UInt8],
        start: Int = 0,
        end: Int? = nil
    ) throws(FlowDecodingError) -> DecodedPacketHeader? {
        var reader = ByteReader(bytes, start: start, end: end)
        try reader.skip(12)
        var etherType = try reader.readUInt16()
        var vlan: UInt16?
        var tags = 0
        while (etherType == 0x8100 || etherType == 0x88A8) && tags < 2 {
            vlan = try reader.readUInt16() & 0x0FFF
            etherType = try reader.readUInt16()
            tags += 1
        }
        guard etherType == 0x0800 || etherType == 0x86DD else { return nil }
        var header = try self.decodeIP(bytes, start: reader.offset, end: reader.end)
        header?.vlan = vlan
        return header
    }

    /// Decodes a bare IPv4 or IPv6 packet (the version nibble decides); `nil` for other versions.
    public static func decodeIP(
        _ bytes: [UInt8],
        start: Int = 0,
        end: Int? = nil
    ) throws(FlowDecodingError) -> DecodedPacketHeader? {
        var reader = ByteReader(bytes, start: start, end: end)
        let first = try reader.readUInt8()
        switch first >> 4 {
        case 4: return try self.decodeIPv4(&reader, versionByte: first)
        case 6: return try self.decodeIPv6(&reader, versionByte: first)
        default: return nil
        }
    }

    private static func decodeIPv4(
        _ reader: inout ByteReader,
        versionByte: UInt8
    ) throws(FlowDecodingError)
        -> DecodedPacketHeader
    {
        let headerLength = Int(versionByte & 0x0F) * 4
        guard headerLength >= 20 else { throw .invalidLength(offset: reader.offset - 1) }
        let tos = try reader.readUInt8()
        let totalLength = try reader.readUInt16()
        try reader.skip(2)
        let fragment = try reader.readUInt16()
        try reader.skip(1)
        let proto = try reader.readUInt8()
        try reader.skip(2)
        let source = try reader.readIPv4()
        let destination = try reader.readIPv4()
        try reader.skip(headerLength - 20)
        var header = DecodedPacketHeader(
            vlan: nil,
            ipVersion: 4,
            sourceAddress: source,
            destinationAddress: destination,
            ipProtocol: proto,
            tos: tos,
            ipLength: UInt32(totalLength),
            sourcePort: 0,
            destinationPort: 0,
            tcpFlags: 0
        )
        if fragment & 0x1FFF == 0 { self.decodeTransport(&reader, into: &header) }
        return header
    }

    private static func decodeIPv6(
        _ reader: inout ByteReader,
        versionByte: UInt8
    ) throws(FlowDecodingError)
        -> DecodedPacketHeader
    {
        let second = try reader.readUInt8()
        let trafficClass = (versionByte & 0x0F) << 4 | second >> 4
        try reader.skip(2)
        let payloadLength = try reader.readUInt16()
        var next = try reader.readUInt8()
        try reader.skip(1)
        let source = try reader.readIPv6()
        let destination = try reader.readIPv6()
        var header = DecodedPacketHeader(
            vlan: nil,
            ipVersion: 6,
            sourceAddress: source,
            destinationAddress: destination,
            ipProtocol: next,
            tos: trafficClass,
            ipLength: UInt32(payloadLength) + 40,
            sourcePort: 0,
            destinationPort: 0,
            tcpFlags: 0
        )
        var isLaterFragment = false
        for _ in 0..<8 {
            guard [0, 43, 44, 51, 60].contains(next), reader.remaining >= 8 else { break }
            let following = try reader.readUInt8()
            let lengthField = Int(try reader.readUInt8())
            switch next {
            case 44:
                let offset = try reader.readUInt16()
                isLaterFragment = offset & 0xFFF8 != 0
                try reader.skip(4)
            case 51:
                try reader.skip((lengthField + 2) * 4 - 2)
            default:
                try reader.skip((lengthField + 1) * 8 - 2)
            }
            next = following
        }
        header.ipProtocol = next
        if !isLaterFragment { self.decodeTransport(&reader, into: &header) }
        return header
    }

    private static func decodeTransport(_ reader: inout ByteReader, into header: inout DecodedPacketHeader) {
        var transport = reader
        switch header.ipProtocol {
        case 6:
            guard transport.remaining >= 14,
                let source = try? transport.readUInt16(), let destination = try? transport.readUInt16(),
                (try? transport.skip(9)) != nil, let flags = try? transport.readUInt8()
            else { return }
            header.sourcePort = source
            header.destinationPort = destination
            header.tcpFlags = flags
        case 17, 132:
            guard let source = try? transport.readUInt16(), let destination = try? transport.readUInt16() else {
                return
            }
            header.sourcePort = source
            header.destinationPort = destination
        case 1, 58:
            guard let type = try? transport.readUInt8(), let code = try? transport.readUInt8() else { return }
            header.destinationPort = UInt16(type) << 8 | UInt16(code)
        default:
            return
        }
    }
}
