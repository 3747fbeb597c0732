import NetmonCore
import Testing

@testable import Storage

/// Flows get names from the SNMP inventory: exporter → device, ifIndex → ifName/ifAlias/speed.
@Suite("Flow enrichment")
struct FlowEnrichmentTests {
    /// Three exporters: one is a polled device by address, one is mapped to a device by name in
    /// the configuration, one is unknown.
    static let polled = IPAddress(parsing: "192.0.2.1")!
    static let mapped = IPAddress(parsing: "198.51.100.7")!
    static let unknown = IPAddress(parsing: "203.0.113.9")!

    static func records() -> [FlowRecord] {
        [polled, mapped, unknown].enumerated().flatMap { index, exporter in
            (1...3).map { ifIndex in
                FlowRecord(
                    origin: .netflow9,
                    exporter: exporter,
                    bytes: UInt64(1_000 * (index + 1) + ifIndex),
                    lastSwitched: flowBaseTime + 30_000,
                    inputInterface: UInt32(ifIndex),
                    outputInterface: 2
                )
            }
        }
    }

    @Test("exporters become devices and ifIndexes interface names; unknown ones stay unnamed, never dropped")
    func namesFromInventory() async throws {
        try await withTemporaryDatabase { database, _ in
            let inventory = InventoryStore(database: database)
            let edge = try await inventory.upsertDevice(
                DeviceRecord(name: "edge-1", address: "192.0.2.1", createdAt: 1)
            )
            let core = try await inventory.upsertDevice(DeviceRecord(name: "core-1", address: "10.0.0.1", createdAt: 1))
            for device in [edge, core] {
                _ = try await inventory.syncInterfaces(
                    deviceID: try #require(device.id),
                    [
                        InterfaceRecord(
                            deviceID: 0,
                            ifIndex: 1,
                            ifName: "\(device.name)-ge-0/0/1",
                            ifAlias: "uplink <b>",
                            speedBps: 10_000_000_000
                        ),
                        InterfaceRecord(
                            deviceID: 0,
                            ifIndex: 2,
                            ifDescr: "\(device.name) port 2",
                            speedBps: 1_000_000_000
                        ),
                    ],
                    now: 1
                )
            }
            try await FlowQueriesTests.store(Self.records(), topKeys: 1_000, into: database)
            let queries = FlowQueries(database: database, exporterDevices: ["198.51.100.7": "core-1"])
            let range = (flowBaseTime, flowBaseTime + 60_000)

            for source in [FlowQuerySource.aggregates, .raw] {
                let byInput = try await queries.interfaceTotals(from: range.0, to: range.1, source: source)
                #expect(byInput.count == 9)
                let byKey = Dictionary(
                    uniqueKeysWithValues: byInput.map { ("\($0.exporter!)#\($0.inputInterface!)", $0) }
                )
                #expect(byKey["192.0.2.1#1"]?.device == FlowExporterDevice(id: edge.id!, name: "edge-1"))
                #expect(byKey["192.0.2.1#1"]?.inputInterfaceDetails?.name == "edge-1-ge-0/0/1")
                #expect(byKey["192.0.2.1#1"]?.inputInterfaceDetails?.alias == "uplink <b>")
                #expect(byKey["192.0.2.1#1"]?.inputInterfaceDetails?.speedBitsPerSecond == 10_000_000_000)
                #expect(byKey["192.0.2.1#2"]?.inputInterfaceDetails?.name == "edge-1 port 2", "ifDescr when no ifName")
                #expect(byKey["192.0.2.1#3"]?.device?.name == "edge-1")
                #expect(byKey["192.0.2.1#3"]?.inputInterfaceDetails == nil, "an ifIndex the device does not have")
                #expect(byKey["198.51.100.7#1"]?.device?.name == "core-1")
                #expect(byKey["198.51.100.7#1"]?.inputInterfaceDetails?.name == "core-1-ge-0/0/1")
                #expect(byKey["203.0.113.9#1"]?.device == nil)
                #expect(byKey["203.0.113.9#1"]?.bytes == 3_001)

                let byOutput = try await queries.interfaceTotals(
                    output: true,
                    from: range.0,
                    to: range.1,
                    source: source
                )
                #expect(byOutput.first { $0.exporter == "192.0.2.1" }?.outputInterfaceDetails?.name == "edge-1 port 2")
                let exporters = try await queries.exporterTotals(from: range.0, to: range.1, source: source)
                #expect(Set(exporters.compactMap(\.device?.name)) == ["edge-1", "core-1"])
                #expect(exporters.count == 3)
            }
            // Talkers carry no exporter: nothing to name, nothing changes.
            let talkers = try await queries.topTalkers(by: .source, from: range.0, to: range.1)
            #expect(talkers.allSatisfy { $0.device == nil })
        }
    }
}
