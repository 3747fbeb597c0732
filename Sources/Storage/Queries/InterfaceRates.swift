internal import GRDB

/// An interface with the latest values of its series, by metric name (`if_in_octets` in B/s,
/// `if_in_utilization_percent`, `if_in_errors` in errors/s...).
public struct InterfaceWithLatest: Sendable {
    public var interface: InterfaceRecord
    public var latest: [String: Double]
}

/// A series with what the API shows about it and who owns it.
public struct SeriesDescription: Sendable, Hashable {
    public var id: Int64
    public var deviceID: Int64?
    public var deviceName: String?
    public var interfaceID: Int64?
    public var interfaceName: String?
    public var metric: String
    public var instance: String
    public var unit: String
    /// The owning organisation: the device's, or the default one for series of no device.
    public var organisationID: Int64
}

/// Reads that join inventory and latest values: interfaces with their current rates, series
/// descriptions, and every latest value of an organisation (for Prometheus).
public struct TelemetryStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// The version of series data (see ``NetmonDatabase/seriesChanges``); read it before the
    /// reads a cached series answer is built from.
    public var seriesVersion: UInt64 { self.database.seriesChanges.value }

    /// The present interfaces of `deviceID`, by ifIndex, each with its latest values.
    public func interfaces(deviceID: Int64) async throws -> [InterfaceWithLatest] {
        try await self.database.pool.read { db in
            let interfaces = try InterfaceRecord.filter(Column("device_id") == deviceID && Column("removed_at") == nil)
                .order(Column("if_index")).fetchAll(db)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT series.interface_id, series.metric, series_latest.value
                    FROM series JOIN series_latest ON series_latest.series_id = series.id
                    WHERE series.device_id = ? AND series.interface_id IS NOT NULL
                    """,
                arguments: [deviceID]
            )
            var latest: [Int64: [String: Double]] = [:]
            for row in rows {
                if let value = row["value"] as Double? {
                    latest[row["interface_id"], default: [:]][row["metric"]] = value
                }
            }
            return interfaces.map { InterfaceWithLatest(interface: $0, latest: latest[$0.id ?? 0] ?? [:]) }
        }
    }

    /// Descriptions of the series `ids` that exist, in the order asked.
    public func series(ids: [Int64]) async throws -> [SeriesDescription] {
        guard !ids.isEmpty else { return [] }
        return try await self.database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: Self.seriesSelect + " WHERE series.id IN (\(databaseQuestionMarks(count: ids.count)))",
                arguments: StatementArguments(ids)
            )
            let byID = Dictionary(rows.map { (($0["id"] as Int64), Self.description($0)) }) { first, _ in first }
            return ids.compactMap { byID[$0] }
        }
    }

    /// The series of one interface with the given metrics.
    public func series(interfaceID: Int64, metrics: [String]) async throws -> [SeriesDescription] {
        guard !metrics.isEmpty else { return [] }
        return try await self.database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: Self.seriesSelect
                    + " WHERE series.interface_id = ? AND series.metric IN (\(databaseQuestionMarks(count: metrics.count)))",
                arguments: StatementArguments(
                    [interfaceID as any DatabaseValueConvertible] + metrics.map { $0 as any DatabaseValueConvertible }
                )
            )
            let found = rows.map(Self.description)
            return metrics.flatMap { metric in found.filter { $0.metric == metric } }
        }
    }

    /// One latest value for Prometheus, with its labels' sources.
    public struct LatestValue: Sendable {
        public var deviceName: String
        public var metric: String
        public var instance: String
        public var unit: String
        public var ifIndex: Int?
        public var ifName: String?
        public var ifAlias: String?
        public var ifDescr: String?
        public var value: Double
        public var time: Int64
    }

    /// Every latest value of the devices of `organisationID` (nil: all), by device and metric.
    public func latestValues(organisationID: Int64?) async throws -> [LatestValue] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT devices.name AS device, series.metric, series.instance, series.unit, interfaces.if_index,
                        interfaces.if_name, interfaces.if_alias, interfaces.if_descr, series_latest.value, series_latest.ts
                    FROM series JOIN series_latest ON series_latest.series_id = series.id
                        JOIN devices ON devices.id = series.device_id
                        LEFT JOIN interfaces ON interfaces.id = series.interface_id
                    WHERE (?1 IS NULL OR devices.organisation_id = ?1) AND series_latest.value IS NOT NULL
                        AND (interfaces.id IS NULL OR interfaces.removed_at IS NULL)
                    ORDER BY series.metric, devices.name, interfaces.if_index, series.instance
                    """,
                arguments: [organisationID]
            ).map { row in
                LatestValue(
                    deviceName: row["device"],
                    metric: row["metric"],
                    instance: row["instance"],
                    unit: row["unit"],
                    ifIndex: row["if_index"],
                    ifName: row["if_name"],
                    ifAlias: row["if_alias"],
                    ifDescr: row["if_descr"],
                    value: row["value"],
                    time: row["ts"]
                )
            }
        }
    }

    /// Reachability of the devices of `organisationID` (nil: all): name → reachable (nil: unknown).
    public func reachability(organisationID: Int64?) async throws -> [(name: String, reachable: Bool?)] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT devices.name, device_status.reachable FROM devices
                    LEFT JOIN device_status ON device_status.device_id = devices.id
                    WHERE (?1 IS NULL OR devices.organisation_id = ?1) ORDER BY devices.name
                    """,
                arguments: [organisationID]
            ).map { (name: $0["name"], reachable: $0["reachable"]) }
        }
    }

    static let seriesSelect = """
        SELECT series.id, series.device_id, series.interface_id, series.metric, series.instance, series.unit,
            devices.name AS device_name, coalesce(interfaces.if_name, interfaces.if_descr) AS interface_name,
            coalesce(devices.organisation_id, 1) AS organisation_id
        FROM series LEFT JOIN devices ON devices.id = series.device_id
            LEFT JOIN interfaces ON interfaces.id = series.interface_id
        """

    static func description(_ row: Row) -> SeriesDescription {
        SeriesDescription(
            id: row["id"],
            deviceID: row["device_id"],
            deviceName: row["device_name"],
            interfaceID: row["interface_id"],
            interfaceName: row["interface_name"],
            metric: row["metric"],
            instance: row["instance"],
            unit: row["unit"],
            organisationID: row["organisation_id"]
        )
    }
}
