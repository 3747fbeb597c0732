import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("TimeSeries engine on a database")
struct TimeSeriesEngineTests {
    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000
    static let start: Int64 = 1_700_006_400_000  // a UTC midnight

    /// `days` days of two series polled every 60 s with jitter, gaps and resets, from ``start``.
    static func samples(days: Int, extra: Int64 = 0, series: [Int64] = [1, 2]) -> [Sample] {
        var generator = SystemRandomNumberGenerator()
        var samples: [Sample] = []
        for seriesID in series {
            let series = RandomSeries(
                start: Self.start,
                span: Int64(days) * Self.day + extra,
                duplicates: false,
                generator: &generator
            )
            for (timestamp, value) in zip(series.timestamps, series.values) {
                samples.append(Sample(seriesID: seriesID, timestamp: timestamp, value: value))
            }
        }
        return samples
    }

    static func rawQuery(
        _ engine: TimeSeriesEngine,
        step: Int64,
        to: Int64,
        aggregations: [TimeSeriesAggregation] = TimeSeriesAggregation.allCases,
        resolution: TimeSeriesResolution = .raw
    ) async throws -> TimeSeriesResponse {
        try await engine.query(
            TimeSeriesQuery(
                seriesIDs: [1, 2, 3],
                from: Self.start,
                to: to,
                step: step,
                aggregations: aggregations,
                resolution: resolution
            ),
            now: to
        )
    }

    @Test("a query spanning compressed, raw and rolled-up data returns what the raw samples give")
    func spansEveryStorage() async throws {
        try await withTemporaryDatabase { database, storage in
            let now = Self.start + 4 * Self.day + 30 * 60_000
            try await SampleStoreTests.write(
                Self.samples(days: 4, extra: 30 * 60_000),
                database: database,
                configuration: storage
            )
            let engine = TimeSeriesEngine(database: database)
            let rawHourly = try await Self.rawQuery(engine, step: Self.hour, to: now)
            let rawDaily = try await Self.rawQuery(engine, step: Self.day, to: now)
            let rawFive = try await Self.rawQuery(engine, step: 300_000, to: now)
            #expect(rawHourly.series[0].points.count > 60)
            #expect(rawHourly.series[2].points.isEmpty)

            let configuration = TimeSeriesConfiguration(compressAfter: .seconds(86_400), rollupDelay: .zero)
            let maintenance = TimeSeriesMaintenance(
                database: database,
                configuration: configuration,
                logger: quietLogger
            ) {
                now
            }
            while try await maintenance.runPass() {}
            let chunks = try await database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sample_chunks") ?? 0
            }
            #expect(chunks == 6)  // days 0, 1, 2 of two series; day 3 is younger than compress_after
            let rowsLeft = try await SampleStore(database: database).sampleCount()
            #expect(rowsLeft > 0 && rowsLeft < 2 * 1_600)

            // Raw reads decode chunks transparently: identical.
            #expect(try await Self.rawQuery(engine, step: Self.hour, to: now) == rawHourly)
            // Stored rollups (plus the unrolled tail computed on the fly) equal the raw computation.
            var hourly = try await Self.rawQuery(engine, step: Self.hour, to: now, resolution: .hour)
            hourly.resolution = .raw
            #expect(hourly == rawHourly)
            var daily = try await Self.rawQuery(engine, step: Self.day, to: now, resolution: .day)
            daily.resolution = .raw
            #expect(daily == rawDaily)
            var five = try await Self.rawQuery(engine, step: 300_000, to: now, resolution: .fiveMinutes)
            five.resolution = .raw
            #expect(five == rawFive)

            // Hourly buckets from 5-minute rollups: exact but for rounding of sum and avg.
            let combined = try await Self.rawQuery(
                engine,
                step: Self.hour,
                to: now,
                aggregations: [.min, .max, .count, .sum, .avg],
                resolution: .fiveMinutes
            )
            for (series, reference) in zip(combined.series, rawHourly.series) {
                #expect(series.points.count == reference.points.count)
                for (point, expected) in zip(series.points, reference.points) {
                    #expect(point.timestamp == expected.timestamp)
                    #expect(point.values[0] == expected.values[0])
                    #expect(point.values[1] == expected.values[1])
                    #expect(point.values[2] == expected.values[4])
                    #expect(RollupAggregateTests.close(point.values[3]!, expected.values[3]!))
                    #expect(RollupAggregateTests.close(point.values[4]!, expected.values[2]!))
                }
            }

            // The automatic choice: one day at 5-minute steps reads raw, a year at daily steps reads days.
            let automatic = try await engine.query(
                TimeSeriesQuery(seriesIDs: [1], from: Self.start, to: Self.start + Self.day, step: 300_000),
                now: now
            )
            #expect(automatic.resolution == .raw)
            let year = try await engine.query(
                TimeSeriesQuery(
                    seriesIDs: [1],
                    from: now - 365 * Self.day,
                    to: now,
                    step: Self.day,
                    aggregations: [.p95]
                ),
                now: now
            )
            #expect(year.resolution == .day)
            #expect(year.series[0].points.map(\.values) == rawDaily.series[0].points.map { [$0.values[5]] })
            await #expect(throws: TimeSeriesQueryError.self) {
                try await Self.rawQuery(engine, step: 2 * Self.hour, to: now, aggregations: [.p95], resolution: .hour)
            }
        }
    }

    @Test("rollups proceed from a persisted watermark in bounded steps and catch up")
    func catchesUp() async throws {
        try await withTemporaryDatabase { database, storage in
            try await SampleStoreTests.write(Self.samples(days: 3), database: database, configuration: storage)
            let now = Self.start + 3 * Self.day + 10 * 60_000
            #expect(
                try await TimeSeriesRollup(database: database, rollupDelay: 0).rollUpHours(now: now, maxHours: 10) == 10
            )
            let mark = try await database.pool.read { db in try TimeSeriesState.get(TimeSeriesState.rollupHour, db: db)
            }
            #expect(mark.map { $0 >= Self.start + 10 * Self.hour } == true)
            // A new instance (a restart) continues where the watermark is.
            var total = 10
            while true {
                let done = try await TimeSeriesRollup(database: database, rollupDelay: 0).rollUpHours(
                    now: now,
                    maxHours: 10
                )
                #expect(done <= 10)
                if done == 0 { break }
                total += done
            }
            #expect(total <= 72)
            let hourRows = try await database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM rollups WHERE resolution = 3600000") ?? 0
            }
            // Every hour with samples has its row (random gaps may empty a few).
            let engine = TimeSeriesEngine(database: database)
            let raw = try await Self.rawQuery(engine, step: Self.hour, to: Self.start + 3 * Self.day)
            #expect(hourRows == raw.series.reduce(0) { $0 + $1.points.count })
            // The 10 minutes after the last whole hour wait for the next hour.
            #expect(
                try await TimeSeriesRollup(database: database, rollupDelay: 0).rollUpHours(now: now, maxHours: 10) == 0
            )
            // Days roll up to the hour watermark: all 3 unless the random series left the last
            // hours of the third day empty (then the watermark stops before its end).
            let hourMark = try #require(
                try await database.pool.read { db in try TimeSeriesState.get(TimeSeriesState.rollupHour, db: db) }
            )
            let wholeDays = Int((min(now, hourMark) - Self.start) / Self.day)
            #expect(wholeDays >= 2)
            #expect(
                try await TimeSeriesRollup(database: database, rollupDelay: 0).rollUpDays(now: now, maxDays: 5)
                    == wholeDays
            )
        }
    }

    @Test("retention removes exactly the raw samples before the cutoff, in chunks and rows, and old rollups")
    func retentionIsExact() async throws {
        try await withTemporaryDatabase { database, storage in
            var samples = Self.samples(days: 3)
            try await SampleStoreTests.write(samples, database: database, configuration: storage)
            _ = try await TimeSeriesRollup(database: database, rollupDelay: 0).rollUpHours(
                now: Self.start + 3 * Self.day,
                maxHours: 100
            )
            for day in 0..<2 {
                let dayStart = Self.start + Int64(day) * Self.day
                _ = try await database.pool.write { db in
                    try SampleCompressor.pack(from: dayStart, to: dayStart + Self.day, seriesRange: 1...2, db: db)
                }
            }
            // Late samples for packed days stay in `samples`.
            let late = [
                Sample(seriesID: 1, timestamp: Self.start + Self.hour + 500, value: 42),
                Sample(seriesID: 1, timestamp: Self.start + Self.day + 8 * Self.hour + 700, value: 43),
            ]
            try await SampleStoreTests.write(late, database: database, configuration: storage)
            samples += late
            samples.sort { $0.timestamp < $1.timestamp }
            let now = Self.start + 3 * Self.day
            let configuration = TimeSeriesConfiguration(
                rawRetention: .seconds(Int64(146_803)),  // 2 d − 7 h 13 m 17 s: inside day 1's chunk
                fiveMinuteRetention: .seconds(2 * 86_400),
                hourlyRetention: .seconds(3 * 86_400 - 3_600)
            )
            let retention = TimeSeriesRetention(
                database: database,
                configuration: configuration,
                logger: quietLogger,
                rowsPerTransaction: 100
            )
            let result = try await retention.apply(now: now)
            let cutoff = now - configuration.rawRetention.wholeMilliseconds
            #expect(result.rawSamplesDeleted == samples.filter { $0.timestamp < cutoff }.count)
            let remaining = try await database.pool.read { db in
                try [1, 2].map {
                    try RawSampleReader.series($0, from: Self.start - Self.day, to: Self.start + 4 * Self.day, db: db)
                }
            }
            for (seriesID, series) in zip([Int64(1), 2], remaining) {
                let expected = samples.filter { $0.seriesID == seriesID && $0.timestamp >= cutoff }
                #expect(series.timestamps == expected.map(\.timestamp))
                // SQLite keeps NaN as NULL and −0.0 as 0: compare as values, NaN as nil.
                #expect(series.values.map { $0.isNaN ? nil : $0 } == expected.map { $0.value.isNaN ? nil : $0.value })
            }
            let oldest = try await database.pool.read { db in
                try [300_000, 3_600_000].map { resolution in
                    try Int64.fetchOne(
                        db,
                        sql: "SELECT min(ts) FROM rollups WHERE resolution = ?",
                        arguments: [resolution]
                    )
                }
            }
            #expect(oldest[0].map { $0 >= now - 2 * Self.day } == true)
            #expect(oldest[1].map { $0 >= now - 3 * Self.day + Self.hour } == true)
            #expect(result.rollupRowsDeleted > 0)
        }
    }

    @Test("a disk budget deletes the oldest rolled-up raw days first")
    func diskBudget() async throws {
        try await withTemporaryDatabase { database, storage in
            try await SampleStoreTests.write(
                Self.samples(days: 6, series: Array(1...8)),
                database: database,
                configuration: storage
            )
            let now = Self.start + 6 * Self.day + Self.hour
            let rollup = TimeSeriesRollup(database: database, rollupDelay: 0)
            while try await rollup.rollUpHours(now: now, maxHours: 500) > 0 {}
            while try await rollup.rollUpDays(now: now, maxDays: 10) > 0 {}
            let retention = TimeSeriesRetention(
                database: database,
                configuration: TimeSeriesConfiguration(diskBudget: 1 << 20),
                logger: quietLogger
            )
            let result = try await retention.apply(now: now)
            #expect(result.budgetSamplesDeleted > 0)
            #expect(result.rawSamplesDeleted == 0)
            let oldestLeft = try await database.pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT min(ts) FROM samples")
            }
            // Whole days went, oldest first.
            #expect(oldestLeft.map { $0 >= Self.start + Self.day } ?? true)
        }
    }

    @Test("a corrupt chunk makes reads throw, never crash")
    func corruptChunk() async throws {
        try await withTemporaryDatabase { database, storage in
            try await SampleStoreTests.write(Self.samples(days: 1), database: database, configuration: storage)
            try await database.pool.write { db in
                _ = try SampleCompressor.pack(from: Self.start, to: Self.start + Self.day, seriesRange: 1...2, db: db)
                try db.execute(sql: "UPDATE sample_chunks SET data = substr(data, 1, length(data) / 2)")
            }
            let engine = TimeSeriesEngine(database: database)
            await #expect(throws: SampleChunkError.self) {
                try await Self.rawQuery(engine, step: Self.hour, to: Self.start + Self.day)
            }
        }
    }

    @Test("absurd ranges and steps are refused with an error, never a trap")
    func absurdQueries() async throws {
        try await withTemporaryDatabase { database, _ in
            let engine = TimeSeriesEngine(database: database)
            for (from, to, step) in [
                (Int64.min, Int64.max, Int64(60_000)), (0, Int64.max, 60_000), (0, 1_000, Int64.max), (0, 1_000, 0),
                (5, 5, 1), (0, Int64(1) << 49, 1),
            ] {
                await #expect(throws: TimeSeriesQueryError.self) {
                    try await engine.query(TimeSeriesQuery(seriesIDs: [1], from: from, to: to, step: step), now: 0)
                }
            }
            let reports = TrafficReports(database: database)
            await #expect(throws: TimeSeriesQueryError.self) {
                try await reports.billing(subject: "x", interfaceIDs: [1], from: 0, to: .max, method: .in, now: 0)
            }
            let clamped = BillingReport(subject: "x", from: .min, to: .max, method: .sum, ports: [])
            #expect((400 * 288...400 * 288 + 1).contains(clamped.slotsInPeriod))  // the unaligned start rounds outward
            _ = try await reports.capacity(interfaceID: 1, days: .max, now: Self.start)
        }
    }
}
