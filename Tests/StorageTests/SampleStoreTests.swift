import NetmonCore
import ServiceLifecycleTestKit
import Testing

@testable import Storage

@Suite("SampleStore")
struct SampleStoreTests {
    /// Writes `samples` through a writer and waits until it has shut down.
    static func write(_ samples: [Sample], database: NetmonDatabase, configuration: StorageConfiguration) async throws {
        let writer = SampleWriter(database: database, configuration: configuration, logger: quietLogger)
        #expect(writer.submit(samples))
        try await testGracefulShutdown { trigger in
            trigger.triggerGracefulShutdown()
            try await writer.run()
        }
    }

    @Test("range reads are [from, to), ordered by time, limited")
    func ranges() async throws {
        try await withTemporaryDatabase { database, configuration in
            // Submitted out of order on purpose, across two series.
            var samples: [Sample] = []
            for minute in (0..<100).reversed() {
                samples.append(Sample(seriesID: 1, timestamp: Int64(minute) * 60_000, value: Double(minute)))
                samples.append(Sample(seriesID: 2, timestamp: Int64(minute) * 60_000, value: -Double(minute)))
            }
            try await Self.write(samples, database: database, configuration: configuration)
            let store = SampleStore(database: database)

            let range = try await store.samples(seriesID: 1, from: 10 * 60_000, to: 20 * 60_000)
            #expect(range.map(\.timestamp) == (10..<20).map { Int64($0) * 60_000 })
            #expect(range.map(\.value) == (10..<20).map { Double($0) })
            #expect(range.allSatisfy { $0.seriesID == 1 })

            let limited = try await store.samples(seriesID: 2, from: 0, to: 100 * 60_000, limit: 5)
            #expect(limited.map(\.value) == [0, -1, -2, -3, -4])

            let inside = try await store.samples(seriesID: 1, from: 60_001, to: 120_001)
            #expect(inside.map(\.timestamp) == [120_000])
            #expect(try await store.samples(seriesID: 1, from: 500, to: 500).isEmpty)
            #expect(try await store.samples(seriesID: 3, from: 0, to: .max).isEmpty)
        }
    }

    @Test("latest values come from series_latest and follow later writes")
    func latestValues() async throws {
        try await withTemporaryDatabase { database, configuration in
            let store = SampleStore(database: database)
            try await Self.write(
                [
                    Sample(seriesID: 1, timestamp: 2_000, value: 2),
                    Sample(seriesID: 1, timestamp: 3_000, value: 3),
                    Sample(seriesID: 1, timestamp: 1_000, value: 1),
                    Sample(seriesID: 2, timestamp: 5_000, value: .nan),
                ],
                database: database,
                configuration: configuration
            )
            var latest = try await store.latest(seriesIDs: [1, 2, 3])
            #expect(latest.count == 2)
            #expect(latest.first { $0.seriesID == 1 } == Sample(seriesID: 1, timestamp: 3_000, value: 3))
            #expect(latest.first { $0.seriesID == 2 }?.value.isNaN == true)

            // A newer sample replaces the latest value; a late, older one does not, but range reads
            // still find it (series_latest.first_ts moves back).
            try await Self.write(
                [
                    Sample(seriesID: 1, timestamp: 4_000, value: 4),
                    Sample(seriesID: 2, timestamp: 4_000, value: 40),
                    Sample(seriesID: 1, timestamp: 500, value: 0.5),
                ],
                database: database,
                configuration: configuration
            )
            let all = try await store.samples(seriesID: 1, from: 0, to: 1_000_000_000)
            #expect(all.map(\.timestamp) == [500, 1_000, 2_000, 3_000, 4_000])
            latest = try await store.latest(seriesIDs: [1, 2])
            #expect(latest.first { $0.seriesID == 1 } == Sample(seriesID: 1, timestamp: 4_000, value: 4))
            #expect(latest.first { $0.seriesID == 2 }?.timestamp == 5_000)
            #expect(try await store.latest(seriesIDs: []).isEmpty)
            #expect(try await store.latest(seriesIDs: Array(1...1_200)).count == 2)
        }
    }
}
