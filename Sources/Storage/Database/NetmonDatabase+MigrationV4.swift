internal import GRDB

extension NetmonDatabase {
    /// Schema v4, for the time-series engine (Sources/Storage/TimeSeries, docs/TIMESERIES.md):
    ///
    /// - `rollups`: one row per (resolution, series, bucket start) with count, sum, min, max, the
    ///   time-weighted average and the time it covers, and the nearest-rank p95/p99 of the raw
    ///   values in the bucket. `resolution` is the bucket width in ms (300000, 3600000, 86400000).
    ///   A WITHOUT ROWID table keyed for range reads of one series at one resolution.
    /// - `sample_chunks`: raw samples of one series and one UTC day packed by ``SampleChunkCodec``
    ///   (`first_ts`/`last_ts` are the first and last sample's times, `count` the samples). Samples
    ///   move from `samples` into a chunk in one transaction, so a sample is in exactly one place.
    /// - `timeseries_state`: the persisted watermarks of the maintenance service (`rollup_hour`: every
    ///   5-minute and hourly bucket before it is rolled up; `rollup_day`; `compressed`: samples before
    ///   it are in chunks, but for late arrivals), in epoch ms.
    static func migrateV4(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE rollups (
                    resolution INTEGER NOT NULL,
                    series_id INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    sum REAL NOT NULL,
                    min REAL NOT NULL,
                    max REAL NOT NULL,
                    avg REAL NOT NULL,
                    covered_ms INTEGER NOT NULL,
                    p95 REAL,
                    p99 REAL,
                    PRIMARY KEY (resolution, series_id, ts)
                ) WITHOUT ROWID;
                CREATE INDEX rollups_by_time ON rollups (resolution, ts);

                CREATE TABLE sample_chunks (
                    series_id INTEGER NOT NULL,
                    first_ts INTEGER NOT NULL,
                    last_ts INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    data BLOB NOT NULL,
                    PRIMARY KEY (series_id, first_ts)
                ) WITHOUT ROWID;
                CREATE INDEX sample_chunks_by_last_ts ON sample_chunks (last_ts);

                CREATE TABLE timeseries_state (
                    name TEXT PRIMARY KEY,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                """
        )
    }
}
