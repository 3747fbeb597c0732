internal import GRDB

extension NetmonDatabase {
    /// The identifier of the newest migration, reported in logs.
    static let currentSchemaVersion = "v9-chunk-sets"

    /// The width of the time buckets of the `samples` index (10 minutes, in milliseconds). It is
    /// written literally in the v1 index and must match it: queries repeat the expression.
    static let sampleBucketMilliseconds: Int64 = 600_000

    /// Every schema change of netmond, in order. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: Self.migrateV1)
        migrator.registerMigration("v2", migrate: Self.migrateV2)
        migrator.registerMigration("v3", migrate: Self.migrateV3)
        migrator.registerMigration("v4", migrate: Self.migrateV4)
        migrator.registerMigration("v5", migrate: Self.migrateV5)
        migrator.registerMigration("v6", migrate: Self.migrateV6)
        migrator.registerMigration("v7-saved-dashboards", migrate: Self.migrateV7)
        migrator.registerMigration("v8-packed-raw-flows", migrate: Self.migrateV8)
        migrator.registerMigration("v9-chunk-sets", migrate: Self.migrateV9)
        return migrator
    }

    /// Schema v1: inventory (devices, interfaces), series, raw samples and the latest value per series.
    ///
    /// Times of inventory rows are UTC epoch seconds; sample times are UTC epoch milliseconds.
    /// `samples` holds raw samples only: rollups and compressed history get their own tables later.
    /// It is a rowid table (append order). Its index is keyed by a 10-minute time bucket first
    /// (`ts / 600000`, ``sampleBucketMilliseconds``), then `(series_id, ts)`: a plain
    /// `(series_id, ts)` index makes every transaction rewrite one index page per series (10,000
    /// series polled together: ~40 MB of WAL per 20,000 samples, ~0.1M samples/s), while the bucket
    /// keeps the pages a transaction touches few and recent (~0.5M samples/s measured). Range reads
    /// seek once per bucket (`ts / 600000 IN (...) AND series_id = ? AND ts >= ? AND ts < ?`).
    /// `series_latest` holds each series' newest sample (`ts`, `value`) and the time of its oldest raw
    /// sample (`first_ts`, which bounds range reads; retention must raise it when it deletes).
    /// The table has no foreign key, to keep ingest free of per-row lookups: whoever deletes a
    /// series deletes its samples and latest value too.
    static func migrateV1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE devices (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    address TEXT NOT NULL,
                    port INTEGER NOT NULL DEFAULT 161 CHECK (port BETWEEN 1 AND 65535),
                    snmp_version TEXT NOT NULL DEFAULT 'v2c' CHECK (snmp_version IN ('v1', 'v2c', 'v3')),
                    poll_interval_s INTEGER NOT NULL DEFAULT 60 CHECK (poll_interval_s > 0),
                    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
                    sys_descr TEXT,
                    sys_object_id TEXT,
                    sys_name TEXT,
                    sys_location TEXT,
                    sys_contact TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    discovered_at INTEGER
                );

                CREATE TABLE interfaces (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                    if_index INTEGER NOT NULL,
                    if_name TEXT,
                    if_descr TEXT,
                    if_alias TEXT,
                    if_type INTEGER,
                    speed_bps INTEGER,
                    phys_address TEXT,
                    admin_status INTEGER,
                    oper_status INTEGER,
                    last_change INTEGER,
                    removed_at INTEGER,
                    UNIQUE (device_id, if_index)
                );

                CREATE TABLE series (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    device_id INTEGER REFERENCES devices(id) ON DELETE CASCADE,
                    interface_id INTEGER REFERENCES interfaces(id) ON DELETE CASCADE,
                    metric TEXT NOT NULL,
                    unit TEXT NOT NULL DEFAULT '',
                    kind TEXT NOT NULL CHECK (kind IN ('gauge', 'counter', 'rate'))
                );
                CREATE UNIQUE INDEX series_identity ON series (ifnull(device_id, 0), ifnull(interface_id, 0), metric);
                CREATE INDEX series_by_interface ON series (interface_id) WHERE interface_id IS NOT NULL;

                CREATE TABLE samples (
                    series_id INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    value REAL
                );
                CREATE INDEX samples_by_bucket_series_ts ON samples (ts / 600000, series_id, ts);

                CREATE TABLE series_latest (
                    series_id INTEGER PRIMARY KEY,
                    first_ts INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    value REAL
                );
                """
        )
    }
}
