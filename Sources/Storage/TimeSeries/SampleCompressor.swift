import Foundation
internal import GRDB

/// Packs old raw samples into compressed chunks (``SampleChunkCodec``), one per series and UTC day.
///
/// A day is packed once it ended `compressAfter` ago and is behind the daily rollup watermark (so
/// rollups always find their raw samples in `samples`). Per group of series, reading the day's
/// samples, writing the chunks and deleting the rows happen in one transaction: a sample is always
/// in exactly one place. Samples that arrive for a day after it was packed stay in `samples`;
/// queries merge both.
public struct SampleCompressor: Sendable {
    private let database: NetmonDatabase
    private let compressAfter: Int64
    /// Series per transaction.
    static let seriesPerGroup = 64

    /// Creates a compressor over `database` for samples older than `compressAfter` ms.
    public init(database: NetmonDatabase, compressAfter: Int64) {
        self.database = database
        self.compressAfter = max(0, compressAfter)
    }

    /// Packs at most `maxDays` days.
    ///
    /// - Returns: the samples packed.
    @discardableResult
    public func compressDays(now: Int64, maxDays: Int) async throws -> Int {
        let day: Int64 = 86_400_000
        var packed = 0
        var days = 0
        while days < maxDays {
            let next: (start: Int64, groups: [ClosedRange<Int64>])? = try await self.database.pool.read { db in
                guard let dayMark = try TimeSeriesState.get(TimeSeriesState.rollupDay, db: db) else { return nil }
                let target = TimeSeriesResolution.floor(min(now - self.compressAfter, dayMark), to: day)
                guard
                    let start = try TimeSeriesRollup.nextStart(
                        state: TimeSeriesState.compressed,
                        width: day,
                        before: target,
                        db: db
                    )
                else { return nil }
                let groups = try RawSampleReader.seriesRanges(size: Self.seriesPerGroup, db: db)
                return (start, groups)
            }
            guard let next else { break }
            let end = next.start + day
            for group in next.groups {
                packed += try await self.database.pool.write { db in
                    try Self.pack(from: next.start, to: end, seriesRange: group, db: db)
                }
            }
            try await self.database.pool.write { db in
                try TimeSeriesState.set(TimeSeriesState.compressed, end, db: db)
            }
            days += 1
        }
        return packed
    }

    /// Moves the samples of `seriesRange` in `[from, to)` from `samples` into chunks.
    static func pack(from: Int64, to: Int64, seriesRange: ClosedRange<Int64>, db: Database) throws -> Int {
        let raw = try RawSampleReader.allSeries(from: from, to: to, seriesRange: seriesRange, db: db)
        var packed = 0
        for (seriesID, series) in raw where !series.timestamps.isEmpty {
            try Self.writeChunk(seriesID: seriesID, series, from: from, to: to, db: db)
            packed += series.timestamps.count
        }
        for buckets in RawSampleReader.bucketLists(from: from, to: to) {
            try db.execute(
                sql: """
                    DELETE FROM samples
                    WHERE ts / 600000 IN (\(buckets)) AND series_id BETWEEN ? AND ? AND ts >= ? AND ts < ?
                    """,
                arguments: [seriesRange.lowerBound, seriesRange.upperBound, from, to]
            )
        }
        return packed
    }

    /// Stores `series` (samples within `[from, to)`) as the chunk of that span, merging any chunk the
    /// series already has there.
    static func writeChunk(seriesID: Int64, _ series: RawSeries, from: Int64, to: Int64, db: Database) throws {
        var merged = series
        let existing = try Row.fetchAll(
            db,
            sql: "SELECT first_ts, data FROM sample_chunks WHERE series_id = ? AND first_ts >= ? AND first_ts < ?",
            arguments: [seriesID, from, to]
        )
        for row in existing {
            let decoded = try SampleChunkCodec.decode(Array(row[1] as Data))
            merged.timestamps.append(contentsOf: decoded.timestamps)
            merged.values.append(contentsOf: decoded.values)
            try db.execute(
                sql: "DELETE FROM sample_chunks WHERE series_id = ? AND first_ts = ?",
                arguments: [seriesID, row[0] as Int64]
            )
        }
        if !existing.isEmpty {
            merged.sortByTime()
        }
        try Self.insertChunk(seriesID: seriesID, merged, db: db)
    }

    /// Inserts one chunk of `series` (non-empty, in time order).
    static func insertChunk(seriesID: Int64, _ series: RawSeries, db: Database) throws {
        guard let first = series.timestamps.first, let last = series.timestamps.last else { return }
        let data = try SampleChunkCodec.encode(
            timestamps: series.timestamps,
            values: series.values,
            speed: try Self.utilizationSpeed(seriesID: seriesID, db: db)
        )
        try db.execute(
            sql: "INSERT INTO sample_chunks (series_id, first_ts, last_ts, count, data) VALUES (?, ?, ?, ?, ?)",
            arguments: [seriesID, first, last, series.timestamps.count, Data(data)]
        )
    }

    /// The interface speed (bits/s) of a utilization series, which lets the codec store its values
    /// as the counter deltas they came from; 0 for any other series or an unknown speed.
    static func utilizationSpeed(seriesID: Int64, db: Database) throws -> UInt64 {
        let speed = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT i.speed_bps FROM series s JOIN interfaces i ON i.id = s.interface_id
                    WHERE s.id = ? AND s.metric IN ('if_in_utilization_percent', 'if_out_utilization_percent')
                    """
            ),
            arguments: [seriesID]
        )
        return UInt64(clamping: max(0, speed ?? 0))
    }
}
