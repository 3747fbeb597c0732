import Foundation
internal import GRDB

extension NetmonDatabase {
    /// The id of the default organisation: devices from the config file, flow data and series not
    /// tied to a device belong to it.
    public static let defaultOrganisationID: Int64 = 1

    /// Schema v5, for the REST API:
    ///
    /// - `organisations`; the default organisation (id 1, "default") is created here.
    /// - `users`: one organisation and role each (`admin`, `editor`, `viewer`) plus a global
    ///   `superadmin` flag; bcrypt password hashes; activity times.
    /// - `refresh_tokens`: opaque tokens stored as SHA-256; one `family` per login; a used token
    ///   keeps its row (`used_at`) so that its reuse is detected and revokes the family.
    /// - `api_keys`: a public `prefix` to find the key and the SHA-256 of its 256-bit secret; the
    ///   database never holds a usable key.
    /// - `audit_log`: every login and mutating request, with who, what, target, where from and
    ///   the outcome.
    /// - `devices.organisation_id` (existing devices join the default organisation) and
    ///   `devices.snmp_settings`: JSON of the SNMP settings of devices created through the API,
    ///   secrets included (the poller needs them); the API never returns it.
    ///
    /// Times are UTC epoch milliseconds.
    static func migrateV5(_ db: Database) throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try db.execute(
            sql: """
                CREATE TABLE organisations (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    created_at INTEGER NOT NULL
                );

                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
                    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
                    superadmin INTEGER NOT NULL DEFAULT 0,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    last_login_at INTEGER,
                    last_request_at INTEGER
                );
                CREATE INDEX users_by_organisation ON users (organisation_id);

                CREATE TABLE refresh_tokens (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    family TEXT NOT NULL,
                    token_hash BLOB NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
                CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);

                CREATE TABLE api_keys (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    prefix TEXT NOT NULL UNIQUE,
                    secret_hash BLOB NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    last_used_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE INDEX api_keys_by_user ON api_keys (user_id);

                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    ts INTEGER NOT NULL,
                    user_id INTEGER,
                    username TEXT,
                    organisation_id INTEGER,
                    action TEXT NOT NULL,
                    target TEXT,
                    method TEXT,
                    path TEXT,
                    client_address TEXT,
                    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
                    status INTEGER
                );
                CREATE INDEX audit_log_by_time ON audit_log (ts);
                CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, ts);

                ALTER TABLE devices ADD COLUMN organisation_id INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE devices ADD COLUMN snmp_settings TEXT CHECK (snmp_settings IS NULL OR json_valid(snmp_settings));
                CREATE INDEX devices_by_organisation ON devices (organisation_id);
                """
        )
        try db.execute(
            sql: "INSERT INTO organisations (id, name, created_at) VALUES (?, 'default', ?)",
            arguments: [Self.defaultOrganisationID, now]
        )
    }
}
