internal import GRDB

extension NetmonDatabase {
    /// Schema v7, saved dashboards (times are UTC epoch milliseconds):
    ///
    /// - `dashboards`: one row per dashboard, owned by a user of an organisation, `private` (seen
    ///   by its owner only) or `shared` (seen by the whole organisation); `panels` is the ordered
    ///   JSON array of panels that ``DashboardStore`` encodes (``DashboardPanel``). The checks
    ///   repeat the bounds of ``DashboardLimits`` so that no writer can exceed them.
    /// - Deleting the organisation deletes its dashboards. Deleting a user deletes their private
    ///   dashboards (trigger) and leaves their shared ones to the organisation, without an owner
    ///   (`owner_id` set to NULL): its admins still manage them.
    static func migrateV7(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE dashboards (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                    owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                    visibility TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
                    panels TEXT NOT NULL DEFAULT '[]'
                        CHECK (length(panels) <= 65536 AND json_valid(panels) AND json_type(panels) = 'array'
                            AND json_array_length(panels) <= 24),
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX dashboards_by_organisation ON dashboards (organisation_id, visibility);
                CREATE INDEX dashboards_by_owner ON dashboards (owner_id);

                CREATE TRIGGER dashboards_private_of_deleted_user BEFORE DELETE ON users
                BEGIN
                    DELETE FROM dashboards WHERE owner_id = OLD.id AND visibility = 'private';
                END;
                """
        )
    }
}
