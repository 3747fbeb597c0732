import Foundation
import NetmonTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Type=notify`: the real `netmond` tells a socket standing in for systemd READY=1 once it serves
/// HTTP, WATCHDOG=1 while it runs, and STOPPING=1 when SIGTERM starts the shutdown.
@Suite("netmond systemd notifications", .serialized)
struct SystemdNotifyTests {
    let directory: URL

    init() throws {
        self.directory = URL(fileURLWithPath: "/tmp/netmond-notify-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    private func start(port: Int, environment extra: [String: String]) throws -> ChildProcess {
        let config = self.directory.appendingPathComponent("netmond.yaml").path
        let yaml = """
            log:
              level: debug
              format: text
            http:
              address: 127.0.0.1
              port: \(port)
            storage:
              path: \(self.directory.appendingPathComponent("netmond.db").path)
            flows:
              enabled: false
            """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] { environment[key] = nil }
        environment.merge(extra) { _, new in new }
        return try ChildProcess(
            executable: RepositoryPaths.executable("netmond"),
            arguments: ["run", "--config", config],
            directory: self.directory,
            environment: environment
        )
    }

    private func stop(_ child: ChildProcess) async -> Int32? {
        child.send(SIGTERM)
        return await child.waitForExit(timeout: .seconds(10))
    }

    @Test(
        "READY=1 once /healthz answers, WATCHDOG=1 every half period, STOPPING=1 on SIGTERM",
        arguments: ["path", "abstract"]
    )
    func readyWatchdogStopping(kind: String) async throws {
        let name =
            kind == "path" ? self.directory.appendingPathComponent("notify.sock").path : "@netmond-test-\(UUID())"
        let socket = try NotifySocket(name)
        let port = HTTPProbe.freePort()
        let child = try self.start(port: port, environment: ["NOTIFY_SOCKET": name, "WATCHDOG_USEC": "400000"])

        let ready = await socket.receive(until: "READY=1", timeout: .seconds(30))
        let readyMessage = try #require(ready.first { $0.contains("READY=1") }, "stdout: \(child.stdout)")
        #expect(readyMessage.contains("STATUS=Serving HTTP on 127.0.0.1:\(port)"))
        #expect(HTTPProbe.get("/healthz", port: port)?.status == 200, "READY=1 came before HTTP was served")

        let watchdog = await socket.receive(until: "WATCHDOG=1", timeout: .seconds(5))
        #expect(watchdog.contains("WATCHDOG=1"))
        let later = await socket.receive(until: "WATCHDOG=1", timeout: .seconds(5))
        #expect(later.contains("WATCHDOG=1"), "the watchdog must be renewed while netmond runs")

        child.send(SIGTERM)
        let stopping = await socket.receive(until: "STOPPING=1", timeout: .seconds(10))
        #expect(stopping.contains("STOPPING=1"), "messages: \(stopping)")
        #expect(await child.waitForExit(timeout: .seconds(10)) == 0, "stdout: \(child.stdout)")
        #expect(child.stdout.contains("netmond ready: http://127.0.0.1:\(port)/healthz"))
    }

    @Test("no watchdog messages when WATCHDOG_PID names another process")
    func watchdogForAnotherProcess() async throws {
        let socket = try NotifySocket("@netmond-test-\(UUID())")
        let port = HTTPProbe.freePort()
        let child = try self.start(
            port: port,
            environment: ["NOTIFY_SOCKET": socket.environmentValue, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"]
        )
        let messages = await socket.receive(until: "READY=1", timeout: .seconds(30))
        #expect(messages.contains { $0.contains("READY=1") }, "stdout: \(child.stdout)")
        let more = await socket.receive(until: "WATCHDOG=1", timeout: .seconds(1))
        #expect(!(messages + more).contains("WATCHDOG=1"))
        #expect(await self.stop(child) == 0)
    }

    @Test("an unusable NOTIFY_SOCKET is logged and the daemon still runs")
    func unusableNotifySocket() async throws {
        let port = HTTPProbe.freePort()
        let child = try self.start(port: port, environment: ["NOTIFY_SOCKET": "relative/notify.sock"])
        let deadline = ContinuousClock.now + .seconds(30)
        var health: HTTPProbe.Response?
        while health == nil, ContinuousClock.now < deadline, child.isRunning {
            health = HTTPProbe.get("/healthz", port: port)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(health?.status == 200, "stdout: \(child.stdout)")
        #expect(await self.stop(child) == 0)
        #expect(
            child.stdout.contains(
                "systemd notifications disabled: NOTIFY_SOCKET \"relative/notify.sock\" is neither an absolute path"
            ),
            "stdout: \(child.stdout)"
        )
    }

    @Test("a NOTIFY_SOCKET nobody listens on is logged, not fatal")
    func nobodyListening() async throws {
        let port = HTTPProbe.freePort()
        let child = try self.start(
            port: port,
            environment: ["NOTIFY_SOCKET": self.directory.appendingPathComponent("absent.sock").path]
        )
        let deadline = ContinuousClock.now + .seconds(30)
        var health: HTTPProbe.Response?
        while health == nil, ContinuousClock.now < deadline, child.isRunning {
            health = HTTPProbe.get("/healthz", port: port)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(health?.status == 200, "stdout: \(child.stdout)")
        #expect(await self.stop(child) == 0)
        #expect(child.stdout.contains("systemd notification failed: cannot notify systemd"), "stdout: \(child.stdout)")
    }
}
