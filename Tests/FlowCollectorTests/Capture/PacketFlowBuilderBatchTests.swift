import FlowCollector
import NetmonCore
import Testing

/// ``PacketFlowBuilder/add(batch:)`` must give exactly what one ``PacketFlowBuilder/add(_:microseconds:)``
/// per packet gives: the same records in the same order, the same counters.
@Suite("Packet flow builder: batches equal one packet at a time")
struct PacketFlowBuilderBatchTests {
    /// 20,000 frames of 400 flows over 200 s (TCP with SYN/FIN/RST, UDP, ICMP, VLANs, IPv6, junk),
    /// in a fixed pseudo-random order, with their capture times.
    private func traffic() -> [(frame: [UInt8], microseconds: Int64)] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var frames: [(frame: [UInt8], microseconds: Int64)] = []
        var time: Int64 = 1_767_225_600_000_000
        for _ in 0..<20_000 {
            let flow = Int(next() % 400)
            time += Int64(next() % 20_000)
            let source = UInt32(0x0A00_0000 + flow)
            let frame: [UInt8]
            switch flow % 5 {
            case 0, 1:
                let flags: UInt8 = next() % 50 == 0 ? 0x01 : (next() % 80 == 0 ? 0x04 : 0x18)
                frame =
                    PacketBuilder.ethernet(etherType: 0x0800, vlans: flow % 10 == 0 ? [UInt16(flow)] : [])
                    + PacketBuilder.ipv4(
                        source: source,
                        destination: 0xC633_6401,
                        protocol: 6,
                        payload: PacketBuilder.tcp(source: UInt16(1024 + flow), destination: 443, flags: flags)
                    )
            case 2:
                frame =
                    PacketBuilder.ethernet(etherType: 0x0800)
                    + PacketBuilder.ipv4(
                        source: source,
                        destination: 0x0808_0808,
                        protocol: 17,
                        payload: PacketBuilder.udp(source: UInt16(2000 + flow), destination: 53)
                    )
            case 3:
                frame =
                    PacketBuilder.ethernet(etherType: 0x86DD)
                    + PacketBuilder.ipv6(
                        source: PacketBuilder.v6a,
                        destination: PacketBuilder.v6b,
                        protocol: 17,
                        payload: PacketBuilder.udp(source: UInt16(3000 + flow), destination: 443)
                    )
            default:
                frame = next() % 3 == 0 ? PacketBuilder.ethernet(etherType: 0x0806) + [0, 1, 2] : [0x01, 0x02]
            }
            frames.append((frame, time))
        }
        return frames
    }

    @Test("Same records, same order, same counters")
    func sameResults() {
        let traffic = self.traffic()
        let single = PacketFlowBuilder(table: FlowTable(configuration: .init(maximumFlows: 300)), linkType: .ethernet)
        let batched = PacketFlowBuilder(table: FlowTable(configuration: .init(maximumFlows: 300)), linkType: .ethernet)
        var one: [FlowRecord] = []
        var many: [FlowRecord] = []
        for (frame, microseconds) in traffic {
            frame.withUnsafeBytes { _ = single.add($0, microseconds: microseconds) }
            one += single.table.takeExpired()
        }
        // Batches of uneven sizes (1 to 40 packets), so batch edges fall everywhere.
        var start = 0
        var size = 1
        while start < traffic.count {
            let end = min(traffic.count, start + size)
            let slice = traffic[start..<end]
            let joined = slice.flatMap(\.frame)
            joined.withUnsafeBytes { raw in
                var offset = 0
                var references: [PacketReference] = []
                for (frame, microseconds) in slice {
                    references.append(
                        PacketReference(
                            bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + frame.count)]),
                            microseconds: microseconds
                        )
                    )
                    offset += frame.count
                }
                references.withUnsafeBufferPointer { batched.add(batch: $0) }
            }
            many += batched.table.takeExpired()
            start = end
            size = size % 40 + 1
        }
        single.table.drain()
        batched.table.drain()
        one += single.table.takeExpired()
        many += batched.table.takeExpired()
        #expect(one.count > 1000)
        #expect(one == many)
        #expect(single.counters == batched.counters)
        #expect(single.table.statistics == batched.table.statistics)
        #expect(single.table.statistics.evicted > 0 && single.counters.notIP > 0 && single.counters.truncated > 0)
    }
}
