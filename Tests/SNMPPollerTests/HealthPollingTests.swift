import Foundation
import Logging
import NetmonCore
import NetmonTesting
import SNMPPoller
import Testing

@Suite("Health objects and custom collectors", .serialized)
struct HealthPollingTests {
    @Test("ENTITY-SENSOR values are scaled by scale and precision")
    func sensorScaling() {
        // 2,350 with precision 2 in units: 23.50 °C.
        #expect(HealthMIB.sensorValue(raw: 2350, scale: 9, precision: 2) == 23.5)
        // 1,200 milliamperes.
        #expect(abs(HealthMIB.sensorValue(raw: 1200, scale: 8, precision: 0) - 1.2) < 1e-12)
        // -3.2 dBm with precision 1.
        #expect(HealthMIB.sensorValue(raw: -32, scale: 9, precision: 1) == -3.2)
        #expect(HealthMIB.sensorMetric(type: 8)?.metric == "sensor_celsius")
        #expect(HealthMIB.sensorMetric(type: 12) == nil)
    }

    @Test("snmpd's HOST-RESOURCES and UCD objects and custom collectors are polled")
    func snmpdHealth() async throws {
        try Lab.startSNMPD()
        let engine = SNMPEngine(logger: Logger(label: "test.health"))
        defer { engine.shutdown() }
        var settings = SNMPDeviceSettings(port: Lab.snmpdPort, timeout: .seconds(1), retries: 1)
        settings.community = Secret(Lab.community)
        let collectors = [
            // UCD ssCpuRawIdle: a counter (ticks), one scalar.
            SNMPCollectorConfiguration(
                name: "cpu_idle_ticks",
                oid: "1.3.6.1.4.1.2021.11.53.0",
                kind: .counter,
                unit: "ticks/s"
            ),
            // ifMtu: a gauge column, one series per ifIndex.
            SNMPCollectorConfiguration(name: "if_mtu_bytes", oid: "1.3.6.1.2.1.2.2.1.4", table: true, unit: "B"),
        ]
        var poller = DevicePoller(
            device: MonitoredDevice(id: 1, name: "snmpd", address: "127.0.0.1", tags: [], settings: settings),
            collectors: collectors
        )
        let client = try await engine.client(for: SNMPTarget(device: poller.device))
        defer { client.close() }
        let first = await poller.poll(client, clock: { Int64(Date().timeIntervalSince1970 * 1000) })
        #expect(first.report.error == nil)
        let health = try #require(first.discovery?.health)
        // hrProcessorLoad appears once snmpd has a minute of CPU samples: not asserted on a fresh agent.
        #expect(health.storage && health.ucdLoad && health.ucdMemory)
        let metrics = Set(first.measurements.map(\.metric))
        for metric in [
            "storage_size_bytes", "storage_used_bytes", "load_average", "mem_total_bytes", "sys_uptime_seconds",
        ] {
            #expect(metrics.contains(metric), "missing \(metric)")
        }
        let mtu = first.measurements.filter { $0.metric == "if_mtu_bytes" }
        #expect(mtu.contains { $0.value == 65536 }, "lo's MTU")
        #expect(first.measurements.first { $0.metric == "mem_total_bytes" }.map { $0.value > 1e8 } == true)
        #expect(!metrics.contains("cpu_idle_ticks"), "a counter has no rate after one reading")
        try await Task.sleep(for: .milliseconds(1200))
        let second = await poller.poll(client, clock: { Int64(Date().timeIntervalSince1970 * 1000) })
        let idle = second.measurements.first { $0.metric == "cpu_idle_ticks" }
        #expect(idle?.kind == .rate)
        #expect((idle?.value ?? -1) >= 0)
    }
}
