import Foundation
internal import GRDB

/// Packs old raw samples into compressed chunks, per UTC day: a set per interface or device
/// (``SampleChunkSetCodec``), or a chunk of one series (``SampleChunkCodec``).
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

    /// Moves the samples of `seriesRange` in `[from, to)` from `samples` into chunks: one set per
    /// interface or device (``SampleChunkGroup``), a chunk of its own for a series alone in its
    /// group or that already has a chunk in the span (merged with it).
    static func pack(from: Int64, to: Int64, seriesRange: ClosedRange<Int64>, db: Database) throws -> Int {
        let raw = try RawSampleReader.allSeries(from: from, to: to, seriesRange: seriesRange, db: db)
        let alreadyPacked = try Set(
            Int64.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT series_id FROM sample_chunks
                    WHERE series_id BETWEEN ? AND ? AND first_ts >= ? AND first_ts < ?
                    """,
                arguments: [seriesRange.lowerBound, seriesRange.upperBound, from, to]
            )
        )
        let info = try SampleChunkGroup.info(seriesRange: seriesRange, db: db)
        var packed = 0
        for group in SampleChunkGroup.groups(raw.filter { !alreadyPacked.contains($0.key) }, info: info) {
            if group.count > 1 {
                try SampleChunkStore.insertSet(group, db: db)
            } else if let member = group.first {
                try SampleChunkStore.insert(seriesID: member.seriesID, member.series, speed: member.speed, db: db)
            }
            packed += group.reduce(0) { $0 + $1.series.timestamps.count }
        }
        for seriesID in alreadyPacked {
            guard let series = raw[seriesID], !series.timestamps.isEmpty else { continue }
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

    /// Stores `series` (samples within `[from, to)`) as the chunk of that span, merged with the
    /// chunks the series already has there, as a chunk of its own.
    static func writeChunk(seriesID: Int64, _ series: RawSeries, from: Int64, to: Int64, db: Database) throws {
        var merged = series
        let existing = try Row.fetchAll(
            db,
            sql: """
                SELECT first_ts, \(SampleChunkStore.chunkColumns) FROM sample_chunks
                WHERE series_id = ? AND first_ts >= ? AND first_ts < ?
                """,
            arguments: [seriesID, from, to]
        )
        for row in existing {
            let decoded = try SampleChunkStore.samples(of: row, at: 1, db: db)
            merged.timestamps.append(contentsOf: decoded.timestamps)
            merged.values.append(contentsOf: decoded.values)
            try SampleChunkStore.delete(seriesID: seriesID, firstTimestamp: row[0], setID: row[2], db: db)
        }
        if !existing.isEmpty {
            merged.sortByTime()
        }
        try Self.insertChunk(seriesID: seriesID, merged, db: db)
    }

    /// Inserts one chunk of its own of `series` (non-empty, in time order).
    static func insertChunk(seriesID: Int64, _ series: RawSeries, db: Database) throws {
        try SampleChunkStore.insert(
            seriesID: seriesID,
            series,
            speed: try Self.utilizationSpeed(seriesID: seriesID, db: db),
            db: db
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
