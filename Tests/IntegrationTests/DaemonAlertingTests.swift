import Foundation
import NetmonTesting
import Testing

/// The real daemon's alerting: an interface of the lab's controllable agent goes down and the
/// webhook receiver gets the alert; a daemon killed with SIGKILL after recording a notification
/// delivers it exactly once after a restart.
@Suite("netmond alerting end to end", .serialized)
struct DaemonAlertingTests {
    struct Run {
        var directory: URL
        var database: String
        var config: String

        init(_ name: String) throws {
            self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmond-\(name)-\(UUID())")
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
            self.database = self.directory.appendingPathComponent("netmond.db").path
            self.config = self.directory.appendingPathComponent("netmond.yaml").path
        }

        func start() throws -> ChildProcess {
            try ChildProcess(
                executable: RepositoryPaths.executable("netmond"),
                arguments: ["run", "--config", self.config],
                directory: self.directory
            )
        }

        func query(_ sql: String) async throws -> String {
            try await runCommand("/usr/bin/sqlite3", ["-cmd", ".timeout 2000", self.database, sql]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func remove() {
            try? FileManager.default.removeItem(at: self.directory)
        }
    }

    /// Starts scripts/lab/webhook-receiver.py on `port`; returns it and its log path.
    func startReceiver(_ run: Run, port: Int, secret: String) async throws -> (ChildProcess, String) {
        let log = run.directory.appendingPathComponent("webhook-\(port).log").path
        let receiver = try ChildProcess(
            executable: "/usr/bin/python3",
            arguments: [
                RepositoryPaths.file("scripts/lab/webhook-receiver.py"), "--port", "\(port)", "--log", log,
                "--secret", secret,
            ],
            directory: run.directory
        )
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, !receiver.stdout.contains("listening") {
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(receiver.stdout.contains("listening"), "receiver: \(receiver.stderr)")
        return (receiver, log)
    }

    func received(_ log: String) -> [[String: Any]] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func body(_ entry: [String: Any]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data((entry["body"] as? String ?? "").utf8))) as? [String: Any] ?? [:]
    }

    @Test("interface down on the controllable agent: webhook within one poll interval plus `for`")
    func interfaceDownReachesWebhook() async throws {
        let run = try Run("alerting-lab")
        defer { run.remove() }
        // A private controllable agent (own directory and port): other suites drive the shared one.
        let agentPort = HTTPProbe.freePort()
        let agent = { (arguments: [String]) throws in
            _ = try Lab.run(
                "/usr/bin/env",
                [
                    "NETMOND_LAB_DIR=\(run.directory.path)/lab", "NETMOND_LAB_CTL_PORT=\(agentPort)",
                    RepositoryPaths.file("scripts/lab/ctl-agent.sh"),
                ] + arguments
            )
        }
        try agent(["start"])
        defer { try? agent(["stop"]) }
        try agent(["reset"])
        let hookPort = HTTPProbe.freePort()
        let (receiver, log) = try await self.startReceiver(run, port: hookPort, secret: "lab-secret")
        defer { receiver.send(SIGTERM) }
        try """
        log:
          format: text
        http:
          port: \(HTTPProbe.freePort())
        storage:
          path: \(run.database)
          flush_interval: 100ms
        flows:
          enabled: false
        snmp:
          defaults:
            poll_interval: 10s
            timeout: 1s
          devices:
            - name: ctl
              address: 127.0.0.1
              port: \(agentPort)
              community: \(Lab.ctlCommunity)
        alerting:
          evaluation_interval: 1s
          allow_private_destinations: true
          channels:
            - name: hook
              type: webhook
              url: http://127.0.0.1:\(hookPort)/alerts
              secret: lab-secret
          policies:
            - name: now
              steps:
                - after: 0s
                  channels: [hook]
          rules:
            - name: link down
              kind: interface_down
              for: 5s
              severity: major
              policy: now
        """.write(toFile: run.config, atomically: true, encoding: .utf8)
        let daemon = try run.start()
        defer { daemon.send(SIGKILL) }

        // Wait for the first oper-status samples (discovery and a first poll).
        var deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let stored = try await run.query(
                "SELECT count(*) FROM series s JOIN series_latest l ON l.series_id = s.id WHERE s.metric = 'if_oper_status'"
            )
            if (Int(stored) ?? 0) > 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(self.received(log).isEmpty, "nothing fires while every interface is up")

        try agent(["set", "if.1.ifOperStatus", "2"])
        let changed = ContinuousClock.now
        deadline = changed + .seconds(30)
        var firing: [String: Any]?
        while ContinuousClock.now < deadline {
            firing = self.received(log).map(self.body).first { $0["event"] as? String == "firing" }
            if firing != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let elapsed = ContinuousClock.now - changed
        let alert = try #require(
            firing?["alert"] as? [String: Any],
            "no webhook; netmond: \(daemon.stdout) \(daemon.stderr)"
        )
        #expect(alert["interface"] as? String == "eth0")
        #expect(alert["device"] as? String == "ctl")
        #expect(alert["rule"] as? String == "link down")
        // One poll interval (10 s) + for (5 s) + one evaluation (1 s) + delivery.
        #expect(elapsed < .seconds(17), "webhook after \(elapsed)")
        #expect(self.received(log).allSatisfy { $0["signature_valid"] as? Bool == true })
        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(10)) == 0)
    }

    @Test("SIGKILL after a notification is recorded: delivered exactly once after the restart")
    func killedBetweenRecordAndSend() async throws {
        let run = try Run("alerting-kill")
        defer { run.remove() }
        let hookPort = HTTPProbe.freePort()
        let deadAgentPort = HTTPProbe.freePort()
        try """
        log:
          format: text
        http:
          port: \(HTTPProbe.freePort())
        storage:
          path: \(run.database)
          flush_interval: 100ms
        flows:
          enabled: false
        snmp:
          down_after_failures: 1
          defaults:
            poll_interval: 10s
            timeout: 200ms
            retries: 0
          devices:
            - name: ghost
              address: 127.0.0.1
              port: \(deadAgentPort)
              community: nobody-answers
        alerting:
          evaluation_interval: 500ms
          allow_private_destinations: true
          retry_initial: 1s
          retry_max: 1s
          channels:
            - name: hook
              type: webhook
              url: http://127.0.0.1:\(hookPort)/
              secret: kill-secret
          policies:
            - name: now
              steps:
                - after: 0s
                  channels: [hook]
          rules:
            - name: unreachable
              kind: device_unreachable
              policy: now
        """.write(toFile: run.config, atomically: true, encoding: .utf8)

        // First run: the alert fires and its notification is recorded; nothing listens yet, so
        // it is not delivered. Then the daemon is killed.
        let first = try run.start()
        var deadline = ContinuousClock.now + .seconds(30)
        var recorded = ""
        while ContinuousClock.now < deadline {
            recorded = (try? await run.query("SELECT count(*) FROM alert_outbox")) ?? ""
            if recorded == "1" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        first.send(SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(5))
        try #require(recorded == "1", "no notification recorded; netmond: \(first.stderr)")
        #expect(try await run.query("SELECT state FROM alert_outbox") == "pending")

        // Second run with the receiver up: the same notification is delivered, once.
        let (receiver, log) = try await self.startReceiver(run, port: hookPort, secret: "kill-secret")
        defer { receiver.send(SIGTERM) }
        let second = try run.start()
        defer { second.send(SIGKILL) }
        deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, self.received(log).isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        // Several more evaluation and dispatch cycles: nothing else may arrive.
        try await Task.sleep(for: .seconds(3))
        let entries = self.received(log)
        #expect(entries.count == 1, "received \(entries.count); netmond: \(second.stderr)")
        #expect(entries.first?["signature_valid"] as? Bool == true)
        #expect(self.body(entries.first ?? [:])["event"] as? String == "firing")
        #expect(try await run.query("SELECT count(*), min(state) FROM alert_outbox") == "1|delivered")
        #expect(try await run.query("SELECT count(*) FROM alerts WHERE state = 'firing'") == "1")
        second.send(SIGTERM)
        #expect(await second.waitForExit(timeout: .seconds(10)) == 0)
    }
}
