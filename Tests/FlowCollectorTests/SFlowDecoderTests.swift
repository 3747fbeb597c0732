import FlowCollector
import NetmonCore
import NetmonTesting
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

    @Test("Expanded flow samples with sampled IPv6 and switch records; expanded counter samples")
    func expandedSamples() throws {
        typealias P = TestPackets
        let v6Source: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [7]
        let v6Destination: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [8]
        let sampledIPv6 =
            P.u32(4) + P.u32(56) + P.u32(1280) + P.u32(17) + v6Source + v6Destination
            + P.u32(5353) + P.u32(53) + P.u32(0) + P.u32(0)
        let extendedSwitch = P.u32(1001) + P.u32(16) + P.u32(300) + P.u32(0) + P.u32(301) + P.u32(0)
        let flowBody =
            P.u32(9) + P.u32(0) + P.u32(17) + P.u32(2048) + P.u32(100_000) + P.u32(0)
            + P.u32(0) + P.u32(17) + P.u32(0) + P.u32(18) + P.u32(2) + sampledIPv6 + extendedSwitch
        let counters =
            P.u32(17) + P.u32(6) + P.u32(2) + P.u32(0x540B_E400) + P.u32(1) + P.u32(3)
            + P.u32(0) + P.u32(123_456) + [UInt8](repeating: 0, count: 24) + P.u32(0) + P.u32(654_321)
            + [UInt8](repeating: 0, count: 24)
        let counterBody =
            P.u32(3) + P.u32(0) + P.u32(17) + P.u32(1) + P.u32(1) + P.u32(UInt32(counters.count)) + counters
        let datagram =
            P.u32(5) + P.u32(2) + v6Source + P.u32(3) + P.u32(99) + P.u32(123_456) + P.u32(3)
            + P.u32(3) + P.u32(UInt32(flowBody.count)) + flowBody
            + P.u32(4) + P.u32(UInt32(counterBody.count)) + counterBody
            + P.u32(0x0000_2001) + P.u32(4) + P.u32(0)  // enterprise sample: skipped
        let decoded = try SFlowDecoder.decode(datagram, receivedAt: 42)
        #expect(decoded.sequenceNumber == 99)
        #expect(decoded.observationDomain == 3)
        #expect(decoded.stats.skippedUnknown == 1)
        let record = try #require(decoded.records.first)
        #expect(record.exporter.description == "2001:db8::7")
        #expect(record.sourceAddress.description == "2001:db8::7")
        #expect(record.destinationAddress.description == "2001:db8::8")
        #expect(record.ipVersion == 6)
        #expect(record.destinationPort == 53)
        #expect(record.bytes == 1280)
        #expect(record.samplingRate == 2048)
        #expect(record.scaledBytes == 1280 * 2048)
        #expect(record.inputInterface == 17)
        #expect(record.outputInterface == 18)
        #expect(record.vlan == 300)
        #expect(record.firstSwitched == 42)
        let counter = try #require(decoded.interfaceCounters.first)
        #expect(counter.ifIndex == 17)
        #expect(counter.ifSpeed == 10_000_000_000)
        #expect(counter.ifStatus == 3)
        #expect(counter.inOctets == 123_456)
        #expect(counter.outOctets == 654_321)
        #expect(counter.sourceID == 17)
        // A record count that the sample cannot hold is rejected.
        var lying = datagram
        lying[40 + 8 + 40 + 3] = 0xFF  // the flow sample's record count
        #expect(throws: FlowDecodingError.self) { try SFlowDecoder.decode(lying, receivedAt: 0) }
    }
}
