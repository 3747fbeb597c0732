import FlowCollector
import NetmonCore
import NetmonTesting
import Testing

/// `--as flows`: the NetFlow/IPFIX/sFlow datagrams captured in a file give the records the UDP
/// collector's decoders give for the same datagrams (the committed captures of softflowd and pmacct
/// exports, whose records are checked against tshark in OracleTests).
@Suite("pcap import of captured exports")
struct PcapImportExportsTests {
    @Test(
        "Captured exports decode to the collector's records",
        arguments: Fixtures.cflowCaptures + Fixtures.sflowCaptures
    )
    func sameAsCollector(capture: String) throws {
        let path = RepositoryPaths.file("Tests/Fixtures/flows/\(capture).pcap")
        var records: [FlowRecord] = []
        var importer = PcapImporter(mode: .flows)
        let datagrams = try Fixtures.datagrams(capture)
        // The captures were taken on whatever port the exporter used: treat each as a collector port.
        importer.collectorPorts = Dictionary(
            datagrams.map {
                ($0.destinationPort, capture.contains("sflow") ? FlowConfiguration.ListenerProtocol.sflow : .netflow)
            }
        ) { first, _ in first }
        importer.sink = { batch in
            records += batch
            return true
        }
        let summary = try importer.run(path: path)
        let expected = try FixtureDecoding.decode(capture).records.map(\.record)
        #expect(!expected.isEmpty)
        #expect(records == expected)
        #expect(summary.flows == UInt64(expected.count))
        #expect(summary.drops.undecodableDatagrams == 0)
        #expect(summary.packets == expected.reduce(0) { $0 + $1.packets })
    }
}
