import FlowCollector
import NetmonCore
import NetmonTesting
import Testing

/// `flows.forward`: netmond copies every datagram, unchanged, to another collector. nfcapd is that
/// collector, so what it stores from the copies must equal what netmond decoded from the originals.
@Suite("Flow forwarding to nfcapd", .serialized)
struct FlowForwardingLabTests {
    @Test("IPFIX and NetFlow v9 forwarded to nfcapd: nfdump's totals equal netmond's", arguments: [9, 10])
    func forwardedCopiesEqualOriginals(version: Int) async throws {
        let nfcapd = try await FlowLab.Nfcapd()
        let configuration = FlowConfiguration(forward: [.init(address: "127.0.0.1", port: nfcapd.port)])
        let received = FlowLab.Totals(
            try await FlowLab.collect(configuration) { port in try FlowLab.replay(version: version, to: port) }
        )
        let forwarded = try await nfcapd.finish()
        #expect(received.flows > 0)
        #expect(forwarded == received, "nfdump of the copies: \(forwarded)\nnetmond: \(received)")
    }

    @Test("A target that takes only sFlow gets no NetFlow; an unreachable one does not disturb collection")
    func protocolFilterAndUnreachableTarget() async throws {
        let nfcapd = try await FlowLab.Nfcapd()
        let closedPort = HTTPProbe.freePort()
        let configuration = FlowConfiguration(forward: [
            .init(address: "127.0.0.1", port: nfcapd.port, protocols: [.sflow]),
            .init(address: "127.0.0.1", port: closedPort),
        ])
        let received = FlowLab.Totals(
            try await FlowLab.collect(configuration) { port in try FlowLab.replay(version: 9, to: port) }
        )
        let direct = FlowLab.Totals(try await FlowLab.collect { port in try FlowLab.replay(version: 9, to: port) })
        #expect(received.flows > 0)
        #expect(received == direct, "with an unreachable forward target: \(received)\nwithout: \(direct)")
        #expect(try await nfcapd.finish().flows == 0)
    }
}
