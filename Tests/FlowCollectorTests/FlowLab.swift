import FlowCollector
import Foundation
import Logging
import NetmonCore
import NetmonTesting
import Synchronization
import Testing

/// Real peers for flow tests: softflowd replaying the committed fixture, nfcapd + nfdump as the oracle.
enum FlowLab {
    static let fixture = "Tests/Fixtures/pcap/mixed-300.pcap"

    /// Totals of a set of flows: count, packets, bytes and the top-10 sources by bytes.
    struct Totals: Equatable, CustomStringConvertible {
        var flows = 0
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
        var bySource: [String: UInt64] = [:]

        init() {}

        init(_ records: [FlowRecord]) {
            for record in records {
                self.flows += 1
                self.packets += record.scaledPackets
                self.bytes += record.scaledBytes
                self.bySource[record.sourceAddress.description, default: 0] += record.scaledBytes
            }
        }

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

    /// softflowd exports the fixture as NetFlow `version` to udp 127.0.0.1:`port` and exits.
    static func replay(version: Int, to port: Int) throws {
        try Lab.script("flows.sh", "replay", RepositoryPaths.file(Self.fixture), "\(version)", "\(port)")
    }

    /// Runs a listener with `configuration` (one listener of its first listener's protocol, on
    /// 127.0.0.1 and an ephemeral port), lets `feed` send to that port, and returns the records once their count
    /// has been stable for 2 s (at most 30 s: the receive task may drain slowly on a busy machine).
    ///
    /// With `until`, it waits instead (at most 20 s) until `until` holds for the records: a busy
    /// machine can starve the receive task for seconds, so a quiet spell does not prove it is done.
    static func collect(
        _ configuration: FlowConfiguration = FlowConfiguration(),
        until: (@Sendable ([FlowRecord]) -> Bool)? = nil,
        feed: @Sendable (Int) async throws -> Void
    ) async throws -> [FlowRecord] {
        var configuration = configuration
        configuration.listeners = [
            .init(protocol: configuration.listeners.first?.protocol ?? .netflow, address: "127.0.0.1", port: 0)
        ]
        let records = Mutex<[FlowRecord]>([])
        let bound = AsyncStream.makeStream(of: Int.self)
        let service = FlowListenerService(
            configuration: configuration,
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
        try await feed(port)
        if let until {
            let deadline = ContinuousClock.now + .seconds(20)
            while !records.withLock({ until($0) }) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            return records.withLock { $0 }
        }
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

    /// A private nfcapd (its own directory and a free port) whose flows nfdump reads back.
    final class Nfcapd {
        let port: Int
        private let directory: URL
        /// nfcapd's files only: nfdump -R reads every file of it (the process's own output goes
        /// to `directory`).
        private let flowDirectory: URL
        private let process: ChildProcess

        /// Starts nfcapd and waits until it listens (at most 15 s).
        init() async throws {
            self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("nfcapd-\(UUID())")
            self.flowDirectory = self.directory.appendingPathComponent("flows")
            try FileManager.default.createDirectory(at: self.flowDirectory, withIntermediateDirectories: true)
            self.port = HTTPProbe.freePort()
            self.process = try ChildProcess(
                executable: "/usr/bin/nfcapd",
                arguments: [
                    "-b", "127.0.0.1", "-p", "\(self.port)", "-w", self.flowDirectory.path, "-t", "60", "-B", "8388608",
                ],
                directory: self.directory
            )
            let ready = ContinuousClock.now + .seconds(15)
            while !HTTPProbe.isUDPPortBound(self.port) && self.process.isRunning && ContinuousClock.now < ready {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(HTTPProbe.isUDPPortBound(self.port), "nfcapd did not start listening: \(self.process.stderr)")
        }

        deinit {
            self.process.send(SIGKILL)
            try? FileManager.default.removeItem(at: self.directory)
        }

        /// Stops nfcapd once it has read every datagram sent to it, and returns nfdump's totals.
        func finish() async throws -> Totals {
            let drained = ContinuousClock.now + .seconds(15)
            while (HTTPProbe.udpReceiveQueue(self.port) ?? 0) > 0 && ContinuousClock.now < drained {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
            self.process.send(SIGTERM)
            #expect(
                await self.process.waitForExit(timeout: .seconds(30)) != nil,
                "nfcapd did not stop: \(self.process.stderr)"
            )
            let dump = try await runCommand("/usr/bin/nfdump", ["-R", self.flowDirectory.path, "-q", "-o", "csv"])
            var totals = Totals()
            for line in dump.stdout.split(separator: "\n") {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count > 12, let packets = UInt64(fields[11]), let bytes = UInt64(fields[12]) else {
                    continue
                }
                totals.flows += 1
                totals.packets += packets
                totals.bytes += bytes
                totals.bySource[String(fields[3]), default: 0] += bytes
            }
            return totals
        }
    }
}
