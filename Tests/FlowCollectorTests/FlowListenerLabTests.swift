import FlowCollector
import Foundation
import Logging
import NetmonCore
import NetmonTesting
import Synchronization
import Testing

/// The UDP listener end to end: softflowd exports the committed fixture pcap to netmond and, in a
/// second identical run, to nfcapd; netmond's totals and top-10 sources must equal nfdump's exactly.
@Suite("Flow listener against softflowd, with nfdump as the oracle", .serialized)
struct FlowListenerLabTests {
    /// Totals of a set of flows: count, packets, bytes and the top-10 sources by bytes.
    struct Totals: Equatable, CustomStringConvertible {
        var flows = 0
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
        var bySource: [String: UInt64] = [:]

        var topSources: [String] {
            self.bySource.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map {
                "\($0.key)=\($0.value)"
            }
        }

        static func == (lhs: Totals, rhs: Totals) -> Bool {
            lhs.flows == rhs.flows && lhs.packets == rhs.packets && lhs.bytes == rhs.bytes
                && lhs.topSources == rhs.topSources
        }

        var description: String {
            "\(self.flows) flows, \(self.packets) packets, \(self.bytes) bytes, top \(self.topSources)"
        }
    }

    /// Runs a listener on an ephemeral port, replays the fixture as `version` into it, returns its records.
    private func collect(version: Int) async throws -> [FlowRecord] {
        let records = Mutex<[FlowRecord]>([])
        let bound = AsyncStream.makeStream(of: Int.self)
        let service = FlowListenerService(
            configuration: FlowConfiguration(listeners: [.init(protocol: .netflow, address: "127.0.0.1", port: 0)]),
            sink: { batch in
                records.withLock { $0 += batch }
                return true
            },
            logger: Logger(label: "test.flows"),
            onBound: { _, port in bound.continuation.yield(port) }
        )
        let running = Task { try await service.run() }
        defer { running.cancel() }
        var ports = bound.stream.makeAsyncIterator()
        let port = try #require(await ports.next())
        try Lab.script(
            "flows.sh",
            "replay",
            RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap"),
            "\(version)",
            "\(port)"
        )
        // softflowd has sent everything when it exits; the receive task may still be draining the
        // socket (slowly on a loaded machine): wait until the count is stable for 2 s (at most 30 s).
        var previous = -1
        var stableSince = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let count = records.withLock { $0.count }
            if count != previous {
                previous = count
                stableSince = .now
            } else if count > 0 && ContinuousClock.now - stableSince >= .seconds(2) {
                break
            }
        }
        return records.withLock { $0 }
    }

    /// Replays the fixture as `version` into a private nfcapd (its own directory and port), stops
    /// it so it writes its file, and reads nfdump's CSV back.
    private func oracle(version: Int) async throws -> Totals {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nfcapd-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = HTTPProbe.freePort()
        let nfcapd = try ChildProcess(
            executable: "/usr/bin/nfcapd",
            arguments: ["-b", "127.0.0.1", "-p", "\(port)", "-w", directory.path, "-t", "60", "-B", "8388608"],
            directory: directory
        )
        // Replay only once nfcapd listens (it can take a while on a busy machine).
        let ready = ContinuousClock.now + .seconds(15)
        while !HTTPProbe.isUDPPortBound(port) && nfcapd.isRunning && ContinuousClock.now < ready {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(HTTPProbe.isUDPPortBound(port), "nfcapd did not start listening: \(nfcapd.stderr)")
        try Lab.script(
            "flows.sh",
            "replay",
            RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap"),
            "\(version)",
            "\(port)"
        )
        // Stop nfcapd only once it has read every datagram softflowd sent.
        let drained = ContinuousClock.now + .seconds(15)
        while (HTTPProbe.udpReceiveQueue(port) ?? 0) > 0 && ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        nfcapd.send(SIGTERM)
        #expect(await nfcapd.waitForExit(timeout: .seconds(30)) != nil, "nfcapd did not stop: \(nfcapd.stderr)")
        let dump = try await runCommand("/usr/bin/nfdump", ["-R", directory.path, "-q", "-o", "csv"])
        var totals = Totals()
        for line in dump.stdout.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count > 12, let packets = UInt64(fields[11]), let bytes = UInt64(fields[12]) else { continue }
            totals.flows += 1
            totals.packets += packets
            totals.bytes += bytes
            totals.bySource[String(fields[3]), default: 0] += bytes
        }
        return totals
    }

    private func totals(_ records: [FlowRecord]) -> Totals {
        var totals = Totals()
        for record in records {
            totals.flows += 1
            totals.packets += record.scaledPackets
            totals.bytes += record.scaledBytes
            totals.bySource[record.sourceAddress.description, default: 0] += record.scaledBytes
        }
        return totals
    }

    @Test("NetFlow v5, v9 and IPFIX from softflowd: totals and top-10 sources equal nfdump's", arguments: [5, 9, 10])
    func equalsNfdump(version: Int) async throws {
        let received = self.totals(try await self.collect(version: version))
        let expected = try await self.oracle(version: version)
        #expect(received.flows > 0)
        #expect(received == expected, "netmond: \(received)\nnfdump:  \(expected)")
    }
}
