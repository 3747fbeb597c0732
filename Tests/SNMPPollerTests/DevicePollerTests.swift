import Foundation
import Logging
import NetmonCore
import NetmonTesting
import SNMPPoller
import Testing

/// The device poller against the controllable agent, whose counters and sysUpTime the tests set.
@Suite("Device poller against the controllable agent", .serialized)
struct DevicePollerTests {
    static let engine = SNMPEngine(logger: Logger(label: "test.poller"))

    init() throws {
        try Lab.startControllableAgent()
    }

    /// State JSON: eth0 (1 Gbit/s, HC counters) and eth1 (100 Mbit/s, 32-bit only).
    private func state(
        uptime: UInt32,
        eth0In: UInt64 = 0,
        eth0Discontinuity: UInt32 = 0,
        eth1In: UInt64 = 0,
        eth1Oper: Int = 1,
        withEth1: Bool = true,
        lastChange: UInt32 = 0
    ) -> String {
        let eth1 = """
            , {"ifIndex": 2, "ifDescr": "eth1", "ifName": "eth1", "ifAlias": "uplink <b>", "ifType": 6,
               "ifSpeed": 100000000, "ifHighSpeed": 100, "hc": false, "ifAdminStatus": 1,
               "ifOperStatus": \(eth1Oper), "ifInOctets": \(eth1In)}
            """
        return """
            {"sysUpTime": \(uptime), "ifTableLastChange": \(lastChange), "ifNumber": \(withEth1 ? 2 : 1),
             "interfaces": [
               {"ifIndex": 1, "ifDescr": "eth0", "ifName": "eth0", "ifAlias": "core", "ifType": 6,
                "ifSpeed": 1000000000, "ifHighSpeed": 1000, "hc": true, "ifAdminStatus": 1, "ifOperStatus": 1,
                "ifHCInOctets": \(eth0In), "ifInOctets": \(eth0In & 0xFFFF_FFFF),
                "ifCounterDiscontinuityTime": \(eth0Discontinuity)}
               \(withEth1 ? eth1 : "")
             ]}
            """
    }

    private func makePoller(downAfterFailures: Int = 3) -> DevicePoller {
        // The agent answers through a Python pass_persist script: slow on a loaded machine.
        var settings = SNMPDeviceSettings(port: Lab.ctlPort, timeout: .seconds(2), retries: 2)
        settings.community = Secret(Lab.ctlCommunity)
        let device = MonitoredDevice(id: 1, name: "ctl", address: "127.0.0.1", tags: [], settings: settings)
        return DevicePoller(device: device, downAfterFailures: downAfterFailures)
    }

    private func client(_ poller: DevicePoller) async throws -> SNMPClient {
        try await Self.engine.client(for: SNMPTarget(device: poller.device))
    }

    private func value(_ outcome: DevicePoller.Outcome, _ metric: String, ifIndex: Int) -> Double? {
        outcome.measurements.first { $0.metric == metric && $0.ifIndex == ifIndex }?.value
    }

    @Test("known deltas give exact rates over the agent's time, with a 32-bit wrap handled")
    func exactRates() async throws {
        var poller = self.makePoller()
        let client = try await self.client(poller)
        defer { client.close() }
        try Lab.setControllableState(self.state(uptime: 100_000, eth0In: 5_000_000_000, eth1In: 4_294_967_000))
        let first = await poller.poll(client, clock: { 1_000_000 })
        #expect(first.report.error == nil)
        #expect(first.discovery?.interfaces.map(\.ifIndex) == [1, 2])
        #expect(first.discovery?.interfaces.map(\.hasHCCounters) == [true, false])
        #expect(first.discovery?.interfaces[1].alias == "uplink <b>")
        #expect(self.value(first, "if_in_octets", ifIndex: 1) == nil, "no rate from a single reading")

        // 60 s later by the agent's clock (60.7 s by the poller's: a late answer).
        try Lab.setControllableState(self.state(uptime: 106_000, eth0In: 5_000_600_000, eth1In: 704))
        let second = await poller.poll(client, clock: { 1_060_700 })
        #expect(second.report.error == nil)
        #expect(self.value(second, "if_in_octets", ifIndex: 1) == 10_000)
        #expect(self.value(second, "if_in_utilization_percent", ifIndex: 1) == 0.008)
        #expect(self.value(second, "if_in_octets", ifIndex: 2) == 1_000.0 / 60)
        #expect(second.report.gaps == 0)
        #expect(self.value(second, "if_oper_status", ifIndex: 2) == 1)
    }

    @Test("a reboot gives a gap and an event, never a spike")
    func reboot() async throws {
        var poller = self.makePoller()
        let client = try await self.client(poller)
        defer { client.close() }
        try Lab.setControllableState(self.state(uptime: 9_000_000, eth0In: 7_000_000, eth1In: 10_000))
        _ = await poller.poll(client, clock: { 0 })
        try Lab.setControllableState(self.state(uptime: 3_000, eth0In: 9_000_000, eth1In: 50_000))
        let after = await poller.poll(client, clock: { 60_000 })
        #expect(self.value(after, "if_in_octets", ifIndex: 1) == nil)
        #expect(self.value(after, "if_in_octets", ifIndex: 2) == nil)
        #expect(after.events.map(\.kind).contains(.agentRestarted))
        #expect(after.report.gaps > 0)
        // The next poll after the reboot has rates again.
        try Lab.setControllableState(self.state(uptime: 9_000, eth0In: 9_060_000, eth1In: 50_600))
        let next = await poller.poll(client, clock: { 120_000 })
        #expect(self.value(next, "if_in_octets", ifIndex: 1) == 1_000)
        #expect(self.value(next, "if_in_octets", ifIndex: 2) == 10)
    }

    @Test("a changed ifCounterDiscontinuityTime gives a gap for that interface only")
    func discontinuity() async throws {
        var poller = self.makePoller()
        let client = try await self.client(poller)
        defer { client.close() }
        try Lab.setControllableState(self.state(uptime: 10_000, eth0In: 1_000, eth1In: 1_000))
        _ = await poller.poll(client, clock: { 0 })
        try Lab.setControllableState(
            self.state(uptime: 16_000, eth0In: 500, eth0Discontinuity: 15_000, eth1In: 61_000)
        )
        let after = await poller.poll(client, clock: { 60_000 })
        #expect(self.value(after, "if_in_octets", ifIndex: 1) == nil)
        #expect(self.value(after, "if_in_octets", ifIndex: 2) == 1_000)
    }

    @Test("a rate above the interface speed is flagged impossible and stored as a gap")
    func impossibleRate() async throws {
        var poller = self.makePoller()
        let client = try await self.client(poller)
        defer { client.close() }
        try Lab.setControllableState(self.state(uptime: 10_000, eth1In: 0))
        _ = await poller.poll(client, clock: { 0 })
        // 2 GB in 60 s on a 100 Mbit/s (12.5 MB/s) link.
        try Lab.setControllableState(self.state(uptime: 16_000, eth1In: 2_000_000_000))
        let after = await poller.poll(client, clock: { 60_000 })
        #expect(self.value(after, "if_in_octets", ifIndex: 2) == nil)
        let event = after.events.first { $0.kind == .impossibleRate }
        #expect(event?.ifIndex == 2)
        #expect(event?.message.contains("stored as a gap") == true)
    }

    @Test("status changes and vanished interfaces become events")
    func statusAndDiscoveryEvents() async throws {
        var poller = self.makePoller()
        let client = try await self.client(poller)
        defer { client.close() }
        try Lab.setControllableState(self.state(uptime: 10_000))
        _ = await poller.poll(client, clock: { 0 })
        try Lab.setControllableState(self.state(uptime: 16_000, eth1Oper: 2))
        let down = await poller.poll(client, clock: { 60_000 })
        let change = down.events.first { $0.kind == .interfaceStatusChanged }
        #expect(change?.ifIndex == 2)
        #expect(change?.details["from"] == "up")
        #expect(change?.details["to"] == "down")
        try Lab.setControllableState(self.state(uptime: 22_000, withEth1: false, lastChange: 21_000))
        let vanished = await poller.poll(client, clock: { 120_000 })
        #expect(vanished.discovery?.interfaces.map(\.ifIndex) == [1])
        #expect(vanished.events.contains { $0.kind == .interfaceRemoved && $0.ifIndex == 2 })
    }

    @Test("a device is unreachable after N failed polls, and reachable again when it answers")
    func reachability() async throws {
        var poller = self.makePoller(downAfterFailures: 2)
        let good = try await self.client(poller)
        defer { good.close() }
        var silentTarget = SNMPTarget(device: poller.device)
        silentTarget.port = HTTPProbe.freePort()
        silentTarget.timeout = .milliseconds(200)
        let silent = try await Self.engine.client(for: silentTarget)
        defer { silent.close() }
        try Lab.setControllableState(self.state(uptime: 10_000))
        #expect(await poller.poll(good, clock: { 0 }).report.error == nil)
        let first = await poller.poll(silent, clock: { 60_000 })
        #expect(first.report.error?.contains("timeout") == true)
        #expect(first.events.isEmpty)
        let second = await poller.poll(silent, clock: { 120_000 })
        #expect(second.events.map(\.kind) == [.deviceUnreachable])
        #expect(poller.state.reachable == false)
        let third = await poller.poll(silent, clock: { 180_000 })
        #expect(third.events.isEmpty, "unreachable is reported once")
        let back = await poller.poll(good, clock: { 240_000 })
        #expect(back.events.map(\.kind).contains(.deviceReachable))
        #expect(poller.state.reachable == true)
    }
}
