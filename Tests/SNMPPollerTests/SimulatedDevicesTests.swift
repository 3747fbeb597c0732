import Foundation
import Logging
import NetmonCore
import NetmonTesting
import SNMPPoller
import Testing

/// Discovery against recordings of real routers and switches (snmpsim + snmpsim-data), checked
/// against what net-snmp's own `snmpbulkwalk` reads from the same agents.
@Suite("Discovery against recorded real devices", .serialized)
struct SimulatedDevicesTests {
    static let engine = SNMPEngine(logger: Logger(label: "test.snmpsim"))

    /// `snmpbulkwalk -On -Oq` of one column: index → printed value (quotes removed).
    private func bulkwalk(_ agent: Lab.SimulatedAgent, _ column: OID) throws -> [Int: String] {
        let output = try Lab.run(
            "/usr/bin/env",
            [
                "MIBS=", "snmpbulkwalk", "-v2c", "-c", agent.community, "-On", "-Oq", "-Oe", "-t", "3", "-Cr25",
                "udp:127.0.0.1:\(agent.port)", column.description,
            ]
        )
        var values: [Int: String] = [:]
        for line in output.split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let oid = OID(parsing: String(line[..<space])),
                let index = oid.suffix(after: column).first, oid.suffix(after: column).count == 1
            else { continue }
            var value = String(line[line.index(after: space)...])
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            values[Int(index)] = value
        }
        return values
    }

    @Test("discovery finds the interfaces, names and speeds snmpbulkwalk shows, on every recording")
    func discoveryMatchesSnmpbulkwalk() async throws {
        let agents = try Lab.startSNMPSim()
        #expect(agents.count >= 4)
        for agent in agents {
            let client = try await Self.engine.client(
                for: SNMPTarget(
                    address: "127.0.0.1",
                    port: agent.port,
                    credentials: .v2c(community: agent.community),
                    timeout: .seconds(3),
                    retries: 1
                )
            )
            defer { client.close() }
            let discovery = try await DeviceDiscovery.discover(client, maxRepetitions: 25)
            let descriptions = try self.bulkwalk(agent, IFMIB.ifDescr)
            let names = try self.bulkwalk(agent, IFMIB.ifName)
            let speeds = try self.bulkwalk(agent, IFMIB.ifSpeed)
            let highSpeeds = try self.bulkwalk(agent, IFMIB.ifHighSpeed)

            #expect(!discovery.interfaces.isEmpty, "\(agent.name)")
            #expect(Set(discovery.interfaces.map(\.ifIndex)) == Set(descriptions.keys), "\(agent.name) ifIndex set")
            for interface in discovery.interfaces {
                #expect(
                    interface.descr == descriptions[interface.ifIndex],
                    "\(agent.name) ifDescr.\(interface.ifIndex)"
                )
                if let name = names[interface.ifIndex] {
                    #expect(interface.name == name, "\(agent.name) ifName.\(interface.ifIndex)")
                }
                let expected = InterfaceSpeed.bitsPerSecond(
                    ifSpeed: speeds[interface.ifIndex].flatMap { UInt64($0) },
                    ifHighSpeed: highSpeeds[interface.ifIndex].flatMap { UInt64($0) }
                )
                #expect(interface.speedBitsPerSecond == expected, "\(agent.name) speed.\(interface.ifIndex)")
            }
            #expect(discovery.system.sysDescr?.isEmpty == false, "\(agent.name) sysDescr")
        }
    }

    @Test("two polls of a recorded switch give rates near the simulator's configured ones")
    func ratesOnRecordedSwitch() async throws {
        let agent = try #require(try Lab.startSNMPSim().first)
        var settings = SNMPDeviceSettings(port: agent.port, timeout: .seconds(3), retries: 1)
        settings.community = Secret(agent.community)
        var poller = DevicePoller(
            device: MonitoredDevice(id: 1, name: agent.name, address: "127.0.0.1", tags: [], settings: settings)
        )
        let client = try await Self.engine.client(for: SNMPTarget(device: poller.device))
        defer { client.close() }
        let wall: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
        _ = await poller.poll(client, clock: wall)
        // The counters of a walk are read over several requests while sysUpTime is read once: on a
        // loaded machine the requests spread over ~0.2 s, so the polls are 6 s apart to keep that
        // skew well inside the tolerance.
        try await Task.sleep(for: .seconds(6))
        let second = await poller.poll(client, clock: wall)
        #expect(second.report.error == nil)
        // scripts/lab/snmpsim.sh: ifInOctets of ifIndex i grows at 1000 × (1 + i mod 10) B/s.
        let rates = second.measurements.filter { $0.metric == "if_in_octets" }
        #expect(!rates.isEmpty)
        for rate in rates {
            let index = rate.ifIndex ?? 0
            let configured = 1000.0 * Double(1 + index % 10)
            #expect(
                abs(rate.value - configured) / configured < 0.05,
                "ifIndex \(index): \(rate.value) vs \(configured)"
            )
        }
    }
}
