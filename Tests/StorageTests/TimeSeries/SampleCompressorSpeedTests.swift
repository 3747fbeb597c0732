import Foundation
import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("SampleCompressor: utilization chunks carry the link speed")
struct SampleCompressorSpeedTests {
    @Test("a utilization series is packed with its interface's speed, bit-exactly; a rate without one")
    func utilizationSpeed() async throws {
        try await withTemporaryDatabase { database, _ in
            let inventory = InventoryStore(database: database)
            let device = try await inventory.upsertDevice(
                DeviceRecord(name: "edge-1", address: "192.0.2.9", createdAt: 0)
            )
            let deviceID = try #require(device.id)
            let interfaces = try await inventory.syncInterfaces(
                deviceID: deviceID,
                [InterfaceRecord(deviceID: deviceID, ifIndex: 1, ifName: "xe-0/0/0", speedBps: 10_000_000_000)],
                now: 0
            )
            let interfaceID = try #require(interfaces.first?.id)
            let registry = SeriesRegistry(database: database)
            let rateID = try await registry.seriesID(
                for: SeriesKey(
                    deviceID: deviceID,
                    interfaceID: interfaceID,
                    metric: "if_in_octets",
                    unit: "B/s",
                    kind: .rate
                )
            )
            let utilizationID = try await registry.seriesID(
                for: SeriesKey(
                    deviceID: deviceID,
                    interfaceID: interfaceID,
                    metric: "if_in_utilization_percent",
                    unit: "%",
                    kind: .gauge
                )
            )
            let (timestamps, rates) = SampleChunkCodecTests.polledRates(seed: 3, busy: true)
            let utilizations = rates.map { $0 * 8 / 1e10 * 100 }
            try await database.pool.write { db in
                #expect(try SampleCompressor.utilizationSpeed(seriesID: utilizationID, db: db) == 10_000_000_000)
                #expect(try SampleCompressor.utilizationSpeed(seriesID: rateID, db: db) == 0)
                var series = RawSeries()
                for (timestamp, value) in zip(timestamps, utilizations) { series.append(timestamp, value) }
                try SampleCompressor.insertChunk(seriesID: utilizationID, series, db: db)
                let data = try #require(
                    try Data.fetchOne(
                        db,
                        sql: "SELECT data FROM sample_chunks WHERE series_id = ?",
                        arguments: [utilizationID]
                    )
                )
                let decoded = try SampleChunkCodec.decode(Array(data))
                #expect(decoded.timestamps == timestamps)
                #expect(decoded.values.map(\.bitPattern) == utilizations.map(\.bitPattern))
                let withoutSpeed = try SampleChunkCodec.encode(timestamps: timestamps, values: utilizations)
                #expect(Double(data.count) < Double(withoutSpeed.count) * 0.8, "\(data.count) vs \(withoutSpeed.count)")
            }
        }
    }
}
