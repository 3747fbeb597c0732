import FlowCollector
import Foundation
import NetmonCore
import NetmonTesting
import Testing

/// The committed captures of real exporters replayed byte for byte into the UDP listener: sampled
/// streams scale exactly, and a hostile exporter's corpus mixed into a valid stream costs nothing.
@Suite("Captured exports replayed into the listener", .serialized)
struct ListenerReplayTests {
    /// Sums of tshark's rows of a capture, scaled by each row's sampling rate (`fixedRate` when the
    /// rows have no rate column).
    static func oracleTotals(
        _ capture: String,
        fixedRate: UInt64?
    ) throws -> (flows: Int, packets: UInt64, bytes: UInt64) {
        let rows = try Fixtures.expectedRows(capture)
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
        for row in rows {
            let rate = fixedRate ?? UInt64(row["rate"] ?? "") ?? 0
            packets += (UInt64(row["packets"] ?? "") ?? 0) * rate
            bytes += (UInt64(row["bytes"] ?? "") ?? 0) * rate
        }
        return (rows.count, packets, bytes)
    }

    @Test(
        "Sampled streams: scaled totals equal tshark's records × the announced rate",
        arguments: [("pmacct-v9-sampled", 4), ("softflowd-ipfix-sampled", 4), ("pmacct-sflow", 0)]
    )
    func sampledTotals(capture: String, rate: Int) async throws {
        let payloads = try Fixtures.datagrams(capture).map(\.payload)
        var configuration = FlowConfiguration()
        let sflow = capture.hasSuffix("sflow")
        configuration.listeners = [.init(protocol: sflow ? .sflow : .netflow, address: "127.0.0.1", port: 0)]
        let expected = try Self.oracleTotals(capture, fixedRate: rate == 0 ? nil : UInt64(rate))
        let records = try await FlowLab.collect(
            configuration,
            until: { $0.count >= expected.flows },
            feed: { port in try await UDPSender().send(payloads, to: port) }
        )
        let received = FlowLab.Totals(records)
        #expect(received.flows == expected.flows, "\(capture)")
        #expect(received.packets == expected.packets, "\(capture)")
        #expect(received.bytes == expected.bytes, "\(capture)")
        #expect(records.allSatisfy { $0.samplingRate > 1 }, "\(capture)")
    }

    /// Every kind of broken datagram, made from the real captures and from hand-built templates.
    static func hostileCorpus() throws -> [[UInt8]] {
        var corpus: [[UInt8]] = []
        var generator = SplitMix64(seed: 0xBAD_F10E)
        for capture in Fixtures.cflowCaptures + Fixtures.sflowCaptures {
            for datagram in try Fixtures.datagrams(capture) {
                let payload = datagram.payload
                // Truncations at every offset (every fourth one in datagrams over 400 bytes, to stay quick).
                for length in stride(from: 0, to: payload.count, by: payload.count > 400 ? 4 : 1) {
                    corpus.append(Array(payload[0..<length]))
                }
                for _ in 0..<50 {
                    var flipped = payload
                    for _ in 0..<(1 + Int(generator.next() % 4)) {
                        let bit = Int(generator.next() % UInt64(flipped.count * 8))
                        flipped[bit / 8] ^= 1 << UInt8(bit % 8)
                    }
                    corpus.append(flipped)
                }
                var lying = payload
                lying[2] = 0xFF
                lying[3] = 0xFF
                corpus.append(lying)
            }
        }
        for version: UInt16 in [0, 1, 7, 8, 11, 0xFFFF] {
            corpus.append(TestPackets.u16(version) + [UInt8](repeating: 0xA5, count: 60))
        }
        corpus.append([])
        // Templates of 0, 129 and 10,000 fields, and one with a zero-length field, for v9 and IPFIX.
        for fieldCount in [0, 129, 10_000] {
            let fields = [UInt8](repeating: 0, count: min(fieldCount, 300) * 4)
            let body = TestPackets.u16(256) + TestPackets.u16(UInt16(fieldCount)) + fields
            corpus.append(TestPackets.v9(sets: [TestPackets.set(id: 0, body: body)]))
            corpus.append(TestPackets.ipfix(sets: [TestPackets.set(id: 2, body: body)]))
        }
        corpus.append(
            TestPackets.v9(sets: [
                TestPackets.set(id: 0, body: TestPackets.u16(300) + TestPackets.u16(1) + [0, 8, 0, 0])
            ])
        )
        // IPFIX: a template, data for it, the template withdrawn, data again (now unknown).
        let template = TestPackets.template(id: 400, fields: [(8, 4), (12, 4), (2, 8), (1, 8)])
        let data = TestPackets.set(id: 400, body: [UInt8](repeating: 1, count: 24 * 3))
        corpus.append(TestPackets.ipfix(sets: [TestPackets.set(id: 2, body: template)]))
        corpus.append(TestPackets.ipfix(sets: [data]))
        corpus.append(
            TestPackets.ipfix(sets: [TestPackets.set(id: 2, body: TestPackets.u16(400) + TestPackets.u16(0))])
        )
        corpus.append(TestPackets.ipfix(sets: [data]))
        return corpus
    }

    @Test("A hostile exporter's corpus mixed with a valid stream: every valid record stored, memory bounded")
    func hostileExporterAmongValidOnes() async throws {
        let corpus = try Self.hostileCorpus()
        let valid = try Fixtures.datagrams("pmacct-ipfix").map(\.payload)
        let residentBefore = Self.residentBytes()
        let expected = try Self.oracleTotals("pmacct-ipfix", fixedRate: 1)
        let valid127 = IPAddress.v4(0x7F00_0001)
        // Once more if a valid datagram went missing: on a loaded machine the kernel can drop a
        // datagram (loss has its own benchmark); a decoding fault loses the same records every time.
        var records: [FlowRecord] = []
        for _ in 0..<2 {
            records = try await FlowLab.collect(
                until: { records in records.count { $0.exporter == valid127 } >= expected.flows },
                feed: { port in
                    let hostile = try UDPSender(source: "127.0.0.2")
                    let good = try UDPSender(source: "127.0.0.1")
                    // The valid stream is spread through the corpus, template first as the exporter sent it.
                    let stride = corpus.count / valid.count
                    for (index, payload) in valid.enumerated() {
                        try await hostile.send(Array(corpus[(index * stride)..<((index + 1) * stride)]), to: port)
                        try await good.send([payload], to: port)
                    }
                    try await hostile.send(Array(corpus[(valid.count * stride)...]), to: port)
                }
            )
            if records.count(where: { $0.exporter == valid127 }) == expected.flows { break }
        }
        let fromValid = records.filter { $0.exporter == valid127 }
        #expect(corpus.count > 5_000)
        #expect(fromValid.count == expected.flows)
        #expect(fromValid.reduce(0) { $0 + $1.packets } == expected.packets)
        #expect(fromValid.reduce(0) { $0 + $1.bytes } == expected.bytes)
        let growth = Self.residentBytes() - residentBefore
        #expect(growth < 64 << 20, "resident memory grew by \(growth >> 20) MiB")
    }

    /// This process's resident set size (VmRSS), in bytes.
    static func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
