internal import GRDB
public import NetmonCore

/// Reads samples: the latest value of series, and a series' raw samples over a time range.
///
/// Reads run on WAL reader connections, concurrently with the ``SampleWriter``. A value stored as
/// NaN reads back as NaN (SQLite keeps it as NULL).
public struct SampleStore: Sendable {
    private let database: NetmonDatabase

    /// Creates a store over `database`.
    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// The latest sample of each of `seriesIDs` that has one, in no particular order.
    ///
    /// Served from `series_latest`, which the writer keeps current: never scans `samples`.
    public func latest(seriesIDs: [Int64]) async throws -> [Sample] {
        guard !seriesIDs.isEmpty else {
            return []
        }
        return try await self.database.pool.read { db in
            var result: [Sample] = []
            result.reserveCapacity(seriesIDs.count)
            // Chunk to stay below SQLite's host-parameter limit.
            var start = seriesIDs.startIndex
            while start < seriesIDs.endIndex {
                let end = min(start + 500, seriesIDs.endIndex)
                let chunk = Array(seriesIDs[start..<end])
                let placeholders = databaseQuestionMarks(count: chunk.count)
                let rows = try Row.fetchCursor(
                    db,
                    sql: "SELECT series_id, ts, value FROM series_latest WHERE series_id IN (\(placeholders))",
                    arguments: StatementArguments(chunk)
                )
                while let row = try rows.next() {
                    result.append(Self.sample(row))
                }
                start = end
            }
            return result
        }
    }

    /// The samples of `seriesID` with `from <= timestamp < to` (epoch ms), oldest first, at most `limit`.
    public func samples(seriesID: Int64, from: Int64, to: Int64, limit: Int = 10_000) async throws -> [Sample] {
        guard from < to, limit > 0 else {
            return []
        }
        return try await self.database.pool.read { db in
            // series_latest bounds the series' samples: clamp the buckets to seek to them.
            let bounds = try Row.fetchOne(
                db,
                sql: "SELECT first_ts, ts FROM series_latest WHERE series_id = ?",
                arguments: [seriesID]
            )
            guard let bounds else {
                return []
            }
            let start = max(from, bounds[0] as Int64)
            let end = min(to, (bounds[1] as Int64) + 1)
            guard start < end else {
                return []
            }
            let bucket = NetmonDatabase.sampleBucketMilliseconds
            var result: [Sample] = []
            // One index seek per 10-minute bucket, a few hundred buckets per statement, in time order.
            // Swift's `/` truncates toward zero like SQLite's, so these are the index's buckets.
            var firstBucket = start / bucket
            let lastBucket = (end - 1) / bucket
            while firstBucket <= lastBucket, result.count < limit {
                let chunkEnd = min(lastBucket, firstBucket + 499)
                let buckets = (firstBucket...chunkEnd).map(String.init).joined(separator: ",")
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT series_id, ts, value FROM samples
                        WHERE ts / 600000 IN (\(buckets)) AND series_id = ? AND ts >= ? AND ts < ?
                        ORDER BY ts LIMIT ?
                        """,
                    arguments: [seriesID, start, end, limit - result.count]
                )
                while let row = try rows.next() {
                    result.append(Self.sample(row))
                }
                firstBucket = chunkEnd + 1
            }
            return result
        }
    }

    /// The number of raw samples stored (a full count: for tests and tools, not hot paths).
    public func sampleCount() async throws -> Int {
        try await self.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM samples") ?? 0
        }
    }

    private static func sample(_ row: Row) -> Sample {
        let value: Double? = row[2]
        return Sample(seriesID: row[0], timestamp: row[1], value: value ?? .nan)
    }
}
