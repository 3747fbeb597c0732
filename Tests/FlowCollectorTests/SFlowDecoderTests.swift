import FlowCollector
import NetmonCore
import Testing

@Suite("sFlow v5 and packet headers")
struct SFlowDecoderTests {
    @Test("Datagram facts of pmacct's sFlow")
    func facts() throws {
        let datagrams = try Fixtures.datagrams("pmacct-sflow")
        var previous: UInt32?
        for datagram in datagrams {
            let decoded = try SFlowDecoder.decode(datagram.payload, receivedAt: datagram.timestamp)
            #expect(decoded.version == 5)
            #expect(decoded.records.allSatisfy { $0.exporter.description == "127.0.0.1" })
            #expect(decoded.records.allSatisfy { $0.firstSwitched == datagram.timestamp })
            if let previous { #expect(decoded.sequenceNumber == previous + 1) }
            previous = decoded.sequenceNumber
        }
    }

    @Test("Ethernet, 802.1Q, IPv6 extension headers and ICMPv6")
    func packetHeaders() throws {
        var frame: [UInt8] = [UInt8](repeating: 2, count: 12) + [0x81, 0x00, 0x20, 0x2A, 0x86, 0xDD]
        frame += [0x6B, 0x80, 0, 0, 0, 16, 44, 64]  // tc 0xB8, payload 16, next: fragment
        frame += [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
        frame += [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2]
        frame += [58, 0, 0, 0, 0, 0, 0, 1]  // fragment header, offset 0, next ICMPv6
        frame += [128, 0, 0, 0, 0, 1, 0, 1]  // echo request
        let header = try #require(try PacketHeaderDecoder.decodeEthernet(frame))
        #expect(header.vlan == 42)
        #expect(header.ipVersion == 6)
        #expect(header.tos == 0xB8)
        #expect(header.ipProtocol == 58)
        #expect(header.destinationPort == 128 << 8)
        #expect(header.sourceAddress.description == "2001:db8::1")
        #expect(header.ipLength == 56)

        var tcp: [UInt8] = [UInt8](repeating: 0, count: 12) + [0x08, 0x00]
        tcp += [0x46, 0x20, 0, 44, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 1, 1, 0, 0]  // IHL 6
        tcp += [0x30, 0x39, 0x01, 0xBB] + [UInt8](repeating: 0, count: 9) + [0x12]
        let v4 = try #require(try PacketHeaderDecoder.decodeEthernet(tcp))
        #expect(v4.sourcePort == 12345)
        #expect(v4.destinationPort == 443)
        #expect(v4.tcpFlags == 0x12)
        #expect(v4.tos == 0x20)
        #expect(v4.vlan == nil)
        // A transport header cut by the snap length leaves ports at zero; a cut IP header throws.
        #expect(try PacketHeaderDecoder.decodeEthernet(Array(tcp.prefix(40)))?.sourcePort == 0)
        #expect(throws: FlowDecodingError.self) { try PacketHeaderDecoder.decodeEthernet(Array(tcp.prefix(30))) }
        #expect(try PacketHeaderDecoder.decodeEthernet([UInt8](repeating: 0, count: 12) + [0x08, 0x06, 0, 0]) == nil)
    }
}
