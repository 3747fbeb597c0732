import Foundation
import NetmonTesting
import Testing

/// The real daemon polling the lab's real snmpd: discovery, samples with rates, and poll outcomes
/// land in the database, read back with the sqlite3 command-line tool.
@Suite("netmond polls snmpd end to end", .serialized)
struct DaemonSNMPTests {
    @Test("discovery, interfaces, rates and poll status reach the database within two poll intervals")
    func pollsIntoDatabase() async throws {
        try Lab.startSNMPD()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmond-snmp-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("netmond.db").path
        let port = HTTPProbe.freePort()
        let config = directory.appendingPathComponent("netmond.yaml").path
        try """
        log:
          format: text
        http:
          port: \(port)
        storage:
          path: \(database)
          flush_interval: 100ms
        flows:
          enabled: false
        snmp:
          defaults:
            poll_interval: 10s
            timeout: 1s
          devices:
            - name: lab
              address: 127.0.0.1
              port: \(Lab.snmpdPort)
              community: \(Lab.community)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try ChildProcess(
            executable: RepositoryPaths.executable("netmond"),
            arguments: ["run", "--config", config],
            directory: directory
        )

        func query(_ sql: String) async throws -> String {
            try await runCommand("/usr/bin/sqlite3", [database, sql]).stdout.trimmingCharacters(
                in: .whitespacesAndNewlines
            )
        }
        // First poll within one interval (jitter), the second (first rates) one interval later.
        let deadline = ContinuousClock.now + .seconds(30)
        var rates = ""
        while ContinuousClock.now < deadline {
            rates =
                (try? await query(
                    "SELECT count(*) FROM series s JOIN series_latest l ON l.series_id = s.id WHERE s.metric = 'if_in_octets'"
                )) ?? ""
            if let count = Int(rates), count > 0 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(Int(rates) ?? 0 > 0, "no interface rate stored; netmond output: \(daemon.stdout)")
        #expect(try await query("SELECT sys_name FROM devices WHERE name = 'lab'") == "netmond-lab-snmpd")
        #expect(try await query("SELECT count(*) FROM interfaces WHERE if_descr = 'lo'") == "1")
        #expect(try await query("SELECT reachable, last_error IS NULL FROM device_status") == "1|1")
        let kinds = try await query("SELECT DISTINCT kind FROM series ORDER BY kind")
        #expect(kinds.contains("gauge") && kinds.contains("rate"))

        let metrics = HTTPProbe.get("/metrics", port: port)?.body ?? ""
        #expect(metrics.contains("netmond_snmp_polls_total{outcome=\"success\"}"))
        #expect(metrics.contains("netmond_snmp_device_up{device=\"lab\"} 1"))
        // The adaptive window: at its ceiling (the default 200) against one healthy agent.
        #expect(metrics.contains("netmond_snmp_poll_window 200"))
        #expect(metrics.contains("netmond_snmp_late_answers_total 0"))
        #expect(metrics.contains("netmond_snmp_poll_window_decreases_total 0"))
        #expect(metrics.contains("netmond_snmp_polls_in_flight "))
        #expect(metrics.range(of: #"netmond_snmp_requests_total [1-9]"#, options: .regularExpression) != nil)
        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(5)) == 0)
    }
}
