internal import GRDB

extension NetmonDatabase {
    /// Schema v2, for SNMP polling:
    ///
    /// - `series.instance` tells apart several objects of one metric on a device (processors,
    ///   storage areas, sensors); it joins the series identity.
    /// - `events`: what happened to devices and interfaces (reachability, restarts, status changes,
    ///   interfaces appearing or vanishing, impossible rates), UTC epoch milliseconds, with a
    ///   message and JSON details. Device-supplied text in them is data.
    /// - `device_status`: the outcome of each device's last poll and its reachability.
    static func migrateV2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE series ADD COLUMN instance TEXT NOT NULL DEFAULT '';
                DROP INDEX series_identity;
                CREATE UNIQUE INDEX series_identity
                    ON series (ifnull(device_id, 0), ifnull(interface_id, 0), metric, instance);

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    device_id INTEGER REFERENCES devices(id) ON DELETE CASCADE,
                    interface_id INTEGER REFERENCES interfaces(id) ON DELETE SET NULL,
                    kind TEXT NOT NULL,
                    ts INTEGER NOT NULL,
                    message TEXT NOT NULL,
                    details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
                );
                CREATE INDEX events_by_time ON events (ts);
                CREATE INDEX events_by_device ON events (device_id, ts);

                CREATE TABLE device_status (
                    device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
                    reachable INTEGER,
                    last_poll_at INTEGER,
                    last_poll_ms REAL,
                    last_error TEXT,
                    last_success_at INTEGER,
                    varbinds INTEGER NOT NULL DEFAULT 0
                );
                """
        )
    }
}
