import Foundation
internal import GRDB
public import NetmonCore

/// A stored event, as the API and alerting read it.
public struct StoredEvent: Sendable, Hashable {
    public var id: Int64
    public var deviceID: Int64?
    public var interfaceID: Int64?
    public var kind: String
    /// UTC epoch milliseconds.
    public var time: Int64
    public var message: String
    public var details: [String: String]
}

/// Device and interface events (reachability, restarts, status changes...) and each device's last
/// poll outcome.
public struct EventStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Stores `events` of `deviceID`; `interfaceIDs` maps ifIndex to the interface's row id.
    public func record(_ events: [DeviceEvent], deviceID: Int64, interfaceIDs: [Int: Int64]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try events.map { event in
            (
                event, event.ifIndex.flatMap { interfaceIDs[$0] },
                String(decoding: try encoder.encode(event.details), as: UTF8.self)
            )
        }
        try await self.database.pool.write { db in
            let statement = try db.cachedStatement(
                sql:
                    "INSERT INTO events (device_id, interface_id, kind, ts, message, details) VALUES (?, ?, ?, ?, ?, ?)"
            )
            for (event, interfaceID, details) in rows {
                try statement.execute(arguments: [
                    deviceID, interfaceID, event.kind.rawValue, event.time, event.message, details,
                ])
            }
        }
    }

    /// Events in `[from, to)` (UTC epoch ms), newest first, optionally of one device, at most `limit`.
    public func events(from: Int64, to: Int64, deviceID: Int64? = nil, limit: Int = 1000) async throws -> [StoredEvent]
    {
        try await self.database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, device_id, interface_id, kind, ts, message, details FROM events
                    WHERE ts >= ? AND ts < ? AND (? IS NULL OR device_id = ?)
                    ORDER BY ts DESC, id DESC LIMIT ?
                    """,
                arguments: [from, to, deviceID, deviceID, limit]
            )
            return rows.map { row in
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
        }
    }

    /// Records the outcome of a poll in `device_status`.
    public func recordPoll(_ report: PollReport, reachable: Bool?) async throws {
        let milliseconds =
            Double(report.duration.components.seconds) * 1000
            + Double(report.duration.components.attoseconds) / 1e15
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO device_status (device_id, reachable, last_poll_at, last_poll_ms, last_error,
                        last_success_at, varbinds)
                    VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?5 IS NULL THEN ?3 END, ?6)
                    ON CONFLICT (device_id) DO UPDATE SET
                        reachable = ifnull(excluded.reachable, device_status.reachable),
                        last_poll_at = excluded.last_poll_at,
                        last_poll_ms = excluded.last_poll_ms,
                        last_error = excluded.last_error,
                        last_success_at = ifnull(excluded.last_success_at, device_status.last_success_at),
                        varbinds = excluded.varbinds
                    """,
                arguments: [report.deviceID, reachable, report.startedAt, milliseconds, report.error, report.varBinds]
            )
        }
    }
}
