import Foundation
import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("Chunk sets in the database: packing, reads, late samples, retention")
struct SampleChunkSetStorageTests {
    static let day: Int64 = 86_400_000
    static let start: Int64 = 1_767_225_600_000  // a UTC midnight, where polledInterface starts

    /// An interface's four series and two device-level gauges, registered; returns their ids
    /// (in, out, in %, out %, cpu, memory) and three days of their samples.
    static func fleet(_ database: NetmonDatabase) async throws -> (ids: [Int64], samples: [Sample]) {
        let inventory = InventoryStore(database: database)
        let device = try await inventory.upsertDevice(DeviceRecord(name: "core-1", address: "192.0.2.7", createdAt: 0))
        let deviceID = try #require(device.id)
        let interfaces = try await inventory.syncInterfaces(
            deviceID: deviceID,
            [InterfaceRecord(deviceID: deviceID, ifIndex: 3, ifName: "et-0/0/3", speedBps: 10_000_000_000)],
            now: 0
        )
        let interfaceID = try #require(interfaces.first?.id)
        let registry = SeriesRegistry(database: database)
        var ids: [Int64] = []
        for (metric, unit, kind, onInterface) in [
            ("if_in_octets", "B/s", SeriesKind.rate, true), ("if_out_octets", "B/s", .rate, true),
            ("if_in_utilization_percent", "%", .gauge, true), ("if_out_utilization_percent", "%", .gauge, true),
            ("cpu_load_percent", "%", .gauge, false), ("memory_used_percent", "%", .gauge, false),
        ] {
            ids.append(
                try await registry.seriesID(
                    for: SeriesKey(
                        deviceID: deviceID,
                        interfaceID: onInterface ? interfaceID : nil,
                        metric: metric,
                        unit: unit,
                        kind: kind
                    )
                )
            )
        }
        var samples: [Sample] = []
        var generator = SeededGenerator(seed: 31)
        for day in 0..<3 {
            let members = SampleChunkSetCodecTests.polledInterface(
                seed: UInt64(40 + day),
                busy: day != 1,
                speed: 10_000_000_000
            )
            let shift = Int64(day) * Self.day
            for (seriesID, member) in zip(ids, members) {
                for (timestamp, value) in zip(member.timestamps, member.values) {
                    samples.append(Sample(seriesID: seriesID, timestamp: timestamp + shift, value: value))
                }
            }
            for (index, timestamp) in members[0].timestamps.enumerated() {
                samples.append(Sample(seriesID: ids[4], timestamp: timestamp + shift + 3, value: Double(index % 97)))
                let memory = Double.random(in: 20...80, using: &generator)
                samples.append(Sample(seriesID: ids[5], timestamp: timestamp + shift + 3, value: memory))
            }
        }
        return (ids, samples)
    }

    static func read(_ ids: [Int64], _ database: NetmonDatabase) async throws -> [RawSeries] {
        try await database.pool.read { db in
            try ids.map { try RawSampleReader.series($0, from: Self.start, to: Self.start + 3 * Self.day, db: db) }
        }
    }

    static func count(_ sql: String, _ database: NetmonDatabase) async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    @Test("an interface's and a device's series pack into sets; reads are bit-exact before and after")
    func packAndRead() async throws {
        try await withTemporaryDatabase { database, storage in
            let (ids, samples) = try await Self.fleet(database)
            try await SampleStoreTests.write(samples, database: database, configuration: storage)
            let before = try await Self.read(ids, database)
            #expect(before.map(\.timestamps.count) == [Int](repeating: 3 * 1_440, count: 6))
            let range = try #require(ids.min())...(try #require(ids.max()))
            let packed = try await database.pool.write { db in
                try (0..<2).reduce(0) { total, day in
                    let from = Self.start + Int64(day) * Self.day
                    return total
                        + (try SampleCompressor.pack(from: from, to: from + Self.day, seriesRange: range, db: db))
                }
            }
            #expect(packed == 2 * 6 * 1_440)
            #expect(try await Self.count("SELECT count(*) FROM sample_chunk_sets", database) == 4)
            #expect(try await Self.count("SELECT count(*) FROM sample_chunks WHERE set_id IS NOT NULL", database) == 12)
            #expect(try await Self.read(ids, database) == before)
            let setBytes = try await Self.count("SELECT sum(length(data)) FROM sample_chunk_sets", database)
            var apart = 0
            for (index, series) in before.enumerated() {
                for day in 0..<2 {
                    let range = (day * 1_440)..<((day + 1) * 1_440)
                    apart += try SampleChunkCodec.encode(
                        timestamps: Array(series.timestamps[range]),
                        values: Array(series.values[range]),
                        speed: index == 2 || index == 3 ? 10_000_000_000 : 0
                    ).count
                }
            }
            // The memory gauge's random doubles take ~8 B/sample either way; the rest shrinks.
            #expect(Double(setBytes) < Double(apart) * 0.8, "\(setBytes) bytes in sets, \(apart) apart")

            // A late sample of a packed day: the series' chunk is merged on its own, its set stays.
            let late = Sample(seriesID: ids[0], timestamp: Self.start + 5_000, value: 12_345)
            try await SampleStoreTests.write([late], database: database, configuration: storage)
            _ = try await database.pool.write { db in
                try SampleCompressor.pack(from: Self.start, to: Self.start + Self.day, seriesRange: range, db: db)
            }
            var expected = before
            expected[0].append(late.timestamp, late.value)
            expected[0].sortByTime()
            #expect(try await Self.read(ids, database) == expected)
            #expect(try await Self.count("SELECT count(*) FROM sample_chunk_sets", database) == 4)
            #expect(try await Self.count("SELECT count(*) FROM sample_chunks WHERE set_id IS NULL", database) == 1)
        }
    }

    @Test("retention deletes whole sets with their rows and trims a straddling day into chunks of their own")
    func retention() async throws {
        try await withTemporaryDatabase { database, storage in
            let (ids, samples) = try await Self.fleet(database)
            try await SampleStoreTests.write(samples, database: database, configuration: storage)
            let range = try #require(ids.min())...(try #require(ids.max()))
            _ = try await database.pool.write { db in
                for day in 0..<2 {
                    let from = Self.start + Int64(day) * Self.day
                    _ = try SampleCompressor.pack(from: from, to: from + Self.day, seriesRange: range, db: db)
                }
            }
            let cutoff = Self.start + Self.day + 7 * 3_600_000 + 1_234
            let retention = TimeSeriesRetention(
                database: database,
                configuration: TimeSeriesConfiguration(),
                logger: quietLogger,
                rowsPerTransaction: 300  // three chunk rows per transaction: sets span transactions
            )
            let deleted = try await retention.deleteRaw(before: cutoff)
            #expect(deleted == samples.filter { $0.timestamp < cutoff }.count)
            #expect(try await Self.count("SELECT count(*) FROM sample_chunk_sets", database) == 0)
            #expect(try await Self.count("SELECT count(*) FROM sample_chunks WHERE set_id IS NOT NULL", database) == 0)
            #expect(try await Self.count("SELECT count(*) FROM sample_chunks", database) == 6)
            let remaining = try await Self.read(ids, database)
            for (seriesID, series) in zip(ids, remaining) {
                let expected = samples.filter { $0.seriesID == seriesID && $0.timestamp >= cutoff }
                #expect(series.timestamps == expected.map(\.timestamp))
                #expect(series.values.map(\.bitPattern) == expected.map(\.value.bitPattern))
            }
        }
    }

    @Test("a corrupt or missing set makes reads throw, never crash")
    func corruptSet() async throws {
        try await withTemporaryDatabase { database, storage in
            let (ids, samples) = try await Self.fleet(database)
            try await SampleStoreTests.write(samples, database: database, configuration: storage)
            let range = try #require(ids.min())...(try #require(ids.max()))
            try await database.pool.write { db in
                _ = try SampleCompressor.pack(from: Self.start, to: Self.start + Self.day, seriesRange: range, db: db)
                try db.execute(sql: "UPDATE sample_chunk_sets SET data = substr(data, 1, length(data) - 9)")
            }
            await #expect(throws: SampleChunkError.self) { try await Self.read(ids, database) }
            try await database.pool.write { db in try db.execute(sql: "DELETE FROM sample_chunk_sets") }
            await #expect(throws: SampleChunkError.self) { try await Self.read(ids, database) }
        }
    }
}
