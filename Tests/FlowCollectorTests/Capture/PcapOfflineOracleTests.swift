import FlowCollector
import Foundation
import NetmonCore
import NetmonTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The same pcap file through netmond's offline flow building and through `softflowd -r` →
/// nfcapd → nfdump, with the same timeouts (15 s inactive, 60 s active): the same flows, each with
/// the same packets and bytes.
@Suite("Offline flows agree with softflowd → nfcapd → nfdump", .serialized)
struct PcapOfflineOracleTests {
    /// One flow as both sides see it. softflowd leaves ICMPv6 type/code out of the ports.
    struct Flow: Hashable, Comparable, CustomStringConvertible {
        var source: String
        var destination: String
        var sourcePort: Int
        var destinationPort: Int
        var ipProtocol: Int
        var packets: UInt64
        var bytes: UInt64

        static func < (lhs: Flow, rhs: Flow) -> Bool { lhs.description < rhs.description }

        var description: String {
            "\(self.ipProtocol) \(self.source):\(self.sourcePort) > \(self.destination):\(self.destinationPort) \(self.packets)p \(self.bytes)B"
        }
    }

    static let fixture = RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap")

    /// softflowd replays the file (its own clock = the pcap's) as NetFlow v9 into a private nfcapd.
    static func softflowdFlows(_ pcap: String) async throws -> [Flow] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pcap-oracle-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // nfcapd's files in their own directory: nfdump -R stops at a file that is not nfcapd's
        // (ChildProcess keeps the tools' output files in `directory`).
        let flows = directory.appendingPathComponent("flows")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        let port = HTTPProbe.freePort()
        let nfcapd = try ChildProcess(
            executable: "/usr/bin/nfcapd",
            arguments: ["-b", "127.0.0.1", "-p", "\(port)", "-w", flows.path, "-t", "60", "-B", "8388608"],
            directory: directory
        )
        let ready = ContinuousClock.now + .seconds(15)
        while !HTTPProbe.isUDPPortBound(port) && nfcapd.isRunning && ContinuousClock.now < ready {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(HTTPProbe.isUDPPortBound(port), "nfcapd did not start listening: \(nfcapd.stderr)")
        let timeouts = [
            "maxlife=60", "general=15", "tcp=15", "tcp.rst=15", "tcp.fin=15", "udp=15", "icmp=15", "expint=1",
        ].flatMap { ["-t", $0] }
        let softflowd = try await runCommand(
            "/usr/sbin/softflowd",
            ["-D", "-a", "-v", "9", "-m", "200000", "-r", pcap, "-n", "127.0.0.1:\(port)"]
                + ["-p", directory.appendingPathComponent("softflowd.pid").path] + timeouts,
            timeout: .seconds(60)
        )
        #expect(softflowd.status == 0, "softflowd: \(softflowd.stderr)")
        let drained = ContinuousClock.now + .seconds(15)
        while (HTTPProbe.udpReceiveQueue(port) ?? 0) > 0 && ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        nfcapd.send(SIGTERM)
        #expect(await nfcapd.waitForExit(timeout: .seconds(30)) != nil, "nfcapd did not stop: \(nfcapd.stderr)")
        let dump = try await runCommand("/usr/bin/nfdump", ["-R", flows.path, "-q", "-o", "csv", "-N"])
        #expect(
            dump.stdout.contains(","),
            "nfdump: \(dump.stderr)\nsoftflowd: \(softflowd.stdout) \(softflowd.stderr)\nnfcapd: \(nfcapd.stderr)"
        )
        return dump.stdout.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > 12, let packets = UInt64(fields[11]), let bytes = UInt64(fields[12]) else {
                return nil
            }
            let ipProtocol = ["TCP": 6, "UDP": 17, "ICMP": 1, "ICMP6": 58][fields[7]] ?? Int(fields[7]) ?? -1
            return Flow(
                source: fields[3],
                destination: fields[4],
                sourcePort: Int(fields[5]) ?? -1,
                destinationPort: Int(Double(fields[6]) ?? -1),
                ipProtocol: ipProtocol,
                packets: packets,
                bytes: bytes
            )
        }
    }

    static func netmondFlows(_ pcap: String, expireOnTCPFinish: Bool) throws -> (ImportSummary, [Flow]) {
        var records: [FlowRecord] = []
        var importer = PcapImporter(mode: .packets)
        importer.table = .init(
            activeTimeout: .seconds(60),
            inactiveTimeout: .seconds(15),
            expireOnTCPFinish: expireOnTCPFinish
        )
        importer.sink = { batch in
            records += batch
            return true
        }
        let summary = try importer.run(path: pcap)
        let flows = records.map { record in
            Flow(
                source: record.sourceAddress.description,
                destination: record.destinationAddress.description,
                sourcePort: Int(record.sourcePort),
                destinationPort: record.ipProtocol == 58 ? 0 : Int(record.destinationPort),
                ipProtocol: Int(record.ipProtocol),
                packets: record.packets,
                bytes: record.bytes
            )
        }
        return (summary, flows)
    }

    @Test(
        "mixed-300.pcap: the same flows, packets and bytes as softflowd (FIN/RST expiry on and off)",
        arguments: [true, false]
    )
    func sameFlowsAsSoftflowd(expireOnTCPFinish: Bool) async throws {
        let expected = try await Self.softflowdFlows(Self.fixture).sorted()
        let (summary, flows) = try Self.netmondFlows(Self.fixture, expireOnTCPFinish: expireOnTCPFinish)
        #expect(expected.count > 200)
        #expect(flows.count == expected.count)
        #expect(flows.reduce(0) { $0 + $1.packets } == expected.reduce(0) { $0 + $1.packets })
        #expect(flows.reduce(0) { $0 + $1.bytes } == expected.reduce(0) { $0 + $1.bytes })
        let missing = Set(expected).subtracting(flows)
        let extra = Set(flows).subtracting(expected)
        #expect(
            missing.isEmpty && extra.isEmpty,
            "softflowd only: \(missing.sorted())\nnetmond only: \(extra.sorted())"
        )
        #expect(summary.packetsRead == 1340 && summary.flows == UInt64(flows.count))
    }

    @Test("FIN/RST expiry keeps every packet and byte")
    func finishExpiryKeepsTotals() throws {
        let (withFinish, _) = try Self.netmondFlows(Self.fixture, expireOnTCPFinish: true)
        let (without, _) = try Self.netmondFlows(Self.fixture, expireOnTCPFinish: false)
        #expect(withFinish.packets == without.packets && withFinish.bytes == without.bytes)
        #expect(withFinish.flows >= without.flows)
    }
}
