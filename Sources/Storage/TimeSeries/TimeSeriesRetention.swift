import Foundation
internal import GRDB
public import Logging
import Metrics
public import NetmonCore

/// What one retention pass deleted.
public struct TimeSeriesRetentionResult: Sendable, Hashable {
    /// Raw samples deleted from `samples` and from chunks.
    public var rawSamplesDeleted = 0
    /// Rollup rows deleted, all levels.
    public var rollupRowsDeleted = 0
    /// Raw samples deleted early because the database exceeded its disk budget.
    public var budgetSamplesDeleted = 0

    /// Creates an empty result.
    public init() {}
}

/// Applies the retention of each resolution and the optional disk budget.
///
/// Raw samples older than `raw_retention` go (rows of `samples`, whole chunks, and the old part of
/// a chunk that straddles the cutoff, re-encoded on its own), then rollup rows older than their level's
/// retention. Deletes run in transactions of at most ``rowsPerTransaction`` rows so the WAL stays
/// bounded and the sample writer interleaves. With a disk budget, while the pages in use exceed
/// it, the oldest UTC day of raw samples is deleted early (only days already rolled up), with a
/// warning and `netmond_timeseries_budget_deletions_total`.
public struct TimeSeriesRetention: Sendable {
    private let database: NetmonDatabase
    private let configuration: TimeSeriesConfiguration
    private let logger: Logger
    /// Rows deleted per transaction at most.
    public let rowsPerTransaction: Int
    private static let budgetDeletions = Counter(label: "netmond_timeseries_budget_deletions_total")

    /// Creates a retention pass.
    public init(
        database: NetmonDatabase,
        configuration: TimeSeriesConfiguration,
        logger: Logger,
        rowsPerTransaction: Int = 5_000
    ) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.rowsPerTransaction = max(1, rowsPerTransaction)
    }

    /// Deletes what is past its retention at `now` (epoch ms), then enforces the disk budget.
    public func apply(now: Int64) async throws -> TimeSeriesRetentionResult {
        var result = TimeSeriesRetentionResult()
        result.rawSamplesDeleted = try await self.deleteRaw(
            before: now - self.configuration.rawRetention.wholeMilliseconds
        )
        let levels: [(TimeSeriesResolution, Duration?)] = [
            (.fiveMinutes, self.configuration.fiveMinuteRetention),
            (.hour, self.configuration.hourlyRetention),
            (.day, self.configuration.dailyRetention),
        ]
        for (level, retention) in levels {
            guard let retention else { continue }
            result.rollupRowsDeleted += try await self.deleteInChunks(
                sql: """
                    DELETE FROM rollups WHERE (resolution, series_id, ts) IN (
                        SELECT resolution, series_id, ts FROM rollups WHERE resolution = ? AND ts < ? LIMIT ?)
                    """,
                arguments: [level.databaseValue, now - retention.wholeMilliseconds, self.rowsPerTransaction]
            )
        }
        if let budget = self.configuration.diskBudget {
            result.budgetSamplesDeleted = try await self.enforceBudget(budget)
        }
        return result
    }

    /// Deletes every raw sample before `cutoff`: rows, whole chunks, the old part of straddling
    /// chunks; raises `series_latest.first_ts` to the cutoff.
    public func deleteRaw(before cutoff: Int64) async throws -> Int {
        let bucket = NetmonDatabase.sampleBucketMilliseconds
        var deleted = try await self.deleteInChunks(
            sql: """
                DELETE FROM samples WHERE rowid IN (
                    SELECT rowid FROM samples WHERE ts / 600000 <= ? AND ts < ? LIMIT ?)
                """,
            arguments: [TimeSeriesResolution.floor(cutoff, to: bucket) / bucket, cutoff, self.rowsPerTransaction]
        )
        // Whole chunks: count their samples first, then delete them.
        while true {
            let removed = try await self.database.pool.write { db -> Int? in
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT series_id, first_ts, count, set_id FROM sample_chunks WHERE last_ts < ? LIMIT ?",
                    arguments: [cutoff, max(1, self.rowsPerTransaction / 100)]
                )
                guard !rows.isEmpty else { return nil }
                var samples = 0
                for row in rows {
                    try SampleChunkStore.delete(seriesID: row[0], firstTimestamp: row[1], setID: row[3], db: db)
                    samples += row[2] as Int
                }
                return samples
            }
            guard let removed else { break }
            deleted += removed
        }
        // Chunks that straddle the cutoff keep their newer part, as chunks of their own.
        deleted += try await self.database.pool.write { db in
            var trimmed = 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT series_id, first_ts, \(SampleChunkStore.chunkColumns) FROM sample_chunks
                    WHERE first_ts < ? AND last_ts >= ?
                    """,
                arguments: [cutoff, cutoff]
            )
            for row in rows {
                let seriesID: Int64 = row[0]
                let decoded = try SampleChunkStore.samples(of: row, at: 2, db: db)
                var kept = RawSeries()
                for (timestamp, value) in zip(decoded.timestamps, decoded.values) where timestamp >= cutoff {
                    kept.append(timestamp, value)
                }
                trimmed += decoded.timestamps.count - kept.timestamps.count
                try SampleChunkStore.delete(seriesID: seriesID, firstTimestamp: row[1], setID: row[3], db: db)
                try SampleCompressor.insertChunk(seriesID: seriesID, kept, db: db)
            }
            try db.execute(
                sql: "UPDATE series_latest SET first_ts = ? WHERE first_ts < ?",
                arguments: [cutoff, cutoff]
            )
            return trimmed
        }
        return deleted
    }

    /// While the pages in use exceed `budget` bytes, deletes the oldest day of raw samples that is
    /// already rolled up. Returns the samples deleted.
    func enforceBudget(_ budget: Int) async throws -> Int {
        var deleted = 0
        for _ in 0..<1_000 {
            let state: (used: Int, oldest: Int64?, rolledUp: Int64?) = try await self.database.pool.read { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                let oldestRow = try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT ts FROM samples WHERE ts / 600000 = (SELECT min(ts / 600000) FROM samples) ORDER BY ts LIMIT 1"
                )
                let oldestChunk = try Int64.fetchOne(db, sql: "SELECT min(first_ts) FROM sample_chunks")
                let oldest = [oldestRow, oldestChunk].compactMap { $0 }.min()
                let rolledUp = try TimeSeriesState.get(TimeSeriesState.rollupDay, db: db)
                return ((pages - free) * pageSize, oldest, rolledUp)
            }
            guard state.used > budget else { break }
            let day: Int64 = 86_400_000
            guard let oldest = state.oldest, let rolledUp = state.rolledUp,
                TimeSeriesResolution.floor(oldest, to: day) + day <= rolledUp
            else {
                self.logger.warning(
                    "timeseries: the database exceeds its disk budget but no rolled-up raw samples are left to delete",
                    metadata: ["timeseries.used_bytes": "\(state.used)", "timeseries.disk_budget": "\(budget)"]
                )
                break
            }
            let cutoff = TimeSeriesResolution.floor(oldest, to: day) + day
            let removed = try await self.deleteRaw(before: cutoff)
            deleted += removed
            Self.budgetDeletions.increment(by: Int64(removed))
            self.logger.warning(
                "timeseries: disk budget exceeded; deleted raw samples before their retention",
                metadata: [
                    "timeseries.used_bytes": "\(state.used)", "timeseries.disk_budget": "\(budget)",
                    "timeseries.deleted_before": "\(cutoff)", "timeseries.samples_deleted": "\(removed)",
                ]
            )
            if removed == 0 { break }
        }
        return deleted
    }

    private func deleteInChunks(sql: String, arguments: StatementArguments) async throws -> Int {
        try await self.database.deleteInChunks(
            sql: sql,
            arguments: arguments,
            rowsPerTransaction: self.rowsPerTransaction
        )
    }
}
