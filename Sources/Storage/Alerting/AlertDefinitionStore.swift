import Foundation
internal import GRDB

/// The kinds of alerting definitions, each in its own table.
public enum AlertDefinitionKind: String, Sendable, CaseIterable {
    case rule = "alert_rules"
    case channel = "alert_channels"
    case policy = "alert_policies"
    case silence = "alert_silences"
}

/// A stored alerting definition: a unique name and the JSON document the Alerting module encodes.
public struct StoredDefinition: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// JSON text.
    public var definition: String
    /// Written from the configuration file (re-seeded at each start).
    public var seeded: Bool
    /// UTC epoch milliseconds.
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// CRUD of rules, channels, escalation policies and silences (for the API and config seeding).
public struct AlertDefinitionStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Every definition of `kind`, by name.
    public func all(_ kind: AlertDefinitionKind) async throws -> [StoredDefinition] {
        try await self.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(kind.rawValue) ORDER BY name").map(Self.definition)
        }
    }

    /// The definition of `kind` with `id`.
    public func get(_ kind: AlertDefinitionKind, id: Int64) async throws -> StoredDefinition? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM \(kind.rawValue) WHERE id = ?", arguments: [id]).map(
                Self.definition
            )
        }
    }

    /// Inserts a definition; returns its id.
    ///
    /// - Throws: ``StoreConflictError`` when the name is taken.
    public func insert(_ kind: AlertDefinitionKind, name: String, definition: String, now: Int64) async throws -> Int64
    {
        try await self.write(conflict: "the name \(name) is already taken") { db in
            try db.execute(
                sql: """
                    INSERT INTO \(kind.rawValue) (name, definition, seeded, created_at, updated_at)
                    VALUES (?, ?, 0, ?, ?)
                    """,
                arguments: [name, definition, now, now]
            )
            return db.lastInsertedRowID
        }
    }

    /// Replaces the name and document of definition `id`; false when there is none.
    ///
    /// - Throws: ``StoreConflictError`` when the name is taken.
    @discardableResult
    public func update(
        _ kind: AlertDefinitionKind,
        id: Int64,
        name: String,
        definition: String,
        now: Int64
    ) async throws -> Bool {
        try await self.write(conflict: "the name \(name) is already taken") { db in
            try db.execute(
                sql: "UPDATE \(kind.rawValue) SET name = ?, definition = ?, updated_at = ? WHERE id = ?",
                arguments: [name, definition, now, id]
            )
            return db.changesCount > 0
        }
    }

    /// Deletes definition `id`; false when there is none.
    @discardableResult
    public func delete(_ kind: AlertDefinitionKind, id: Int64) async throws -> Bool {
        try await self.database.pool.write { db in
            try db.execute(sql: "DELETE FROM \(kind.rawValue) WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Writes the definitions from the configuration file: inserted or updated by name and marked
    /// seeded; seeded definitions no longer in the file are deleted. Definitions made through the
    /// API are left alone.
    public func seed(
        _ kind: AlertDefinitionKind,
        _ definitions: [(name: String, definition: String)],
        now: Int64
    )
        async throws
    {
        let names = String(decoding: try JSONEncoder().encode(definitions.map(\.name)), as: UTF8.self)
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    DELETE FROM \(kind.rawValue) WHERE seeded = 1
                        AND name NOT IN (SELECT value FROM json_each(?))
                    """,
                arguments: [names]
            )
            for (name, definition) in definitions {
                try db.execute(
                    sql: """
                        INSERT INTO \(kind.rawValue) (name, definition, seeded, created_at, updated_at)
                        VALUES (?1, ?2, 1, ?3, ?3)
                        ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, seeded = 1,
                            updated_at = excluded.updated_at
                        WHERE \(kind.rawValue).definition <> excluded.definition
                        """,
                    arguments: [name, definition, now]
                )
            }
        }
    }

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

    private static func definition(_ row: Row) -> StoredDefinition {
        StoredDefinition(
            id: row["id"],
            name: row["name"],
            definition: row["definition"],
            seeded: row["seeded"],
            createdAt: row["created_at"],
            updatedAt: row["updated_at"]
        )
    }
}
