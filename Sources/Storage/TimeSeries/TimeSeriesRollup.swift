internal import GRDB

/// Maintains the rollups incrementally from persisted watermarks (``TimeSeriesState``): each call
/// rolls up whole buckets that ended at least `rollupDelay` ago and that were not rolled up yet,
/// at most a given number per call, so catching up after downtime is spread over calls. Never
/// rescans what is behind a watermark.
///
/// - 5-minute and hourly buckets are done one hour at a time: the hour's raw samples of every
///   series are read once, then each series' twelve 5-minute and one hourly aggregate written.
/// - Daily buckets are done once the whole day is behind the hourly watermark, series by series in
///   groups (bounded memory), from the day's raw samples (percentiles need them).
///
/// Rollups read the `samples` table only: compression never packs a day before it is rolled up
/// (see ``SampleCompressor``). Samples that arrive after their bucket was rolled up stay raw but
/// are not in the rollup.
public struct TimeSeriesRollup: Sendable {
    private let database: NetmonDatabase
    private let rollupDelay: Int64
    /// Series per transaction of the daily rollup.
    static let seriesPerGroup = 256

    /// Creates a rollup over `database` that waits `rollupDelay` ms after a bucket ends.
    public init(database: NetmonDatabase, rollupDelay: Int64) {
        self.database = database
        self.rollupDelay = max(0, rollupDelay)
    }

    /// Rolls up at most `maxHours` hours (5-minute and hourly buckets) ending by `now - rollupDelay`.
    ///
    /// - Returns: the hours rolled up (hours without samples are skipped without counting).
    @discardableResult
    public func rollUpHours(now: Int64, maxHours: Int) async throws -> Int {
        let hour: Int64 = 3_600_000
        let target = TimeSeriesResolution.floor(now - self.rollupDelay, to: hour)
        var done = 0
        while done < maxHours {
            let start: Int64? = try await self.database.pool.read { db in
                try Self.nextStart(state: TimeSeriesState.rollupHour, width: hour, before: target, db: db)
            }
            guard let start else { break }
            let end = start + hour
            let raw = try await self.database.pool.read { db in
                try RawSampleReader.allSeries(from: start, to: end, db: db)
            }
            try await self.database.pool.write { db in
                for (seriesID, series) in raw {
                    _ = try RollupTable.rollUp(
                        series,
                        seriesID: seriesID,
                        resolution: .fiveMinutes,
                        from: start,
                        to: end,
                        db: db
                    )
                    _ = try RollupTable.rollUp(
                        series,
                        seriesID: seriesID,
                        resolution: .hour,
                        from: start,
                        to: end,
                        db: db
                    )
                }
                try TimeSeriesState.set(TimeSeriesState.rollupHour, end, db: db)
            }
            done += 1
        }
        return done
    }

    /// Rolls up at most `maxDays` UTC days that are entirely behind the hourly watermark.
    ///
    /// - Returns: the days rolled up.
    @discardableResult
    public func rollUpDays(now: Int64, maxDays: Int) async throws -> Int {
        let day: Int64 = 86_400_000
        var done = 0
        while done < maxDays {
            let next: (start: Int64, groups: [ClosedRange<Int64>])? = try await self.database.pool.read { db in
                guard let hourMark = try TimeSeriesState.get(TimeSeriesState.rollupHour, db: db) else { return nil }
                let target = TimeSeriesResolution.floor(min(now - self.rollupDelay, hourMark), to: day)
                guard
                    let start = try Self.nextStart(state: TimeSeriesState.rollupDay, width: day, before: target, db: db)
                else { return nil }
                let groups = try RawSampleReader.seriesRanges(size: Self.seriesPerGroup, db: db)
                return (start, groups)
            }
            guard let next else { break }
            let end = next.start + day
            for group in next.groups {
                try await self.database.pool.write { db in
                    let raw = try RawSampleReader.allSeries(from: next.start, to: end, seriesRange: group, db: db)
                    for (seriesID, series) in raw {
                        _ = try RollupTable.rollUp(
                            series,
                            seriesID: seriesID,
                            resolution: .day,
                            from: next.start,
                            to: end,
                            db: db
                        )
                    }
                }
            }
            try await self.database.pool.write { db in
                try TimeSeriesState.set(TimeSeriesState.rollupDay, end, db: db)
            }
            done += 1
        }
        return done
    }

    /// The start of the next bucket of `width` to process for the watermark `state`, skipping empty
    /// time, or nil when it would not end by `target`.
    ///
    /// Without a watermark yet, starts at the oldest raw sample's bucket. Jumps over time without
    /// samples by seeking the `samples` index for the next 10-minute bucket that has any.
    static func nextStart(state: String, width: Int64, before target: Int64, db: Database) throws -> Int64? {
        var mark = try TimeSeriesState.get(state, db: db)
        if mark == nil {
            mark = try TimeSeriesState.oldestRawSample(db: db)
        }
        guard let mark else { return nil }
        let watermark = TimeSeriesResolution.floor(mark, to: width)
        let bucket = NetmonDatabase.sampleBucketMilliseconds
        let nextBucket = try Int64.fetchOne(
            db,
            sql: "SELECT ts / 600000 FROM samples WHERE ts / 600000 >= ? ORDER BY ts / 600000 LIMIT 1",
            arguments: [TimeSeriesResolution.floor(watermark, to: bucket) / bucket]
        )
        guard let nextBucket else { return nil }
        let start = max(watermark, TimeSeriesResolution.floor(nextBucket * bucket, to: width))
        return start + width <= target ? start : nil
    }
}
