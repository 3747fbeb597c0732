import FlowCollector
import Foundation
import NetmonCore
import NetmonTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--as flows`: the NetFlow/IPFIX/sFlow datagrams captured in a file give the records the UDP
/// collector's decoders give for the same datagrams (the committed captures of softflowd and pmacct
/// exports, whose records are checked against tshark in OracleTests).
@Suite("pcap import of captured exports", .serialized)
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

    @Test("softflowd exporting to the UDP collector, captured on lo by tcpdump, imported: the same records")
    func liveExportCapture() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pcap-export-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("export.pcap").path
        // tcpdump captures what softflowd sends to the listener; it is stopped once the listener has it all.
        let started = Mutex<(tcpdump: ChildProcess, port: Int)?>(nil)
        let received = try await FlowLab.collect { port in
            let tcpdump = try ChildProcess(
                executable: "/usr/bin/tcpdump",
                arguments: [
                    "-i", "lo", "-n", "-U", "--immediate-mode", "-s", "0", "-w", capture, "udp", "dst", "port",
                    "\(port)",
                ],
                directory: directory
            )
            started.withLock { $0 = (tcpdump, port) }
            let ready = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < ready && !tcpdump.stderr.contains("listening on") {
                try await Task.sleep(for: .milliseconds(50))
            }
            try FlowLab.replay(version: 9, to: port)
        }
        let (tcpdump, port) = try #require(started.withLock { $0 })
        tcpdump.send(SIGTERM)
        #expect(await tcpdump.waitForExit(timeout: .seconds(10)) != nil)
        var imported: [FlowRecord] = []
        var importer = PcapImporter(mode: .flows)
        importer.collectorPorts = [UInt16(port): .netflow]
        importer.sink = { batch in
            imported += batch
            return true
        }
        let summary = try importer.run(path: capture)
        #expect(received.count >= 300)
        #expect(summary.drops.undecodableDatagrams == 0 && summary.drops.notExport == 0)
        #expect(imported == received)
    }
}
