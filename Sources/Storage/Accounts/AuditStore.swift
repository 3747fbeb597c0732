internal import GRDB

/// The audit log: appended to by the API, read by admins.
public struct AuditStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    public func append(_ entry: AuditEntry) async throws {
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit_log (ts, user_id, username, organisation_id, action, target, method, path,
                        client_address, outcome, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.time, entry.userID, entry.username, entry.organisationID, entry.action, entry.target,
                    entry.method, entry.path, entry.clientAddress, entry.outcome.rawValue, entry.status,
                ]
            )
        }
    }

    /// Entries in `[from, to)`, newest first, filtered by organisation (nil: all), user, action
    /// and outcome.
    public func entries(
        from: Int64,
        to: Int64,
        organisationID: Int64?,
        userID: Int64?,
        action: String?,
        outcome: AuditEntry.Outcome?,
        limit: Int,
        offset: Int
    ) async throws -> ListPage<AuditEntry> {
        try await self.database.pool.read { db in
            let condition = """
                ts >= ?1 AND ts < ?2 AND (?3 IS NULL OR organisation_id = ?3) AND (?4 IS NULL OR user_id = ?4)
                    AND (?5 IS NULL OR action = ?5) AND (?6 IS NULL OR outcome = ?6)
                """
            let arguments: StatementArguments = [from, to, organisationID, userID, action, outcome?.rawValue]
            let total = try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM audit_log WHERE \(condition)",
                arguments: arguments
            )
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM audit_log WHERE \(condition) ORDER BY ts DESC, id DESC LIMIT \(limit) OFFSET \(offset)",
                arguments: arguments
            )
            let items = rows.map { row in
                AuditEntry(
                    id: row["id"],
                    time: row["ts"],
                    userID: row["user_id"],
                    username: row["username"],
                    organisationID: row["organisation_id"],
                    action: row["action"],
                    target: row["target"],
                    method: row["method"],
                    path: row["path"],
                    clientAddress: row["client_address"],
                    outcome: AuditEntry.Outcome(rawValue: row["outcome"]) ?? .failure,
                    status: row["status"]
                )
            }
            return ListPage(items: items, total: total ?? 0)
        }
    }
}
