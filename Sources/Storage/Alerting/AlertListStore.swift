import Foundation
internal import GRDB

/// An alert as the API lists it: the stored row with its rule, device and interface names and
/// the times its state machine keeps.
public struct ListedAlert: Sendable, Hashable {
    public var alert: StoredAlert
    public var ruleName: String
    /// The rule's JSON document (the Alerting module decodes its kind and severity).
    public var ruleDefinition: String
    public var organisationID: Int64
    public var deviceName: String?
    public var interfaceName: String?
    /// When the current pending or firing period started (UTC epoch ms).
    public var since: Int64?
    public var firedAt: Int64?
    public var resolvedAt: Int64?
}

/// A notification as the API lists it: the outbox row with its channel's name.
public struct ListedNotification: Sendable, Hashable {
    public var entry: OutboxEntry
    public var channelName: String?
}

/// What an alert list selects. Nil criteria select everything.
public struct AlertFilter: Sendable, Hashable {
    /// Only alerts of rules of this organisation (nil: every organisation).
    public var organisationID: Int64?
    /// Only alerts in these states (default: pending, firing, resolved; `ok` rows are targets
    /// that breached and cleared before firing).
    public var states: [String] = ["pending", "firing", "resolved"]
    /// Only alerts of rules with this severity.
    public var severity: String?
    public var ruleID: Int64?
    public var deviceID: Int64?
    public var acknowledged: Bool?
    /// Alerts changed at or after `from` (UTC epoch ms); pending and firing alerts always match.
    public var from: Int64?
    /// Alerts whose current period started at or before `to`.
    public var to: Int64?

    public init() {}
}

/// The alert and notification lists of the API: filtered, sorted on whitelisted fields and paged
/// in SQL, every value bound as a parameter.
public struct AlertListStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Sort fields of ``alerts(filter:list:)``: API name → SQL expression.
    public static let alertSortFields: [String: String] = [
        "id": "a.id", "updated_at": "a.updated_at", "state": "a.state", "rule": "r.name", "device": "d.name",
        "since": "m_since", "value": "a.value",
        "severity": """
        CASE json_extract(r.definition, '$.severity') WHEN 'critical' THEN 5 WHEN 'major' THEN 4
            WHEN 'minor' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END
        """,
    ]

    /// Sort fields of ``notifications(organisationID:alertID:channelID:state:list:)``.
    public static let notificationSortFields: [String: String] = [
        "id": "o.id", "created_at": "o.created_at", "state": "o.state", "attempts": "o.attempts",
        "channel": "c.name",
    ]

    private static let organisationOfRule = "COALESCE(json_extract(r.definition, '$.organisationID'), 1)"
    private static let organisationOfChannel = "COALESCE(json_extract(c.definition, '$.organisationID'), 1)"

    /// One page of alerts matching `filter`, newest change first unless `list` sorts otherwise.
    public func alerts(filter: AlertFilter, list: ListRequest) async throws -> ListPage<ListedAlert> {
        try await self.database.pool.read { db in
            var conditions = ["(?1 IS NULL OR \(Self.organisationOfRule) = ?1)"]
            var arguments: [(any DatabaseValueConvertible)?] = [filter.organisationID]
            func bind(_ value: (any DatabaseValueConvertible)?) -> String {
                arguments.append(value)
                return "?\(arguments.count)"
            }
            let states = filter.states.isEmpty ? [""] : filter.states
            conditions.append("a.state IN (\(states.map { bind($0) }.joined(separator: ", ")))")
            if let severity = filter.severity {
                conditions.append("json_extract(r.definition, '$.severity') = \(bind(severity))")
            }
            if let ruleID = filter.ruleID { conditions.append("a.rule_id = \(bind(ruleID))") }
            if let deviceID = filter.deviceID { conditions.append("a.device_id = \(bind(deviceID))") }
            if let acknowledged = filter.acknowledged {
                conditions.append(acknowledged ? "a.acked_at IS NOT NULL" : "a.acked_at IS NULL")
            }
            if let from = filter.from {
                conditions.append("(a.updated_at >= \(bind(from)) OR a.state IN ('pending', 'firing'))")
            }
            if let to = filter.to {
                conditions.append("COALESCE(m_since, m_fired, a.updated_at) <= \(bind(to))")
            }
            if let pattern = list.likePattern {
                let p = bind(pattern)
                conditions.append(
                    "(r.name LIKE \(p) ESCAPE '\\' OR a.summary LIKE \(p) ESCAPE '\\' OR d.name LIKE \(p) ESCAPE '\\')"
                )
            }
            let from = """
                FROM (SELECT *, json_extract(machine, '$.since') AS m_since, json_extract(machine, '$.firedAt') AS m_fired,
                        json_extract(machine, '$.resolvedAt') AS m_resolved FROM alerts) a
                JOIN alert_rules r ON r.id = a.rule_id
                LEFT JOIN devices d ON d.id = a.device_id
                LEFT JOIN interfaces i ON i.id = a.interface_id
                WHERE \(conditions.joined(separator: " AND "))
                """
            let total = try Int.fetchOne(db, sql: "SELECT count(*) " + from, arguments: StatementArguments(arguments))
            let order = list.orderBy(Self.alertSortFields, fallback: "a.updated_at").replacingOccurrences(
                of: ", id ",
                with: ", a.id "
            )
            let order2 = list.sort == nil ? "a.updated_at DESC, a.id DESC" : order
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, r.name AS rule_name, r.definition AS rule_definition,
                        \(Self.organisationOfRule) AS organisation_id, d.name AS device_name,
                        COALESCE(NULLIF(i.if_name, ''), i.if_descr) AS interface_name
                    \(from) ORDER BY \(order2) LIMIT \(list.limit) OFFSET \(list.offset)
                    """,
                arguments: StatementArguments(arguments)
            )
            return ListPage(items: rows.map(Self.listed), total: total ?? 0)
        }
    }

    /// The alert with `id` if it belongs to a rule of `organisationID` (nil: any).
    public func alert(id: Int64, organisationID: Int64?) async throws -> ListedAlert? {
        try await self.database.pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT a.*, json_extract(a.machine, '$.since') AS m_since,
                        json_extract(a.machine, '$.firedAt') AS m_fired, json_extract(a.machine, '$.resolvedAt') AS m_resolved,
                        r.name AS rule_name, r.definition AS rule_definition,
                        \(Self.organisationOfRule) AS organisation_id, d.name AS device_name,
                        COALESCE(NULLIF(i.if_name, ''), i.if_descr) AS interface_name
                    FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
                    LEFT JOIN devices d ON d.id = a.device_id
                    LEFT JOIN interfaces i ON i.id = a.interface_id
                    WHERE a.id = ?1 AND (?2 IS NULL OR \(Self.organisationOfRule) = ?2)
                    """,
                arguments: [id, organisationID]
            ).map(Self.listed)
        }
    }

    /// One page of notifications (outbox rows) to channels of `organisationID` (nil: any),
    /// optionally of one alert, one channel or in one state; newest first by default.
    public func notifications(
        organisationID: Int64?,
        alertID: Int64? = nil,
        channelID: Int64? = nil,
        state: String? = nil,
        list: ListRequest
    ) async throws -> ListPage<ListedNotification> {
        try await self.database.pool.read { db in
            let condition = """
                (?1 IS NULL OR \(Self.organisationOfChannel) = ?1) AND (?2 IS NULL OR o.alert_id = ?2)
                    AND (?3 IS NULL OR o.channel_id = ?3) AND (?4 IS NULL OR o.state = ?4)
                    AND (?5 IS NULL OR o.event LIKE ?5 ESCAPE '\\' OR c.name LIKE ?5 ESCAPE '\\'
                        OR o.last_error LIKE ?5 ESCAPE '\\')
                """
            let arguments: StatementArguments = [organisationID, alertID, channelID, state, list.likePattern]
            let from = "FROM alert_outbox o LEFT JOIN alert_channels c ON c.id = o.channel_id WHERE \(condition)"
            let total = try Int.fetchOne(db, sql: "SELECT count(*) " + from, arguments: arguments)
            let order =
                list.sort == nil
                ? "o.id DESC"
                : list.orderBy(Self.notificationSortFields, fallback: "o.id").replacingOccurrences(
                    of: ", id ",
                    with: ", o.id "
                )
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT o.*, c.name AS channel_name \(from) ORDER BY \(order) LIMIT \(list.limit) OFFSET \(list.offset)",
                arguments: arguments
            )
            return ListPage(
                items: rows.map { ListedNotification(entry: AlertStore.entry($0), channelName: $0["channel_name"]) },
                total: total ?? 0
            )
        }
    }

    /// The notification with `id` if its channel belongs to `organisationID` (nil: any).
    public func notification(id: Int64, organisationID: Int64?) async throws -> ListedNotification? {
        try await self.notification(where: "o.id = ?1", id, organisationID: organisationID)
    }

    /// The notification with `idempotencyKey` if its channel belongs to `organisationID` (nil: any).
    public func notification(idempotencyKey: String, organisationID: Int64?) async throws -> ListedNotification? {
        try await self.notification(where: "o.idempotency_key = ?1", idempotencyKey, organisationID: organisationID)
    }

    private func notification(
        where condition: String,
        _ key: some DatabaseValueConvertible & Sendable,
        organisationID: Int64?
    ) async throws -> ListedNotification? {
        try await self.database.pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT o.*, c.name AS channel_name FROM alert_outbox o
                    LEFT JOIN alert_channels c ON c.id = o.channel_id
                    WHERE \(condition) AND (?2 IS NULL OR \(Self.organisationOfChannel) = ?2)
                    """,
                arguments: [key, organisationID]
            ).map { ListedNotification(entry: AlertStore.entry($0), channelName: $0["channel_name"]) }
        }
    }

    private static func listed(_ row: Row) -> ListedAlert {
        ListedAlert(
            alert: AlertStore.alert(row),
            ruleName: row["rule_name"],
            ruleDefinition: row["rule_definition"],
            organisationID: row["organisation_id"],
            deviceName: row["device_name"],
            interfaceName: row["interface_name"],
            since: row["m_since"],
            firedAt: row["m_fired"],
            resolvedAt: row["m_resolved"]
        )
    }
}
