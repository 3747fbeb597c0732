import Foundation
internal import GRDB

/// Saved dashboards: list what a user may see, read, create, change and delete. Who may change
/// what is the API's decision; this store keeps the bounds (``DashboardLimits``) and the data.
public struct DashboardStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Sort fields of ``list(userID:organisationScope:visibility:list:)``: API name → SQL.
    public static let sortFields: [String: String] = [
        "id": "dashboards.id", "name": "dashboards.name COLLATE NOCASE", "created_at": "dashboards.created_at",
        "updated_at": "dashboards.updated_at", "visibility": "dashboards.visibility",
    ]

    // MARK: Reads

    /// The dashboards `userID` may see: their own and the shared ones of `organisationScope`
    /// (nil: of every organisation), optionally only one visibility, searched by name, paged.
    public func list(
        userID: Int64,
        organisationScope: Int64?,
        visibility: DashboardVisibility? = nil,
        list: ListRequest
    ) async throws -> ListPage<SavedDashboard> {
        try await self.database.pool.read { db in
            var condition = """
                (dashboards.owner_id = ?1 OR (dashboards.visibility = 'shared'
                    AND (?2 IS NULL OR dashboards.organisation_id = ?2)))
                AND (?3 IS NULL OR dashboards.visibility = ?3)
                """
            var arguments: [(any DatabaseValueConvertible)?] = [userID, organisationScope, visibility?.rawValue]
            if let pattern = list.likePattern {
                condition += " AND dashboards.name LIKE ?4 ESCAPE '\\'"
                arguments.append(pattern)
            }
            let total =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM dashboards WHERE \(condition)",
                    arguments: StatementArguments(arguments)
                ) ?? 0
            let order = list.orderBy(Self.sortFields, fallback: "dashboards.name COLLATE NOCASE")
                .replacingOccurrences(of: ", id ", with: ", dashboards.id ")
            let rows = try Row.fetchAll(
                db,
                sql: Self.select + " WHERE \(condition) ORDER BY \(order) LIMIT \(list.limit) OFFSET \(list.offset)",
                arguments: StatementArguments(arguments)
            )
            return ListPage(items: try rows.map(Self.dashboard), total: total)
        }
    }

    /// Dashboard `id`, whoever may see it (the caller checks ``SavedDashboard/isVisible(to:organisationScope:)``).
    public func dashboard(id: Int64) async throws -> SavedDashboard? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: Self.select + " WHERE dashboards.id = ?", arguments: [id]).map(Self.dashboard)
        }
    }

    /// The number of dashboards `ownerID` owns.
    public func count(ownerID: Int64) async throws -> Int {
        try await self.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM dashboards WHERE owner_id = ?", arguments: [ownerID]) ?? 0
        }
    }

    // MARK: Writes

    /// Stores a new dashboard of `ownerID` in `organisationID`.
    ///
    /// - Throws: ``DashboardValidationError`` for a draft out of bounds; ``StoreConflictError``
    ///   when the owner already has ``DashboardLimits/maxDashboardsPerOwner`` dashboards.
    public func create(
        _ draft: DashboardDraft,
        ownerID: Int64,
        organisationID: Int64,
        now: Int64
    ) async throws -> SavedDashboard {
        let draft = try draft.validated()
        let panels = try draft.panelsJSON()
        let id = try await self.database.pool.write { db -> Int64 in
            let owned =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM dashboards WHERE owner_id = ?", arguments: [ownerID])
                ?? 0
            guard owned < DashboardLimits.maxDashboardsPerOwner else {
                throw StoreConflictError(
                    "you have \(owned) dashboards, the most one user may own; delete one first"
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO dashboards (organisation_id, owner_id, name, visibility, panels, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [organisationID, ownerID, draft.name, draft.visibility.rawValue, panels, now, now]
            )
            return db.lastInsertedRowID
        }
        guard let dashboard = try await self.dashboard(id: id) else {
            throw StoreConflictError("dashboard \(id) vanished")
        }
        return dashboard
    }

    /// Replaces the name, visibility and panels of dashboard `id`; nil when it does not exist.
    ///
    /// - Throws: ``DashboardValidationError`` for a draft out of bounds.
    public func update(id: Int64, _ draft: DashboardDraft, now: Int64) async throws -> SavedDashboard? {
        let draft = try draft.validated()
        let panels = try draft.panelsJSON()
        let found = try await self.database.pool.write { db -> Bool in
            try db.execute(
                sql: "UPDATE dashboards SET name = ?, visibility = ?, panels = ?, updated_at = ? WHERE id = ?",
                arguments: [draft.name, draft.visibility.rawValue, panels, now, id]
            )
            return db.changesCount > 0
        }
        return found ? try await self.dashboard(id: id) : nil
    }

    /// Deletes dashboard `id`; false when it does not exist.
    @discardableResult
    public func delete(id: Int64) async throws -> Bool {
        try await self.database.pool.write { db in
            try db.execute(sql: "DELETE FROM dashboards WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: Rows

    static let select = """
        SELECT dashboards.*, users.username AS owner_name
        FROM dashboards LEFT JOIN users ON users.id = dashboards.owner_id
        """

    static func dashboard(_ row: Row) throws -> SavedDashboard {
        let text: String = row["panels"]
        let panels: [DashboardPanel]
        do {
            panels = try JSONDecoder().decode([DashboardPanel].self, from: Data(text.utf8))
        } catch {
            throw StorageError(
                code: .unreadableRecord,
                path: "dashboards",
                message: "dashboard \(row["id"] as Int64? ?? 0) has panels this version cannot read",
                underlying: error
            )
        }
        return SavedDashboard(
            id: row["id"],
            organisationID: row["organisation_id"],
            ownerID: row["owner_id"],
            ownerName: row["owner_name"],
            name: row["name"],
            visibility: DashboardVisibility(rawValue: row["visibility"]) ?? .private,
            panels: panels,
            createdAt: row["created_at"],
            updatedAt: row["updated_at"]
        )
    }
}
