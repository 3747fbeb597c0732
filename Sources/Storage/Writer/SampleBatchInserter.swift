internal import GRDB
internal import GRDBSQLite
import NetmonCore

/// Inserts one batch of samples and refreshes `series_latest`, binding straight to the prepared
/// statements' SQLite handles (about 2.5× faster than GRDB's argument binding for this hot loop).
enum SampleBatchInserter {
    static let insertSQL = "INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)"
    static let latestSQL = """
        INSERT INTO series_latest (series_id, ts, value, first_ts) VALUES (?, ?, ?, ?)
        ON CONFLICT (series_id) DO UPDATE SET
            first_ts = min(first_ts, excluded.first_ts),
            value = CASE WHEN excluded.ts >= ts THEN excluded.value ELSE value END,
            ts = max(ts, excluded.ts)
        """

    /// Writes `samples` inside the current transaction. Samples of one series must be in time order
    /// within each run of that series (the writer sorts by time bucket, series, time).
    static func insert(sorted samples: ArraySlice<Sample>, db: Database) throws {
        let insert = try db.cachedStatement(sql: Self.insertSQL)
        let latest = try db.cachedStatement(sql: Self.latestSQL)
        let insertHandle = insert.sqliteStatement
        let latestHandle = latest.sqliteStatement
        var index = samples.startIndex
        var runStart = samples.startIndex
        while index < samples.endIndex {
            let sample = samples[index]
            try Self.step(insertHandle, sample, db: db)
            let next = samples.index(after: index)
            // A run of one series holds its samples in time order: its first is the oldest, its
            // last the newest. The upsert keeps the oldest and newest overall.
            if next == samples.endIndex || samples[next].seriesID != sample.seriesID {
                sqlite3_bind_int64(latestHandle, 4, samples[runStart].timestamp)
                try Self.step(latestHandle, sample, db: db)
                runStart = next
            }
            index = next
        }
    }

    @inline(__always)
    private static func step(_ handle: OpaquePointer, _ sample: Sample, db: Database) throws {
        sqlite3_bind_int64(handle, 1, sample.seriesID)
        sqlite3_bind_int64(handle, 2, sample.timestamp)
        sqlite3_bind_double(handle, 3, sample.value)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }
}
