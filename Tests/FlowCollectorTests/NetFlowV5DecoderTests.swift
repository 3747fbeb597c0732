import FlowCollector
import NetmonCore
import NetmonTesting
import Testing

@Suite("NetFlow v5 header facts")
struct NetFlowV5DecoderTests {
    @Test("Header, sampling interval and sequence")
    func header() throws {
        var payload = try Fixtures.datagrams("softflowd-v5")[0].payload
        let plain = try NetFlowV5Decoder.decode(payload, exporter: .v4(0x7F00_0001))
        #expect(plain.version == 5)
        #expect(plain.declaredCount == UInt32(plain.records.count))
        #expect(plain.records.allSatisfy { $0.samplingRate == 1 && $0.samplingSource == .none })
        #expect(plain.records.allSatisfy { $0.exporter == .v4(0x7F00_0001) && $0.origin == .netflow5 })
        payload[22] = 0x40  // mode 1 (deterministic), interval 0x0064 = 100
        payload[23] = 0x64
        let sampled = try NetFlowV5Decoder.decode(payload, exporter: .v4(0x7F00_0001))
        #expect(sampled.records.allSatisfy { $0.samplingRate == 100 && $0.samplingSource == .netflow5Header })
        #expect(sampled.records.first.map { $0.scaledPackets == $0.packets * 100 } == true)
    }

    @Test("Uptime wrap keeps first-switched before the export")
    func uptimeWrap() {
        // Uptime 1,000 ms just after a wrap; the flow began 1,000 ms before the wrap.
        #expect(UptimeClock.epochMilliseconds(of: 0xFFFF_FC18, uptime: 1_000, exportTime: 10_000) == 8_000)
        #expect(UptimeClock.epochMilliseconds(of: 500, uptime: 1_000, exportTime: 10_000) == 9_500)
        // A last-switched slightly after the header's uptime is a little in the future, not 49 days ago.
        #expect(UptimeClock.epochMilliseconds(of: 1_010, uptime: 1_000, exportTime: 10_000) == 10_010)
    }
}
