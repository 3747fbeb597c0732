import Foundation
internal import GRDB

/// Organisations and users: the reads and writes authentication and the API need.
public struct AccountStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Sort fields of ``users(organisationID:list:)``: API name → SQL.
    public static let userSortFields: [String: String] = [
        "id": "users.id", "username": "users.username", "created_at": "users.created_at",
        "last_login_at": "users.last_login_at", "role": "users.role",
    ]

    // MARK: Organisations

    public func organisations() async throws -> [Organisation] {
        try await self.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM organisations ORDER BY id").map(
                Self.organisation
            )
        }
    }

    public func organisation(id: Int64) async throws -> Organisation? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, created_at FROM organisations WHERE id = ?", arguments: [id])
                .map(Self.organisation)
        }
    }

    public func createOrganisation(name: String, now: Int64) async throws -> Organisation {
        try await self.write(conflict: "an organisation named \(name) exists") { db in
            try db.execute(sql: "INSERT INTO organisations (name, created_at) VALUES (?, ?)", arguments: [name, now])
            return Organisation(id: db.lastInsertedRowID, name: name, createdAt: now)
        }
    }

    /// Renames an organisation; nil when it does not exist.
    public func renameOrganisation(id: Int64, name: String) async throws -> Organisation? {
        try await self.write(conflict: "an organisation named \(name) exists") { db in
            try db.execute(sql: "UPDATE organisations SET name = ? WHERE id = ?", arguments: [name, id])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(
                db,
                sql: "SELECT id, name, created_at FROM organisations WHERE id = ?",
                arguments: [id]
            )
            .map(Self.organisation)
        }
    }

    /// Deletes an empty organisation; false when it does not exist.
    /// - Throws: ``StoreConflictError`` while it has users or devices, or for the default one.
    public func deleteOrganisation(id: Int64) async throws -> Bool {
        try await self.database.pool.write { db in
            guard id != NetmonDatabase.defaultOrganisationID else {
                throw StoreConflictError("the default organisation cannot be deleted")
            }
            let users = try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM users WHERE organisation_id = ?",
                arguments: [id]
            )
            let devices = try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM devices WHERE organisation_id = ?",
                arguments: [id]
            )
            guard (users ?? 0) == 0, (devices ?? 0) == 0 else {
                throw StoreConflictError("the organisation still has users or devices")
            }
            try db.execute(sql: "DELETE FROM organisations WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: Users

    /// The number of users (0 before the first admin is created).
    public func userCount() async throws -> Int {
        try await self.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0
        }
    }

    /// The version of users and organisations (see ``NetmonDatabase/accountChanges``); read it
    /// before a lookup whose result is cached.
    public var version: UInt64 { self.database.accountChanges.value }

    public func user(id: Int64) async throws -> UserAccount? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: Self.userSelect + " WHERE users.id = ?", arguments: [id]).map(Self.user)
        }
    }

    public func user(username: String) async throws -> UserAccount? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: Self.userSelect + " WHERE users.username = ?", arguments: [username]).map(
                Self.user
            )
        }
    }

    /// The bcrypt hash of a user's password, for login only.
    public func passwordHash(userID: Int64) async throws -> String? {
        try await self.database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE id = ?", arguments: [userID])
        }
    }

    /// Users of `organisationID` (nil: every organisation), paged.
    public func users(organisationID: Int64?, list: ListRequest) async throws -> ListPage<UserAccount> {
        try await self.database.pool.read { db in
            var conditions = ["(?1 IS NULL OR users.organisation_id = ?1)"]
            var arguments: [(any DatabaseValueConvertible)?] = [organisationID]
            if let pattern = list.likePattern {
                conditions.append("users.username LIKE ?2 ESCAPE '\\'")
                arguments.append(pattern)
            }
            let condition = conditions.joined(separator: " AND ")
            let total =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM users WHERE \(condition)",
                    arguments: StatementArguments(arguments)
                ) ?? 0
            let order = list.orderBy(Self.userSortFields, fallback: "users.username").replacingOccurrences(
                of: ", id ",
                with: ", users.id "
            )
            let rows = try Row.fetchAll(
                db,
                sql: Self.userSelect
                    + " WHERE \(condition) ORDER BY \(order) LIMIT \(list.limit) OFFSET \(list.offset)",
                arguments: StatementArguments(arguments)
            )
            return ListPage(items: rows.map(Self.user), total: total)
        }
    }

    /// Creates a user with an already hashed password.
    public func createUser(
        username: String,
        passwordHash: String,
        organisationID: Int64,
        role: AccountRole,
        superadmin: Bool,
        now: Int64
    ) async throws -> UserAccount {
        let id = try await self.write(conflict: "a user named \(username) exists") { db -> Int64 in
            guard
                try Int.fetchOne(db, sql: "SELECT 1 FROM organisations WHERE id = ?", arguments: [organisationID])
                    != nil
            else {
                throw StoreConflictError("no organisation \(organisationID)")
            }
            try db.execute(
                sql: """
                    INSERT INTO users (username, password_hash, organisation_id, role, superadmin, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [username, passwordHash, organisationID, role.rawValue, superadmin, now, now]
            )
            return db.lastInsertedRowID
        }
        guard let user = try await self.user(id: id) else { throw StoreConflictError("user \(id) vanished") }
        return user
    }

    /// Changes a user's role, disabled flag or password hash (nil: unchanged); nil when absent.
    /// Disabling or a new password revokes the user's refresh tokens; disabling revokes API keys too.
    public func updateUser(
        id: Int64,
        role: AccountRole?,
        disabled: Bool?,
        passwordHash: String?,
        now: Int64
    ) async throws -> UserAccount? {
        let found = try await self.database.pool.write { db -> Bool in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ?", arguments: [id]) != nil else {
                return false
            }
            try db.execute(
                sql: """
                    UPDATE users SET role = coalesce(?, role), disabled = coalesce(?, disabled),
                        password_hash = coalesce(?, password_hash), updated_at = ? WHERE id = ?
                    """,
                arguments: [role?.rawValue, disabled, passwordHash, now, id]
            )
            if disabled == true || passwordHash != nil {
                try db.execute(
                    sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                    arguments: [now, id]
                )
            }
            if disabled == true {
                try db.execute(
                    sql: "UPDATE api_keys SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                    arguments: [now, id]
                )
            }
            if let role {
                // Keys never outrank their user.
                let allowed = AccountRole.allCases.filter { $0 > role }.map(\.rawValue)
                for higher in allowed {
                    try db.execute(
                        sql: "UPDATE api_keys SET role = ? WHERE user_id = ? AND role = ?",
                        arguments: [role.rawValue, id, higher]
                    )
                }
            }
            return true
        }
        return found ? try await self.user(id: id) : nil
    }

    /// Deletes a user (their tokens and keys go with them); false when absent.
    public func deleteUser(id: Int64) async throws -> Bool {
        try await self.database.pool.write { db in
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Records a successful login.
    public func recordLogin(userID: Int64, at time: Int64) async throws {
        try await self.database.pool.write { db in
            try db.execute(sql: "UPDATE users SET last_login_at = ? WHERE id = ?", arguments: [time, userID])
        }
    }

    /// Records activity, at most once a minute per user (keeps the writer quiet on busy APIs).
    public func recordRequest(userID: Int64, at time: Int64) async throws {
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE users SET last_request_at = ?1
                    WHERE id = ?2 AND (last_request_at IS NULL OR last_request_at < ?1 - 60000)
                    """,
                arguments: [time, userID]
            )
        }
    }

    // MARK: Helpers

    /// Runs a write, turning SQLite's unique-constraint failures into ``StoreConflictError``.
    private func write<T: Sendable>(
        conflict message: String,
        _ body: @Sendable @escaping (Database) throws -> T
    ) async throws -> T {
        do {
            return try await self.database.pool.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreConflictError(message)
        }
    }

    static let userSelect = """
        SELECT users.id, users.username, users.role, users.superadmin, users.disabled, users.created_at,
            users.last_login_at, users.last_request_at, organisations.id AS org_id, organisations.name AS org_name,
            organisations.created_at AS org_created_at
        FROM users JOIN organisations ON organisations.id = users.organisation_id
        """

    static func user(_ row: Row) -> UserAccount {
        UserAccount(
            id: row["id"],
            username: row["username"],
            organisation: Organisation(id: row["org_id"], name: row["org_name"], createdAt: row["org_created_at"]),
            role: AccountRole(rawValue: row["role"]) ?? .viewer,
            superadmin: row["superadmin"],
            disabled: row["disabled"],
            createdAt: row["created_at"],
            lastLoginAt: row["last_login_at"],
            lastRequestAt: row["last_request_at"]
        )
    }

    static func organisation(_ row: Row) -> Organisation {
        Organisation(id: row["id"], name: row["name"], createdAt: row["created_at"])
    }
}
