import Foundation
import NetmonTesting
import Testing

/// Drives the real `netmond` executable: start, serve, and stop on SIGTERM.
@Suite("netmond lifecycle", .serialized)
struct DaemonLifecycleTests {
    let directory: URL

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmond-life-\(UUID())")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    private func writeConfig(port: Int, extra: String = "") throws -> String {
        let path = self.directory.appendingPathComponent("netmond.yaml").path
        let yaml = """
            log:
              level: info
              format: text
            http:
              address: 127.0.0.1
              port: \(port)
            storage:
              path: \(self.directory.appendingPathComponent("netmond.db").path)
            flows:
              listeners:
                - protocol: netflow
                  address: 127.0.0.1
                  port: \(HTTPProbe.freePort())
            \(extra)
            """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func waitForHealth(port: Int, child: ChildProcess) async -> HTTPProbe.Response? {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && child.isRunning {
            if let response = HTTPProbe.get("/healthz", port: port) { return response }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    @Test("netmond run serves /healthz and /metrics and exits 0 within 5 s of SIGTERM")
    func runServeAndStop() async throws {
        let port = HTTPProbe.freePort()
        let config = try self.writeConfig(port: port)
        let child = try ChildProcess(
            executable: RepositoryPaths.executable("netmond"),
            arguments: ["run", "--config", config],
            directory: self.directory
        )
        let health = await self.waitForHealth(port: port, child: child)
        #expect(health?.status == 200, "stderr: \(child.stderr)\nstdout: \(child.stdout)")
        #expect(health?.body.contains("\"status\":\"ok\"") == true)
        #expect(health?.body.contains("\"version\":") == true)
        #expect(health?.body.contains("\"uptime_seconds\":") == true)
        #expect(health?.headers["x-content-type-options"] == "nosniff")

        let metrics = HTTPProbe.get("/metrics", port: port)
        #expect(metrics?.status == 200)
        #expect(metrics?.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics?.body.contains("netmond_build_info{version=") == true)
        #expect(metrics?.body.contains("netmond_storage_queue_capacity") == true)

        let stopAsked = ContinuousClock.now
        child.send(SIGTERM)
        let status = await child.waitForExit(timeout: .seconds(5))
        #expect(status == 0, "netmond did not exit 0 within 5 s of SIGTERM; stdout: \(child.stdout)")
        #expect(ContinuousClock.now - stopAsked < .seconds(5))
        #expect(child.stdout.contains("netmond stopped"))
        #expect(child.stdout.contains("flows: listening for netflow on udp 127.0.0.1:"))
        #expect(HTTPProbe.get("/healthz", port: port) == nil, "the port must be closed after exit")
    }

    @Test("netmond run refuses a bad configuration with exit 1 and names the key and line")
    func runRefusesBadConfig() async throws {
        let config = try self.writeConfig(port: 70000)
        let result = try await runCommand(RepositoryPaths.executable("netmond"), ["run", "--config", config])
        #expect(result.status == 1)
        #expect(result.stderr.contains("http.port: \"70000\" is not a port; use a number from 1 to 65535 (line 6)"))
    }

    @Test("netmond run says what to do when the database directory is missing")
    func runRefusesMissingDatabaseDirectory() async throws {
        let port = HTTPProbe.freePort()
        let path = self.directory.appendingPathComponent("netmond.yaml").path
        try "storage:\n  path: /nonexistent/dir/netmond.db\nhttp:\n  port: \(port)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runCommand(RepositoryPaths.executable("netmond"), ["run", "--config", path])
        #expect(result.status == 1)
        #expect((result.stdout + result.stderr).contains("/nonexistent/dir"))
    }

    @Test("check-config exits 0 and prints the effective config for a valid file")
    func checkConfigValid() async throws {
        let result = try await runCommand(
            RepositoryPaths.executable("netmond"),
            ["check-config", RepositoryPaths.file("etc/netmond.yaml")]
        )
        #expect(result.status == 0)
        #expect(result.stdout.contains("is valid"))
        #expect(result.stdout.contains("shutdown_timeout: 10s"))
        #expect(result.stdout.contains("port: 8080"))
    }

    @Test("check-config exits 1 and lists every error")
    func checkConfigInvalid() async throws {
        let config = try self.writeConfig(port: 0, extra: "bogus: 1\n")
        let result = try await runCommand(RepositoryPaths.executable("netmond"), ["check-config", config])
        #expect(result.status == 1)
        #expect(result.stderr.contains("2 errors"))
        #expect(result.stderr.contains("http.port"))
        #expect(result.stderr.contains("bogus: unknown key"))
        let missing = try await runCommand(
            RepositoryPaths.executable("netmond"),
            ["check-config", "/nonexistent.yaml"]
        )
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("does not exist"))
    }

    @Test("version and --help work")
    func versionAndHelp() async throws {
        let version = try await runCommand(RepositoryPaths.executable("netmond"), ["version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("netmond "))
        #expect(version.stdout.contains("net-snmp 5."))
        #expect(version.stdout.contains("libpcap 1."))
        #expect(version.stdout.contains("sqlite 3."))
        let help = try await runCommand(RepositoryPaths.executable("netmond"), ["--help"])
        #expect(help.status == 0)
        for command in ["run", "check-config", "version"] {
            #expect(help.stdout.contains(command))
        }
    }
}
