import FlowCollector
import NetmonCore
import Testing

/// The UDP listener end to end: softflowd exports the committed fixture pcap to netmond and, in a
/// second identical run, to nfcapd; netmond's totals and top-10 sources must equal nfdump's exactly.
@Suite("Flow listener against softflowd, with nfdump as the oracle", .serialized)
struct FlowListenerLabTests {
    @Test("NetFlow v5, v9 and IPFIX from softflowd: totals and top-10 sources equal nfdump's", arguments: [5, 9, 10])
    func equalsNfdump(version: Int) async throws {
        let received = FlowLab.Totals(
            try await FlowLab.collect { port in try FlowLab.replay(version: version, to: port) }
        )
        let nfcapd = try await FlowLab.Nfcapd()
        try FlowLab.replay(version: version, to: nfcapd.port)
        let expected = try await nfcapd.finish()
        #expect(received.flows > 0)
        #expect(received == expected, "netmond: \(received)\nnfdump:  \(expected)")
    }
}
