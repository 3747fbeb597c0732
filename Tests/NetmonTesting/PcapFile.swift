import NetmonCore

/// A tiny pure reader of classic pcap files, enough to pull the UDP payloads out of the committed
/// export captures (tests and benchmarks) (Ethernet or raw IP link types, IPv4 or IPv6).
public struct PcapFile {
    /// One captured UDP datagram.
    public struct Datagram: Sendable {
        /// 1-based packet number in the capture, as tshark counts.
        public var frame: Int
        /// Capture time, epoch milliseconds.
        public var timestamp: Int64
        /// The IP source address.
        public var source: IPAddress
        /// The UDP destination port.
        public var destinationPort: UInt16
        /// The UDP payload.
        public var payload: [UInt8]
    }

    public enum ReadError: Error {
        case notPcap
        case truncated
    }

    /// Every packet's link-layer bytes with its capture time.
    public private(set) var packets: [(timestamp: Int64, data: [UInt8])] = []
    /// The pcap link type (1 Ethernet, 101 raw IP).
    public let linkType: UInt32

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 24 else { throw ReadError.notPcap }
        let magic = Self.u32(bytes, 0, bigEndian: false)
        let bigEndian: Bool
        let nanoseconds: Bool
        switch magic {
        case 0xA1B2_C3D4: (bigEndian, nanoseconds) = (false, false)
        case 0xD4C3_B2A1: (bigEndian, nanoseconds) = (true, false)
        case 0xA1B2_3C4D: (bigEndian, nanoseconds) = (false, true)
        case 0x4D3C_B2A1: (bigEndian, nanoseconds) = (true, true)
        default: throw ReadError.notPcap
        }
        self.linkType = Self.u32(bytes, 20, bigEndian: bigEndian)
        var offset = 24
        while offset + 16 <= bytes.count {
            let seconds = Int64(Self.u32(bytes, offset, bigEndian: bigEndian))
            let fraction = Int64(Self.u32(bytes, offset + 4, bigEndian: bigEndian))
            let length = Int(Self.u32(bytes, offset + 8, bigEndian: bigEndian))
            offset += 16
            guard offset + length <= bytes.count else { throw ReadError.truncated }
            let millis = seconds * 1000 + (nanoseconds ? fraction / 1_000_000 : fraction / 1000)
            self.packets.append((millis, Array(bytes[offset..<(offset + length)])))
            offset += length
        }
    }

    /// The UDP datagrams of the capture, in order.
    public func udpDatagrams() -> [Datagram] {
        var result: [Datagram] = []
        for (index, packet) in self.packets.enumerated() {
            var offset = 0
            let data = packet.data
            if self.linkType == 1 {
                guard data.count >= 14 else { continue }
                offset = 14
                var etherType = Self.u16(data, 12)
                while etherType == 0x8100, data.count >= offset + 4 {
                    etherType = Self.u16(data, offset + 2)
                    offset += 4
                }
                guard etherType == 0x0800 || etherType == 0x86DD else { continue }
            }
            guard data.count > offset else { continue }
            let source: IPAddress
            let proto: UInt8
            var udp: Int
            if data[offset] >> 4 == 4 {
                guard data.count >= offset + 20 else { continue }
                source = IPAddress(bytes: data[(offset + 12)..<(offset + 16)])!
                proto = data[offset + 9]
                udp = offset + Int(data[offset] & 0x0F) * 4
            } else {
                guard data.count >= offset + 40 else { continue }
                source = IPAddress(bytes: data[(offset + 8)..<(offset + 24)])!
                proto = data[offset + 6]
                udp = offset + 40
            }
            guard proto == 17, data.count >= udp + 8 else { continue }
            let udpLength = Int(Self.u16(data, udp + 4))
            let end = min(data.count, udp + max(8, udpLength))
            let port = Self.u16(data, udp + 2)
            udp += 8
            result.append(
                Datagram(
                    frame: index + 1,
                    timestamp: packet.timestamp,
                    source: source,
                    destinationPort: port,
                    payload: Array(data[udp..<end])
                )
            )
        }
        return result
    }

    private static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private static func u32(_ bytes: [UInt8], _ offset: Int, bigEndian: Bool) -> UInt32 {
        let b = (0..<4).map { UInt32(bytes[offset + $0]) }
        return bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
    }
}
