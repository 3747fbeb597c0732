import Foundation
internal import GRDB

/// Alerts, their history, acknowledgements, and the notification outbox with its delivery log.
///
/// The evaluator commits state changes and the notifications they cause in one transaction
/// (``commit(alerts:history:outbox:)``): a notification exists exactly when its state change does.
public struct AlertStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    // MARK: Alerts

    /// Alerts, optionally only those in `states`, newest change first, at most `limit`.
    public func alerts(states: [String]? = nil, limit: Int = 10_000) async throws -> [StoredAlert] {
        try await self.database.pool.read { db in
            var sql = "SELECT * FROM alerts"
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let states {
                sql += " WHERE state IN (\(databaseQuestionMarks(count: max(1, states.count))))"
                arguments += states.isEmpty ? [""] : states
            }
            sql += " ORDER BY updated_at DESC, id DESC LIMIT ?"
            arguments.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.alert)
        }
    }

    /// The alert with `id`.
    public func alert(id: Int64) async throws -> StoredAlert? {
        try await self.database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]).map(Self.alert)
        }
    }

    /// Creates the rows of alerts that do not exist yet (state `ok`), returning every id by
    /// (rule id, target key).
    public func ensure(
        _ targets: [(ruleID: Int64, targetKey: String, deviceID: Int64?, interfaceID: Int64?)],
        now: Int64
    ) async throws -> [String: Int64] {
        guard !targets.isEmpty else { return [:] }
        return try await self.database.pool.write { db in
            var ids: [String: Int64] = [:]
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO alerts (rule_id, target_key, device_id, interface_id, state, updated_at)
                    VALUES (?, ?, ?, ?, 'ok', ?) ON CONFLICT (rule_id, target_key) DO NOTHING
                    """
            )
            let select = try db.cachedStatement(sql: "SELECT id FROM alerts WHERE rule_id = ? AND target_key = ?")
            for target in targets {
                try insert.execute(arguments: [
                    target.ruleID, target.targetKey, target.deviceID, target.interfaceID, now,
                ])
                if let id = try Int64.fetchOne(select, arguments: [target.ruleID, target.targetKey]) {
                    ids["\(target.ruleID)|\(target.targetKey)"] = id
                }
            }
            return ids
        }
    }

    /// Writes alert changes, their history and the notifications they cause in one transaction.
    /// Returns how many notifications were new (a key already recorded is kept, not duplicated).
    @discardableResult
    public func commit(
        alerts: [StoredAlert],
        history: [AlertHistoryEntry],
        outbox: [OutboxDraft],
        now: Int64
    )
        async throws -> Int
    {
        try await self.database.pool.write { db in
            let update = try db.cachedStatement(
                sql: """
                    UPDATE alerts SET state = ?, machine = ?, escalation = ?, value = ?, summary = ?,
                        suppressed = ?, silenced = ?, event_seq = ?, updated_at = ?
                    WHERE id = ?
                    """
            )
            for alert in alerts {
                try update.execute(arguments: [
                    alert.state, alert.machine, alert.escalation, alert.value, alert.summary, alert.suppressed,
                    alert.silenced, alert.eventSequence, alert.updatedAt, alert.id,
                ])
            }
            try Self.insertHistory(history, db: db)
            return try Self.insertOutbox(outbox, now: now, db: db)
        }
    }

    /// Records notifications (e.g. a test notification) outside an evaluation.
    @discardableResult
    public func enqueue(_ drafts: [OutboxDraft], now: Int64) async throws -> Int {
        try await self.database.pool.write { db in try Self.insertOutbox(drafts, now: now, db: db) }
    }

    /// Acknowledges alert `id` (stops its escalation); false when there is no such alert.
    @discardableResult
    public func acknowledge(id: Int64, by actor: String?, comment: String?, now: Int64) async throws -> Bool {
        try await self.setAcknowledged(id: id, acknowledged: true, actor: actor, comment: comment, now: now)
    }

    /// Withdraws the acknowledgement of alert `id` (escalation resumes); false when there is no such alert.
    @discardableResult
    public func unacknowledge(id: Int64, by actor: String?, comment: String?, now: Int64) async throws -> Bool {
        try await self.setAcknowledged(id: id, acknowledged: false, actor: actor, comment: comment, now: now)
    }

    private func setAcknowledged(
        id: Int64,
        acknowledged: Bool,
        actor: String?,
        comment: String?,
        now: Int64
    )
        async throws -> Bool
    {
        try await self.database.pool.write { db in
            try db.execute(
                sql: "UPDATE alerts SET acked_at = ?, ack_by = ?, ack_comment = ?, updated_at = ? WHERE id = ?",
                arguments: acknowledged ? [now, actor, comment, now, id] : [nil, nil, nil, now, id]
            )
            guard db.changesCount > 0 else { return false }
            try Self.insertHistory(
                [
                    AlertHistoryEntry(
                        alertID: id,
                        time: now,
                        kind: acknowledged ? "acknowledged" : "unacknowledged",
                        actor: actor,
                        comment: comment
                    )
                ],
                db: db
            )
            return true
        }
    }

    /// Clears the acknowledgement of alert `id` when it fires again (a new episode).
    public func clearAcknowledgement(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE alerts SET acked_at = NULL, ack_by = NULL, ack_comment = NULL
                    WHERE id IN (\(databaseQuestionMarks(count: ids.count)))
                    """,
                arguments: StatementArguments(ids)
            )
        }
    }

    /// The history of alert `id`, oldest first.
    public func history(alertID: Int64) async throws -> [AlertHistoryEntry] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM alert_history WHERE alert_id = ? ORDER BY ts, id",
                arguments: [alertID]
            ).map { row in
                AlertHistoryEntry(
                    alertID: row["alert_id"],
                    time: row["ts"],
                    kind: row["kind"],
                    actor: row["actor"],
                    comment: row["comment"]
                )
            }
        }
    }

    // MARK: Outbox

    /// Pending notifications due at `now`, oldest first, at most `limit`.
    public func dueNotifications(now: Int64, limit: Int = 100) async throws -> [OutboxEntry] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM alert_outbox WHERE state = 'pending' AND next_attempt_at <= ?
                    ORDER BY next_attempt_at, id LIMIT ?
                    """,
                arguments: [now, limit]
            ).map(Self.entry)
        }
    }

    /// The earliest time a pending notification is due, or nil when none is pending.
    public func nextDueTime() async throws -> Int64? {
        try await self.database.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM alert_outbox WHERE state = 'pending'")
        }
    }

    /// Notifications, newest first, optionally of one alert or in one state.
    public func notifications(
        alertID: Int64? = nil,
        state: OutboxEntry.State? = nil,
        limit: Int = 1000
    ) async throws
        -> [OutboxEntry]
    {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM alert_outbox WHERE (?1 IS NULL OR alert_id = ?1) AND (?2 IS NULL OR state = ?2)
                    ORDER BY id DESC LIMIT ?3
                    """,
                arguments: [alertID, state?.rawValue, limit]
            ).map(Self.entry)
        }
    }

    /// Records a delivery attempt and its outcome: delivered, retry at `retryAt`, or dead.
    public func recordAttempt(_ attempt: DeliveryAttempt, retryAt: Int64?) async throws {
        try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO alert_deliveries (outbox_id, attempt, ts, outcome, status, error, duration_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    attempt.outboxID, attempt.attempt, attempt.time, attempt.outcome.rawValue, attempt.status,
                    attempt.error, attempt.durationMilliseconds,
                ]
            )
            switch attempt.outcome {
            case .delivered:
                try db.execute(
                    sql: """
                        UPDATE alert_outbox SET state = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL
                        WHERE id = ?
                        """,
                    arguments: [attempt.attempt, attempt.time, attempt.outboxID]
                )
            case .retry:
                try db.execute(
                    sql: "UPDATE alert_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    arguments: [attempt.attempt, retryAt ?? attempt.time, attempt.error, attempt.outboxID]
                )
            case .dead:
                try db.execute(
                    sql: "UPDATE alert_outbox SET state = 'dead', attempts = ?, last_error = ? WHERE id = ?",
                    arguments: [attempt.attempt, attempt.error, attempt.outboxID]
                )
            }
        }
    }

    /// The delivery log of notification `outboxID`, oldest attempt first.
    public func deliveries(outboxID: Int64) async throws -> [DeliveryAttempt] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM alert_deliveries WHERE outbox_id = ? ORDER BY attempt, id",
                arguments: [outboxID]
            ).map { row in
                DeliveryAttempt(
                    outboxID: row["outbox_id"],
                    attempt: row["attempt"],
                    time: row["ts"],
                    outcome: DeliveryAttempt.Outcome(rawValue: row["outcome"]) ?? .retry,
                    status: row["status"],
                    error: row["error"],
                    durationMilliseconds: row["duration_ms"]
                )
            }
        }
    }

    // MARK: Rows

    private static func insertOutbox(_ drafts: [OutboxDraft], now: Int64, db: Database) throws -> Int {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO alert_outbox (idempotency_key, alert_id, channel_id, event, payload, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
                """
        )
        var inserted = 0
        for draft in drafts {
            try statement.execute(arguments: [
                draft.idempotencyKey, draft.alertID, draft.channelID, draft.event, draft.payload, now, now,
            ])
            inserted += db.changesCount
        }
        return inserted
    }

    private static func insertHistory(_ entries: [AlertHistoryEntry], db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO alert_history (alert_id, ts, kind, actor, comment) VALUES (?, ?, ?, ?, ?)"
        )
        for entry in entries {
            try statement.execute(arguments: [entry.alertID, entry.time, entry.kind, entry.actor, entry.comment])
        }
    }

    /// A stored alert from a row of `alerts` (also used by ``AlertListStore``).
    static func alert(_ row: Row) -> StoredAlert {
        StoredAlert(
            id: row["id"],
            ruleID: row["rule_id"],
            targetKey: row["target_key"],
            deviceID: row["device_id"],
            interfaceID: row["interface_id"],
            state: row["state"],
            machine: row["machine"],
            escalation: row["escalation"],
            value: row["value"],
            summary: row["summary"],
            suppressed: row["suppressed"],
            silenced: row["silenced"],
            ackedAt: row["acked_at"],
            ackBy: row["ack_by"],
            ackComment: row["ack_comment"],
            eventSequence: row["event_seq"],
            updatedAt: row["updated_at"]
        )
    }

    /// An outbox row (`alert_outbox.*`) as an entry; also used by the notification list.
    static func entry(_ row: Row) -> OutboxEntry {
        OutboxEntry(
            id: row["id"],
            idempotencyKey: row["idempotency_key"],
            alertID: row["alert_id"],
            channelID: row["channel_id"],
            event: row["event"],
            payload: row["payload"],
            state: OutboxEntry.State(rawValue: row["state"]) ?? .pending,
            attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"],
            createdAt: row["created_at"],
            deliveredAt: row["delivered_at"],
            lastError: row["last_error"]
        )
    }
}
