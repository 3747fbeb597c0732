import Foundation
import Logging
import NetmonCore
import NetmonTesting
import SNMPPoller
import Testing

/// The wrapper and the poller against an agent that answers wrongly on purpose: every answer is
/// an error or a counted gap, never a crash, a hang or a wrong number.
@Suite("SNMP against a hostile agent", .serialized)
struct HostileAgentTests {
    static let engine = SNMPEngine(logger: Logger(label: "test.hostile"))

    init() throws {
        try Lab.startHostileAgent()
    }

    private func client(mode: String, timeout: Duration = .milliseconds(300)) async throws -> SNMPClient {
        try await Self.engine.client(
            for: SNMPTarget(
                address: "127.0.0.1",
                port: Lab.hostilePort,
                credentials: .v2c(community: mode),
                timeout: timeout,
                retries: 0
            )
        )
    }

    @Test("the well-behaved mode works, so the other results mean something")
    func okMode() async throws {
        let client = try await self.client(mode: "ok", timeout: .seconds(2))
        defer { client.close() }
        let names = try await client.walk(IFMIB.ifDescr)
        #expect(names.count == 3)
    }

    @Test(
        "malformed answers end as timeouts within the configured time",
        arguments: ["truncated", "hugelength", "badlength", "wrongtype-name", "garbage", "wrongid", "silent", "slow"]
    )
    func malformed(mode: String) async throws {
        let client = try await self.client(mode: mode)
        defer { client.close() }
        let started = ContinuousClock.now
        let error = await #expect(throws: SNMPError.self) { try await client.walk(IFMIB.ifDescr) }
        #expect(error?.code == .timeout)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("endless walks (OIDs not increasing) stop with an error", arguments: ["loop", "loop-lower"])
    func loops(mode: String) async throws {
        let client = try await self.client(mode: mode, timeout: .seconds(2))
        defer { client.close() }
        let error = await #expect(throws: SNMPError.self) { try await client.walk(IFMIB.ifEntry) }
        #expect(error?.code == .malformedResponse)
        #expect(error?.message.contains("not increasing") == true)
    }

    @Test("an oversized answer ends the walk at the end of the subtree without error")
    func oversized() async throws {
        let client = try await self.client(mode: "oversized", timeout: .seconds(2))
        defer { client.close() }
        let names = try await client.walk(IFMIB.ifDescr, maxRepetitions: 5)
        #expect(names.allSatisfy { $0.oid.isDescendant(of: IFMIB.ifDescr) })
    }

    @Test("wrongly typed counters are ignored by the poller, never stored as numbers")
    func wrongTypes() async throws {
        var settings = SNMPDeviceSettings(port: Lab.hostilePort, timeout: .seconds(2), retries: 1)
        settings.community = Secret("wrongtype")
        var poller = DevicePoller(
            device: MonitoredDevice(id: 9, name: "hostile", address: "127.0.0.1", tags: [], settings: settings)
        )
        let client = try await Self.engine.client(for: SNMPTarget(device: poller.device))
        defer { client.close() }
        for time: Int64 in [0, 60_000] {
            let outcome = await poller.poll(client, clock: { time })
            #expect(!outcome.measurements.contains { $0.metric.hasSuffix("_octets") })
        }
    }

    @Test("a poll of every mode in turn never crashes or hangs the engine")
    func everyModeThroughThePoller() async throws {
        for mode in ["ok", "truncated", "garbage", "loop", "loop-lower", "oversized", "wrongtype", "wrongid", "silent"]
        {
            // Answering modes get time for a loaded machine; the others only need to fail.
            let answers = mode == "ok" || mode == "wrongtype" || mode == "oversized"
            var settings = SNMPDeviceSettings(
                port: Lab.hostilePort,
                timeout: answers ? .seconds(2) : .milliseconds(300),
                retries: answers ? 1 : 0
            )
            settings.community = Secret(mode)
            var poller = DevicePoller(
                device: MonitoredDevice(id: 9, name: mode, address: "127.0.0.1", tags: [], settings: settings)
            )
            let client = try await Self.engine.client(for: SNMPTarget(device: poller.device))
            let outcome = await poller.poll(client, clock: { 0 })
            client.close()
            if mode == "ok" { #expect(outcome.report.error == nil) }
            if ["truncated", "garbage", "wrongid", "silent", "loop", "loop-lower"].contains(mode) {
                #expect(outcome.report.error != nil, "mode \(mode)")
            }
        }
    }
}

/// A device with 2,000 interfaces (snmpsim) is discovered and walked completely.
@Suite("SNMP against a 2,000-interface device")
struct BigDeviceTests {
    @Test("discovery finds every one of the 2,000 interfaces, and a poll reads every counter")
    func twoThousandInterfaces() async throws {
        try Lab.startBigAgent()
        let engine = HostileAgentTests.engine
        var settings = SNMPDeviceSettings(port: Lab.bigPort, timeout: .seconds(3), retries: 1, maxRepetitions: 50)
        settings.community = Secret(Lab.bigCommunity)
        var poller = DevicePoller(
            device: MonitoredDevice(id: 2000, name: "big", address: "127.0.0.1", tags: [], settings: settings)
        )
        let client = try await engine.client(for: SNMPTarget(device: poller.device))
        defer { client.close() }
        let outcome = await poller.poll(client, clock: { 0 })
        #expect(outcome.report.error == nil)
        let interfaces = outcome.discovery?.interfaces ?? []
        #expect(interfaces.count == 2000)
        #expect(interfaces.first?.name == "GigabitEthernet1/0/1")
        #expect(interfaces.last?.ifIndex == 101_904)
        #expect(interfaces.filter { $0.speedBitsPerSecond == 10_000_000_000 }.count == 1904)
        #expect(poller.state.lastCounterValue(metric: "if_in_octets", ifIndex: 101_904) != nil)
        #expect(outcome.measurements.filter { $0.metric == "if_oper_status" }.count == 2000)
    }
}
