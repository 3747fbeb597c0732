internal import GRDB

/// The persisted watermarks of the time-series maintenance (table `timeseries_state`).
enum TimeSeriesState {
    /// Every 5-minute and hourly bucket before this time is rolled up.
    static let rollupHour = "rollup_hour"
    /// Every daily bucket before this time is rolled up.
    static let rollupDay = "rollup_day"
    /// Every sample before this time was packed into chunks (but for late arrivals).
    static let compressed = "compressed"

    static func get(_ name: String, db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT value FROM timeseries_state WHERE name = ?", arguments: [name])
    }

    static func set(_ name: String, _ value: Int64, db: Database) throws {
        try db.execute(
            sql: "INSERT INTO timeseries_state (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            arguments: [name, value]
        )
    }

    /// The time of the oldest raw sample of any series (from `series_latest`), or nil when none.
    static func oldestRawSample(db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT min(first_ts) FROM series_latest")
    }
}
