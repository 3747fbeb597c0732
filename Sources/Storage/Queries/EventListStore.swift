import Foundation
internal import GRDB

/// Events as the API lists them: per organisation, filtered by time, device and kind, paged.
public struct EventListStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Events in `[from, to)` of the devices of `organisationID` (nil: all), newest first.
    public func events(
        from: Int64,
        to: Int64,
        organisationID: Int64?,
        deviceID: Int64?,
        kind: String?,
        limit: Int,
        offset: Int
    ) async throws -> ListPage<StoredEvent> {
        try await self.database.pool.read { db in
            let condition = """
                events.ts >= ?1 AND events.ts < ?2 AND (?3 IS NULL OR coalesce(devices.organisation_id, 1) = ?3)
                    AND (?4 IS NULL OR events.device_id = ?4) AND (?5 IS NULL OR events.kind = ?5)
                """
            let arguments: StatementArguments = [from, to, organisationID, deviceID, kind]
            let tables = "FROM events LEFT JOIN devices ON devices.id = events.device_id"
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(tables) WHERE \(condition)", arguments: arguments)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT events.id, events.device_id, events.interface_id, events.kind, events.ts, events.message,
                        events.details \(tables) WHERE \(condition)
                    ORDER BY events.ts DESC, events.id DESC LIMIT \(limit) OFFSET \(offset)
                    """,
                arguments: arguments
            )
            let items = rows.map { row in
                let details = (row["details"] as String?).flatMap {
                    try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
                }
                return StoredEvent(
                    id: row["id"],
                    deviceID: row["device_id"],
                    interfaceID: row["interface_id"],
                    kind: row["kind"],
                    time: row["ts"],
                    message: row["message"],
                    details: details ?? [:]
                )
            }
            return ListPage(items: items, total: total ?? 0)
        }
    }
}
