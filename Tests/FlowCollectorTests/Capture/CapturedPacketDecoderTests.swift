import FlowCollector
import NetmonCore
import Testing

@Suite("Captured packet decoding")
struct CapturedPacketDecoderTests {
    private func decode(
        _ bytes: [UInt8],
        _ linkType: CaptureLinkType = .ethernet
    ) -> (PacketDecodeStatus, CapturedPacket) {
        var packet = CapturedPacket()
        let status = bytes.withUnsafeBytes { CapturedPacketDecoder.decode($0, linkType: linkType, into: &packet) }
        return (status, packet)
    }

    @Test("Ethernet IPv4 TCP: addresses, ports, flags, IP length, TOS")
    func ipv4TCP() {
        let frame =
            PacketBuilder.ethernet(etherType: 0x0800)
            + PacketBuilder.ipv4(
                source: 0x0A00_0001,
                destination: 0xC0A8_0102,
                protocol: 6,
                payload: PacketBuilder.tcp(source: 40000, destination: 443, flags: 0x12) + [1, 2, 3],
                tos: 0x28
            )
        let (status, packet) = self.decode(frame)
        #expect(status == .decoded)
        #expect(packet.key.sourceAddress == .v4(0x0A00_0001))
        #expect(packet.key.destinationAddress.description == "192.168.1.2")
        #expect(packet.key.sourcePort == 40000 && packet.key.destinationPort == 443)
        #expect(packet.key.ipProtocol == 6 && packet.tcpFlags == 0x12 && packet.tos == 0x28)
        #expect(packet.ipLength == 43)
        #expect(packet.key.vlan == FlowKey.untagged)
    }

    @Test("802.1Q and QinQ: the innermost VLAN id; a third tag is malformed")
    func vlans() {
        let ip = PacketBuilder.ipv4(
            source: 1,
            destination: 2,
            protocol: 17,
            payload: PacketBuilder.udp(source: 53, destination: 5353)
        )
        #expect(self.decode(PacketBuilder.ethernet(etherType: 0x0800, vlans: [42]) + ip).1.key.vlan == 42)
        let qinq = self.decode(PacketBuilder.ethernet(etherType: 0x0800, vlans: [100, 200]) + ip)
        #expect(qinq.0 == .decoded && qinq.1.key.vlan == 200 && qinq.1.key.destinationPort == 5353)
        #expect(self.decode(PacketBuilder.ethernet(etherType: 0x0800, vlans: [1, 2, 3]) + ip).0 == .malformed)
    }

    @Test("IPv6 with hop-by-hop and destination options, then UDP; ICMPv6 type and code")
    func ipv6Extensions() {
        let udp = PacketBuilder.udp(source: 1234, destination: 53, payload: [9, 9])
        let frame =
            PacketBuilder.ethernet(etherType: 0x86DD)
            + PacketBuilder.ipv6(
                source: PacketBuilder.v6a,
                destination: PacketBuilder.v6b,
                protocol: 17,
                payload: udp,
                extensions: [(0, [0, 1, 4, 0, 0, 0, 0]), (60, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])]
            )
        let (status, packet) = self.decode(frame)
        #expect(status == .decoded)
        #expect(packet.key.ipVersion == 6 && packet.key.ipProtocol == 17)
        #expect(packet.key.sourceAddress.description == "2001:db8::1")
        #expect(packet.key.sourcePort == 1234 && packet.key.destinationPort == 53)
        #expect(packet.ipLength == UInt32(40 + 8 + 16 + udp.count))
        #expect(packet.payloadEnd - packet.payloadStart == 2)
        let icmp = self.decode(
            PacketBuilder.ethernet(etherType: 0x86DD)
                + PacketBuilder.ipv6(
                    source: PacketBuilder.v6a,
                    destination: PacketBuilder.v6b,
                    protocol: 58,
                    payload: [128, 0, 0, 0]
                )
        )
        #expect(icmp.1.key.ipProtocol == 58 && icmp.1.key.destinationPort == 128 << 8)
    }

    @Test("Fragments: the first carries ports, later ones do not and are flagged")
    func fragments() {
        let first = self.decode(
            PacketBuilder.ethernet(etherType: 0x0800)
                + PacketBuilder.ipv4(
                    source: 1,
                    destination: 2,
                    protocol: 17,
                    payload: PacketBuilder.udp(source: 7, destination: 8, payload: [1, 2, 3, 4]),
                    moreFragments: true
                )
        )
        #expect(first.0 == .decoded && first.1.key.sourcePort == 7 && !first.1.isLaterFragment)
        let later = self.decode(
            PacketBuilder.ethernet(etherType: 0x0800)
                + PacketBuilder.ipv4(
                    source: 1,
                    destination: 2,
                    protocol: 17,
                    payload: [0, 7, 0, 8],
                    fragmentOffset: 185
                )
        )
        #expect(later.0 == .decoded && later.1.isLaterFragment && later.1.key.sourcePort == 0)
        let v6Later = self.decode(
            PacketBuilder.ethernet(etherType: 0x86DD)
                + PacketBuilder.ipv6(
                    source: PacketBuilder.v6a,
                    destination: PacketBuilder.v6b,
                    protocol: 6,
                    payload: [0, 80, 0, 81],
                    extensions: [(44, [0, 0x05, 0xA8, 0, 0, 0, 1])]
                )
        )
        #expect(v6Later.1.isLaterFragment && v6Later.1.key.ipProtocol == 6 && v6Later.1.key.sourcePort == 0)
    }

    @Test("Linux cooked SLL and SLL2, BSD loopback and raw IP framing")
    func linkTypes() {
        let ip = PacketBuilder.ipv4(source: 5, destination: 6, protocol: 1, payload: [8, 0, 0, 0])
        for (frame, linkType) in [
            (PacketBuilder.sll(etherType: 0x0800) + ip, CaptureLinkType.linuxSLL),
            (PacketBuilder.sll2(etherType: 0x0800) + ip, .linuxSLL2),
            ([2, 0, 0, 0] + ip, .null),
            (ip, .rawIP),
        ] {
            let (status, packet) = self.decode(frame, linkType)
            #expect(status == .decoded, "\(linkType)")
            #expect(packet.key.sourceAddress == .v4(5) && packet.key.destinationPort == 8 << 8, "\(linkType)")
        }
        #expect(CaptureLinkType(linkType: 113) == .linuxSLL && CaptureLinkType(linkType: 276) == .linuxSLL2)
        #expect(CaptureLinkType(linkType: 105) == nil)
    }

    @Test("Truncated, malformed and non-IP frames are told apart and never trap")
    func badFrames() {
        let good =
            PacketBuilder.ethernet(etherType: 0x0800)
            + PacketBuilder.ipv4(
                source: 1,
                destination: 2,
                protocol: 6,
                payload: PacketBuilder.tcp(source: 1, destination: 2, flags: 2)
            )
        // Every prefix: a cut network header is truncated, a cut transport header keeps the flow.
        for length in 0..<good.count {
            let (status, packet) = self.decode(Array(good.prefix(length)))
            if length < 34 {
                #expect(status == .truncated, "prefix \(length)")
            } else {
                #expect(status == .decoded, "prefix \(length)")
                #expect(packet.isTransportTruncated == (length < 48), "prefix \(length)")
            }
        }
        var badIHL = good
        badIHL[14] = 0x44
        #expect(self.decode(badIHL).0 == .malformed)
        var shortTotal = good
        shortTotal[16] = 0
        shortTotal[17] = 10
        #expect(self.decode(shortTotal).0 == .malformed)
        var wrongVersion = good
        wrongVersion[14] = 0x65
        #expect(self.decode(wrongVersion).0 == .malformed)
        #expect(self.decode(PacketBuilder.ethernet(etherType: 0x0806) + [UInt8](repeating: 0, count: 28)).0 == .notIP)
        // Absurd IPv6 extension chains: 9 hop-by-hop headers.
        let chain = (0..<9).map { _ in (type: UInt8(0), body: [UInt8](repeating: 0, count: 7)) }
        let longChain = self.decode(
            PacketBuilder.ethernet(etherType: 0x86DD)
                + PacketBuilder.ipv6(
                    source: PacketBuilder.v6a,
                    destination: PacketBuilder.v6b,
                    protocol: 17,
                    payload: [],
                    extensions: chain
                )
        )
        #expect(longChain.0 == .malformed)
        // An extension header claiming 2 KB in a short packet.
        let huge = self.decode(
            PacketBuilder.ethernet(etherType: 0x86DD)
                + PacketBuilder.ipv6(
                    source: PacketBuilder.v6a,
                    destination: PacketBuilder.v6b,
                    protocol: 17,
                    payload: [],
                    extensions: [(0, [255, 0, 0, 0, 0, 0, 0])]
                )
        )
        #expect(huge.0 == .decoded && huge.1.isTransportTruncated)
    }

    @Test("Random bytes never trap, whatever the framing")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20_000 {
            let length = Int.random(in: 0..<96, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Steer some rounds into the IP decoders.
            if length > 14 && round % 2 == 0 {
                bytes[12] = round % 4 == 0 ? 0x08 : 0x86
                bytes[13] = round % 4 == 0 ? 0x00 : 0xDD
                bytes[14] = round % 4 == 0 ? 0x45 : 0x60
            }
            for linkType in [CaptureLinkType.ethernet, .linuxSLL, .linuxSLL2, .null, .rawIP] {
                _ = self.decode(bytes, linkType)
            }
        }
    }
}
