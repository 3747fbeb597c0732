internal import GRDB

extension NetmonDatabase {
    /// The identifier of the newest migration, reported in logs.
    static let currentSchemaVersion = "v1"

    /// Every schema change of netmond, in order. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: Self.migrateV1)
        return migrator
    }

    /// Schema v1: inventory (devices, interfaces), series, raw samples and the latest value per series.
    ///
    /// Times of inventory rows are UTC epoch seconds; sample times are UTC epoch milliseconds.
    /// `samples` holds raw samples only: rollups and compressed history get their own tables later.
    /// It is a rowid table (append order) with an index on `(series_id, ts)`, which ingests far faster
    /// than a `WITHOUT ROWID` table keyed by `(series_id, ts)`. It has no foreign key, to keep ingest
    /// free of per-row lookups: whoever deletes a series deletes its samples and latest value too.
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
                CREATE INDEX samples_by_series_ts ON samples (series_id, ts);

                CREATE TABLE series_latest (
                    series_id INTEGER PRIMARY KEY,
                    ts INTEGER NOT NULL,
                    value REAL
                );
                """
        )
    }
}
