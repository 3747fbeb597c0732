import Foundation
import NetmonTesting
import Testing

/// `netmond import` as a user runs it, and a capture that cannot start.
@Suite("netmond import and capture start-up", .serialized)
struct ImportCommandTests {
    let directory: URL

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmond-import-\(UUID())")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    @Test("--format json --store: the documented summary, and the flows in the database")
    func importStoresAndSummarises() async throws {
        let database = self.directory.appendingPathComponent("netmond.db").path
        let config = self.directory.appendingPathComponent("netmond.yaml").path
        try "storage:\n  path: \(database)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await runCommand(
            RepositoryPaths.executable("netmond"),
            [
                "import", RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap"), "--format", "json", "--store",
                "--config", config, "--top", "3",
            ]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout)"
        )
        let keys: Set<String> = [
            "file", "mode", "file_bytes", "packets_read", "flows", "packets", "bytes", "first_seen_ms",
            "last_seen_ms", "later_fragments", "drops", "file_error", "stored", "store_dropped", "top_talkers",
            "top_ports", "top_approximate", "elapsed_seconds",
        ]
        #expect(Set(json.keys) == keys)
        #expect(json["flows"] as? Int == 300 && json["packets"] as? Int == 1340 && json["bytes"] as? Int == 184_726)
        #expect(json["stored"] as? Int == 300 && json["mode"] as? String == "packets")
        #expect((json["top_talkers"] as? [Any])?.count == 3)
        let rows = try await runCommand(
            "/usr/bin/sqlite3",
            [database, "SELECT sum(records), sum(packets), sum(bytes) FROM flows_raw_packed"]
        )
        #expect(rows.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "300|1340|184726")
    }

    @Test("A file that is not a capture: exit 1 and the reason")
    func importRefusesGarbage() async throws {
        let path = self.directory.appendingPathComponent("not.pcap").path
        try "hello, not a capture".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runCommand(RepositoryPaths.executable("netmond"), ["import", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot read \(path)"))
    }

    @Test("A capture on a missing interface is logged with what to do; netmond keeps serving")
    func missingInterface() async throws {
        let port = HTTPProbe.freePort()
        let config = self.directory.appendingPathComponent("netmond.yaml").path
        try """
        log:
          format: text
        http:
          address: 127.0.0.1
          port: \(port)
        storage:
          path: \(self.directory.appendingPathComponent("netmond.db").path)
        flows:
          listeners: []
        capture:
          - interface: nosuchif0
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let child = try ChildProcess(
            executable: RepositoryPaths.executable("netmond"),
            arguments: ["run", "--config", config],
            directory: self.directory
        )
        let deadline = ContinuousClock.now + .seconds(20)
        var health: HTTPProbe.Response?
        while ContinuousClock.now < deadline && child.isRunning && health == nil {
            health = HTTPProbe.get("/healthz", port: port)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(health?.status == 200)
        let logged = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < logged && !child.stdout.contains("nosuchif0") {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(child.stdout.contains("cannot capture on interface nosuchif0"), "\(child.stdout)")
        #expect(child.stdout.contains("ip link"))
        child.send(SIGTERM)
        #expect(await child.waitForExit(timeout: .seconds(10)) == 0)
    }
}
