import Foundation
internal import GRDB

/// Refresh tokens and API keys, stored only as SHA-256 digests of their secrets.
public struct CredentialStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    // MARK: Refresh tokens

    /// What presenting a refresh token led to.
    public enum RefreshOutcome: Sendable, Equatable {
        /// The token was valid: it is now used, and the new token (same family) is stored.
        case rotated(userID: Int64, family: String)
        /// The token had been used before: its whole family is now revoked.
        case reused(userID: Int64)
        /// Unknown, expired or revoked.
        case invalid
    }

    /// Stores a new refresh token of `family` (a new login starts a new family).
    public func storeRefreshToken(
        hash: [UInt8],
        userID: Int64,
        family: String,
        now: Int64,
        expiresAt: Int64
    )
        async throws
    {
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [userID, family, Data(hash), now, expiresAt]
            )
        }
    }

    /// Uses the token whose digest is `hash` and, when valid, stores `newHash` in its family with
    /// the family's expiry, all in one transaction (two concurrent uses cannot both succeed).
    public func rotateRefreshToken(hash: [UInt8], newHash: [UInt8], now: Int64) async throws -> RefreshOutcome {
        try await self.database.pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT refresh_tokens.id, user_id, family, expires_at, used_at, revoked_at, users.disabled
                        FROM refresh_tokens JOIN users ON users.id = refresh_tokens.user_id
                        WHERE token_hash = ?
                        """,
                    arguments: [Data(hash)]
                )
            else {
                return .invalid
            }
            let userID: Int64 = row["user_id"]
            let family: String = row["family"]
            if (row["used_at"] as Int64?) != nil {
                try db.execute(
                    sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                    arguments: [now, family]
                )
                return .reused(userID: userID)
            }
            let expiresAt: Int64 = row["expires_at"]
            guard (row["revoked_at"] as Int64?) == nil, expiresAt > now, !(row["disabled"] as Bool) else {
                return .invalid
            }
            try db.execute(
                sql: "UPDATE refresh_tokens SET used_at = ? WHERE id = ?",
                arguments: [now, row["id"] as Int64]
            )
            try db.execute(
                sql: """
                    INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [userID, family, Data(newHash), now, expiresAt]
            )
            return .rotated(userID: userID, family: family)
        }
    }

    /// Revokes the family of the token whose digest is `hash`; false when unknown.
    public func revokeFamily(ofTokenHash hash: [UInt8], now: Int64) async throws -> Bool {
        try await self.database.pool.write { db in
            guard
                let family = try String.fetchOne(
                    db,
                    sql: "SELECT family FROM refresh_tokens WHERE token_hash = ?",
                    arguments: [Data(hash)]
                )
            else { return false }
            try db.execute(
                sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                arguments: [now, family]
            )
            return true
        }
    }

    /// Whether every token of `family` is revoked (for tests and tools).
    public func isFamilyRevoked(_ family: String) async throws -> Bool {
        try await self.database.pool.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM refresh_tokens WHERE family = ? AND revoked_at IS NULL",
                arguments: [family]
            ) == 0
        }
    }

    // MARK: API keys

    public func createAPIKey(
        userID: Int64,
        name: String,
        prefix: String,
        secretHash: [UInt8],
        role: AccountRole,
        now: Int64,
        expiresAt: Int64?
    ) async throws -> StoredAPIKey {
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_keys (user_id, name, prefix, secret_hash, role, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [userID, name, prefix, Data(secretHash), role.rawValue, now, expiresAt]
            )
            return StoredAPIKey(
                id: db.lastInsertedRowID,
                userID: userID,
                name: name,
                prefix: prefix,
                secretHash: secretHash,
                role: role,
                createdAt: now,
                expiresAt: expiresAt
            )
        }
    }

    /// The key with this public prefix, if any (revoked and expired ones included: the caller checks).
    public func apiKey(prefix: String) async throws -> StoredAPIKey? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: Self.keySelect + " WHERE prefix = ?", arguments: [prefix]).map(Self.key)
        }
    }

    public func apiKey(id: Int64) async throws -> StoredAPIKey? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: Self.keySelect + " WHERE api_keys.id = ?", arguments: [id]).map(Self.key)
        }
    }

    /// Keys of one user, or of every user of an organisation when `userID` is nil, newest first.
    public func apiKeys(userID: Int64?, organisationID: Int64?) async throws -> [StoredAPIKey] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: Self.keySelect + """
                     JOIN users ON users.id = api_keys.user_id
                    WHERE (?1 IS NULL OR api_keys.user_id = ?1) AND (?2 IS NULL OR users.organisation_id = ?2)
                    ORDER BY api_keys.id DESC
                    """,
                arguments: [userID, organisationID]
            ).map(Self.key)
        }
    }

    /// Revokes a key; false when absent or already revoked.
    public func revokeAPIKey(id: Int64, now: Int64) async throws -> Bool {
        try await self.database.pool.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [now, id]
            )
            return db.changesCount > 0
        }
    }

    /// Records the use of a key, at most once a minute.
    public func recordAPIKeyUse(id: Int64, at time: Int64) async throws {
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE api_keys SET last_used_at = ?1
                    WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?1 - 60000)
                    """,
                arguments: [time, id]
            )
        }
    }

    static let keySelect = """
        SELECT api_keys.id, api_keys.user_id, api_keys.name, api_keys.prefix, api_keys.secret_hash, api_keys.role,
            api_keys.created_at, api_keys.expires_at, api_keys.last_used_at, api_keys.revoked_at
        FROM api_keys
        """

    static func key(_ row: Row) -> StoredAPIKey {
        StoredAPIKey(
            id: row["id"],
            userID: row["user_id"],
            name: row["name"],
            prefix: row["prefix"],
            secretHash: [UInt8](row["secret_hash"] as Data),
            role: AccountRole(rawValue: row["role"]) ?? .viewer,
            createdAt: row["created_at"],
            expiresAt: row["expires_at"],
            lastUsedAt: row["last_used_at"],
            revokedAt: row["revoked_at"]
        )
    }
}
