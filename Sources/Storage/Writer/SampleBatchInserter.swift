internal import GRDB
internal import GRDBSQLite
import NetmonCore

/// Inserts one batch of samples and refreshes `series_latest`, binding straight to the prepared
/// statements' SQLite handles (about 2.5× faster than GRDB's argument binding for this hot loop).
enum SampleBatchInserter {
    static let insertSQL = "INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)"
    static let latestSQL = """
        INSERT INTO series_latest (series_id, ts, value) VALUES (?, ?, ?)
        ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, value = excluded.value
        WHERE excluded.ts >= series_latest.ts
        """

    /// Writes `samples`, which must be sorted by (series, timestamp), inside the current transaction.
    static func insert(sorted samples: ArraySlice<Sample>, db: Database) throws {
        let insert = try db.cachedStatement(sql: Self.insertSQL)
        let latest = try db.cachedStatement(sql: Self.latestSQL)
        let insertHandle = insert.sqliteStatement
        let latestHandle = latest.sqliteStatement
        var index = samples.startIndex
        while index < samples.endIndex {
            let sample = samples[index]
            try Self.step(insertHandle, sample, db: db)
            let next = samples.index(after: index)
            // Sorted input: the last sample of each series run is the series' newest in the batch.
            if next == samples.endIndex || samples[next].seriesID != sample.seriesID {
                try Self.step(latestHandle, sample, db: db)
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
