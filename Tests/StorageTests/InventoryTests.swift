import NetmonCore
import Testing

@testable import Storage

@Suite("Inventory and series registry")
struct InventoryTests {
    @Test("device upsert by name keeps discovery fields; interfaces sync marks removed ones")
    func devicesAndInterfaces() async throws {
        try await withTemporaryDatabase { database, _ in
            let store = InventoryStore(database: database)
            var device = try await store.upsertDevice(
                DeviceRecord(name: "core-1", address: "192.0.2.1", tags: ["core", "lab"], createdAt: 100)
            )
            let id = try #require(device.id)
            device.sysName = "core-1.example"
            device.discoveredAt = 150
            try await store.updateDevice(device)

            let again = try await store.upsertDevice(
                DeviceRecord(name: "core-1", address: "192.0.2.2", snmpVersion: .v3, createdAt: 200)
            )
            #expect(again.id == id)
            #expect(again.address == "192.0.2.2")
            #expect(again.snmpVersion == .v3)
            #expect(again.tags == [])
            #expect(again.sysName == "core-1.example")
            #expect(again.createdAt == 100)
            #expect(again.updatedAt == 200)
            #expect(try await store.devices().map(\.name) == ["core-1"])
            #expect(try await store.device(id: id)?.discoveredAt == 150)

            let first = try await store.syncInterfaces(
                deviceID: id,
                [
                    InterfaceRecord(deviceID: id, ifIndex: 1, ifName: "eth0", speedBps: 1_000_000_000),
                    InterfaceRecord(deviceID: id, ifIndex: 2, ifName: "eth1"),
                ],
                now: 300
            )
            #expect(first.map(\.ifIndex) == [1, 2])
            let second = try await store.syncInterfaces(
                deviceID: id,
                [InterfaceRecord(deviceID: id, ifIndex: 2, ifName: "eth1", ifAlias: "uplink")],
                now: 400
            )
            #expect(second.map(\.ifName) == ["eth1"])
            #expect(second.first?.id == first.last?.id)
            #expect(second.first?.ifAlias == "uplink")
            let all = try await store.interfaces(deviceID: id, includeRemoved: true)
            #expect(all.map(\.removedAt) == [400, nil])
        }
    }

    @Test("the registry returns one id per series, from many tasks at once")
    func registry() async throws {
        try await withTemporaryDatabase { database, _ in
            let device = try await InventoryStore(database: database).upsertDevice(
                DeviceRecord(name: "sw-1", address: "192.0.2.9", createdAt: 1)
            )
            let registry = SeriesRegistry(database: database)
            let key = SeriesKey(deviceID: device.id, metric: "if_in_octets", unit: "bytes", kind: .counter)
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await registry.seriesID(for: key) }
                }
                return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)

            // The cache is not the only source of truth: a new registry finds the same row.
            let fresh = SeriesRegistry(database: database)
            #expect(try await fresh.seriesID(for: key) == ids.first)
            let other = try await fresh.seriesID(for: SeriesKey(metric: "netmond_uptime", unit: "s", kind: .gauge))
            #expect(!ids.contains(other))

            let error = await #expect(throws: StorageError.self) {
                try await registry.seriesID(
                    for: SeriesKey(deviceID: device.id, metric: "if_in_octets", unit: "bits/s", kind: .rate)
                )
            }
            #expect(error?.code == .seriesConflict)
        }
    }
}
