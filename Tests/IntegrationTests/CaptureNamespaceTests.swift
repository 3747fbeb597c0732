import Foundation
import Logging
import NetmonCore
import NetmonTesting
import Storage
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Live capture end to end: two network namespaces joined by a veth pair (made and removed by the
/// test), the fixture pcap replayed by tcpreplay from one namespace (at 1,000 packets/s: at full
/// speed the receiving veth's backlog, 1,000 packets, overflows and drops), `netmond run` capturing on the
/// other end and storing flows, tcpdump capturing the same traffic beside it. netmond's stored flows,
/// summed per direction of each conversation, equal `tshark -z conv,ip` / `conv,ipv6` of the
/// tcpdump capture (frames, and bytes = IP bytes + 14 per untagged Ethernet frame), and TCP flows
/// equal `tshark -z conv,tcp`.
@Suite("Live capture in network namespaces against tshark", .serialized)
struct CaptureNamespaceTests {
    struct Direction: Hashable, CustomStringConvertible {
        var source: String
        var destination: String
        var description: String { "\(self.source) > \(self.destination)" }
    }

    struct Totals: Equatable, CustomStringConvertible {
        var frames: UInt64 = 0
        var bytes: UInt64 = 0
        var description: String { "\(self.frames) frames \(self.bytes) bytes" }

        mutating func add(_ frames: UInt64, _ bytes: UInt64) {
            self.frames += frames
            self.bytes += bytes
        }
    }

    struct SetupError: Error {
        var message: String
    }

    static func ip(_ arguments: [String]) async throws {
        let result = try await runCommand("/usr/sbin/ip", arguments, timeout: .seconds(20))
        guard result.status == 0 else {
            throw SetupError(message: "ip \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    /// Parses tshark's conversation tables: `A <-> B  framesBA bytesBA  framesAB bytesAB ...`, the
    /// address column with `:port` for conv,tcp.
    static func conversations(_ text: String) -> [Direction: Totals] {
        var result: [Direction: Totals] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count >= 9, words[1] == "<->", words[5] == "bytes", words[8] == "bytes",
                let framesBA = UInt64(words[3]), let bytesBA = UInt64(words[4]),
                let framesAB = UInt64(words[6]), let bytesAB = UInt64(words[7])
            else { continue }
            // tshark starts a new TCP conversation on a reused port (a new SYN): sum the rows.
            if framesAB > 0 {
                result[Direction(source: words[0], destination: words[2]), default: Totals()].add(framesAB, bytesAB)
            }
            if framesBA > 0 {
                result[Direction(source: words[2], destination: words[0]), default: Totals()].add(framesBA, bytesBA)
            }
        }
        return result
    }

    @Test("netmond's flows per direction equal tshark's conversations of the same traffic")
    func liveCaptureMatchesTshark() async throws {
        try await Self.captureMatchesTshark(on: nil, filter: nil, tag: "\(getpid() % 100_000)")
    }

    /// The same on Linux's `any` device (cooked captures, SLL/SLL2, every interface of the
    /// namespace), with a BPF filter keeping the daemon's own loopback traffic (the test's
    /// /metrics requests) out.
    @Test("capturing on 'any' with a BPF filter gives the same flows")
    func anyDeviceMatchesTshark() async throws {
        try await Self.captureMatchesTshark(on: "any", filter: "not net 127.0.0.0/8", tag: "\(getpid() % 10_000)y")
    }

    /// Replays the fixture from one namespace into the other, where netmond captures on `device`
    /// (nil: the receiving veth) with `filter`, and compares its flows with tshark's conversations
    /// of tcpdump's capture of the veth.
    static func captureMatchesTshark(on device: String?, filter: String?, tag: String) async throws {
        let sender = "nmA\(tag)"
        let receiver = "nmB\(tag)"
        let vethA = "nmva\(tag)"
        let vethB = "nmvb\(tag)"
        let interface = device ?? vethB
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmond-cap-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: directory)
            _ = try? Lab.run("/usr/sbin/ip", ["netns", "del", sender], timeout: 20)
            _ = try? Lab.run("/usr/sbin/ip", ["netns", "del", receiver], timeout: 20)
        }
        try await Self.ip(["netns", "add", sender])
        try await Self.ip(["netns", "add", receiver])
        try await Self.ip([
            "link", "add", vethA, "netns", sender, "type", "veth", "peer", "name", vethB, "netns", receiver,
        ])
        for (namespace, link) in [(sender, vethA), (receiver, vethB)] {
            // No IPv6 on the links: the kernel would send its own router solicitations and MLD reports.
            _ = try await runCommand(
                "/usr/sbin/ip",
                ["netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv6.conf.\(link).disable_ipv6=1"]
            )
            try await Self.ip(["-n", namespace, "link", "set", link, "up"])
        }

        try await Self.ip(["-n", receiver, "link", "set", "lo", "up"])
        let httpPort = HTTPProbe.freePort()
        let database = directory.appendingPathComponent("netmond.db").path
        let config = directory.appendingPathComponent("netmond.yaml").path
        try """
        log:
          level: info
          format: text
        http:
          address: 127.0.0.1
          port: \(httpPort)
        storage:
          path: \(database)
        flows:
          listeners: []
        flow_storage:
          flush_interval: 100ms
        capture:
          - interface: \(interface)
            buffer_timeout: 50ms\(filter.map { "\n    filter: \"\($0)\"" } ?? "")
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let netmond = try ChildProcess(
            executable: "/usr/sbin/ip",
            arguments: ["netns", "exec", receiver, RepositoryPaths.executable("netmond"), "run", "--config", config],
            directory: directory
        )
        let capture = directory.appendingPathComponent("seen.pcap").path
        let tcpdump = try ChildProcess(
            executable: "/usr/sbin/ip",
            arguments: [
                "netns", "exec", receiver, "/usr/bin/tcpdump", "-i", vethB, "-n", "-U", "--immediate-mode", "-B",
                "32768", "-s", "0",
                "-w",
                capture,
            ],
            directory: directory
        )
        let ready = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < ready
            && !(netmond.stdout.contains("capture: capturing on interface \(interface)")
                && tcpdump.stderr.contains("listening on"))
        {
            #expect(netmond.isRunning, "netmond exited: \(netmond.stdout) \(netmond.stderr)")
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(netmond.stdout.contains("capture: capturing on interface \(interface)"), "\(netmond.stdout)")
        let replay = try await runCommand(
            "/usr/sbin/ip",
            ["netns", "exec", sender, "/usr/bin/tcpreplay", "-q", "--pps=1000", "-i", vethA]
                + [RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap")],
            timeout: .seconds(60)
        )
        #expect(replay.status == 0, "tcpreplay: \(replay.stderr)")
        // libpcap's statistics reach /metrics once a second: poll (bounded) until all are counted.
        var metrics = (status: Int32?.none, stdout: "", stderr: "")
        var received = 0.0
        let counted = ContinuousClock.now + .seconds(15)
        while received < 1340 && ContinuousClock.now < counted {
            try await Task.sleep(for: .milliseconds(500))
            metrics = try await runCommand(
                "/usr/sbin/ip",
                ["netns", "exec", receiver, "/usr/bin/curl", "-s", "http://127.0.0.1:\(httpPort)/metrics"]
            )
            let line = metrics.stdout.split(separator: "\n").first {
                $0.hasPrefix("netmond_capture_packets_received_total{interface=\"\(interface)\"}")
            }
            received = line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
        }
        #expect(received >= 1340, "\(metrics.stdout)")
        #expect(metrics.stdout.contains("netmond_capture_packets_dropped_kernel_total"))
        tcpdump.send(SIGTERM)
        _ = await tcpdump.waitForExit(timeout: .seconds(10))
        netmond.send(SIGTERM)
        #expect(await netmond.waitForExit(timeout: .seconds(20)) == 0, "netmond: \(netmond.stdout)")

        // The raw flows netmond stored, one line each as the old per-row table gave them.
        let stored = try NetmonDatabase.open(
            configuration: StorageConfiguration(path: database),
            logger: Logger(label: "capture-test") { _ in SwiftLogNoOpLogHandler() }
        )
        let lines = try await FlowQueries(database: stored).rawFlows(from: .min, to: .max).filter { $0.origin == .pcap }
            .map {
                let hex = { (address: IPAddress) in address.bytes.map { String(format: "%02X", $0) }.joined() }
                return
                    "\(hex($0.sourceAddress)) \(hex($0.destinationAddress)) \($0.ipProtocol) \($0.sourcePort) \($0.destinationPort) \($0.packets) \($0.bytes) \($0.inputInterface) \($0.exporter)"
            }
        try stored.close()
        var ours: [Direction: Totals] = [:]
        var oursTCP: [Direction: Totals] = [:]
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 9, let source = Self.address(fields[0]), let destination = Self.address(fields[1]),
                let packets = UInt64(fields[5]), let bytes = UInt64(fields[6])
            else {
                Issue.record("unexpected row \(line)")
                continue
            }
            #expect(fields[7] == "1" && fields[8] == "127.0.0.1")
            let frameBytes = bytes + 14 * packets
            ours[Direction(source: source, destination: destination), default: Totals()].frames += packets
            ours[Direction(source: source, destination: destination), default: Totals()].bytes += frameBytes
            if fields[2] == "6" {
                let key = Direction(
                    source: Self.endpoint(source, fields[3]),
                    destination: Self.endpoint(destination, fields[4])
                )
                oursTCP[key, default: Totals()].frames += packets
                oursTCP[key, default: Totals()].bytes += frameBytes
            }
        }
        let conv = try await runCommand(
            "/usr/bin/tshark",
            ["-r", capture, "-q", "-n", "-z", "conv,ip", "-z", "conv,ipv6", "-z", "conv,tcp"]
        )
        // tshark prints one table per -z, titled "IPv4 Conversations" and so on (in reverse order).
        var sections: [String: String] = [:]
        var title = ""
        for line in conv.stdout.split(separator: "\n") {
            if line.hasSuffix("Conversations") {
                title = String(line)
            } else {
                sections[title, default: ""] += line + "\n"
            }
        }
        let expected = Self.conversations(
            (sections["IPv4 Conversations"] ?? "") + (sections["IPv6 Conversations"] ?? "")
        )
        let expectedTCP = Self.conversations(sections["TCP Conversations"] ?? "")
        #expect(expected.values.reduce(0) { $0 + $1.frames } == 1340, "tcpdump saw other traffic or missed some")
        #expect(expectedTCP.count > 100)
        for (name, mine, theirs) in [("conv,ip/ipv6", ours, expected), ("conv,tcp", oursTCP, expectedTCP)] {
            let differences = Set(mine.keys).union(theirs.keys).filter { mine[$0] != theirs[$0] }.sorted {
                $0.description < $1.description
            }
            #expect(
                differences.isEmpty,
                "\(name): \(differences.count) directions differ, e.g. \(differences.prefix(5).map { "\($0): netmond \(mine[$0].map(\.description) ?? "none"), tshark \(theirs[$0].map(\.description) ?? "none")" })"
            )
        }
    }

    /// tshark's `address:port`, IPv6 as written by tshark (`-n`: plain addresses).
    private static func endpoint(_ address: String, _ port: String) -> String { "\(address):\(port)" }

    private static func address(_ hex: String) -> String? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return IPAddress(bytes: bytes)?.description
    }
}
