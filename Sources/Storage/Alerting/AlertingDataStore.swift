import Foundation
internal import GRDB
import NetmonCore

/// The reads one alert evaluation cycle makes, batched for thousands of series.
public struct AlertingDataStore: Sendable {
    /// A device with its tags and last known reachability.
    public struct Device: Sendable, Hashable {
        public var id: Int64
        public var name: String
        public var tags: [String]
        public var reachable: Bool?
        /// The owning organisation.
        public var organisationID: Int64
    }

    /// A current (not removed) interface.
    public struct Interface: Sendable, Hashable {
        public var id: Int64
        public var deviceID: Int64
        public var name: String
        public var adminStatus: Int?
        public var operStatus: Int?
    }

    /// A series of one of the requested metrics.
    public struct Series: Sendable, Hashable {
        public var id: Int64
        public var deviceID: Int64?
        public var interfaceID: Int64?
        public var metric: String
        public var instance: String
    }

    let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Every device, with reachability from `device_status`.
    public func devices() async throws -> [Device] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.name, d.tags, d.organisation_id, s.reachable FROM devices d
                    LEFT JOIN device_status s ON s.device_id = d.id ORDER BY d.id
                    """
            ).map { row in
                let tags = (try? JSONDecoder().decode([String].self, from: Data((row["tags"] as String).utf8))) ?? []
                return Device(
                    id: row["id"],
                    name: row["name"],
                    tags: tags,
                    reachable: row["reachable"],
                    organisationID: row["organisation_id"]
                )
            }
        }
    }

    /// Every interface not removed.
    public func interfaces() async throws -> [Interface] {
        try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, device_id, if_index, if_name, if_descr, admin_status, oper_status FROM interfaces
                    WHERE removed_at IS NULL ORDER BY id
                    """
            ).map { row in
                let name = [row["if_name"] as String?, row["if_descr"] as String?].compactMap { $0 }
                    .first { !$0.isEmpty }
                return Interface(
                    id: row["id"],
                    deviceID: row["device_id"],
                    name: name ?? "ifIndex \(row["if_index"] as Int)",
                    adminStatus: row["admin_status"],
                    operStatus: row["oper_status"]
                )
            }
        }
    }

    /// The series of `metrics`.
    public func series(metrics: [String]) async throws -> [Series] {
        guard !metrics.isEmpty else { return [] }
        return try await self.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, device_id, interface_id, metric, instance FROM series
                    WHERE metric IN (\(databaseQuestionMarks(count: metrics.count)))
                    """,
                arguments: StatementArguments(metrics)
            ).map { row in
                Series(
                    id: row["id"],
                    deviceID: row["device_id"],
                    interfaceID: row["interface_id"],
                    metric: row["metric"],
                    instance: row["instance"]
                )
            }
        }
    }

    /// The samples of `seriesIDs` with `from < ts <= to`, grouped by series, oldest first. One
    /// statement per 10-minute bucket of the `samples` index and chunk of series.
    public func samples(seriesIDs: [Int64], from: Int64, to: Int64) async throws -> [Int64: [(Int64, Double)]] {
        guard !seriesIDs.isEmpty, from < to else { return [:] }
        return try await self.database.pool.read { db in
            var result: [Int64: [(Int64, Double)]] = [:]
            let bucket = NetmonDatabase.sampleBucketMilliseconds
            let buckets = ((from + 1) / bucket...(to / bucket)).map(String.init).joined(separator: ",")
            var start = seriesIDs.startIndex
            while start < seriesIDs.endIndex {
                let end = min(start + 500, seriesIDs.endIndex)
                let chunk = Array(seriesIDs[start..<end])
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT series_id, ts, value FROM samples
                        WHERE ts / 600000 IN (\(buckets)) AND series_id IN (\(databaseQuestionMarks(count: chunk.count)))
                            AND ts > ? AND ts <= ?
                        ORDER BY series_id, ts
                        """,
                    arguments: StatementArguments(chunk) + [from, to]
                )
                while let row = try rows.next() {
                    let value: Double? = row[2]
                    result[row[0], default: []].append((row[1], value ?? .nan))
                }
                start = end
            }
            return result
        }
    }

    /// The newest sample of each of `seriesIDs` that has one.
    public func latest(seriesIDs: [Int64]) async throws -> [Int64: (Int64, Double)] {
        let samples = try await SampleStore(database: self.database).latest(seriesIDs: seriesIDs)
        return Dictionary(samples.map { ($0.seriesID, ($0.timestamp, $0.value)) }) { first, _ in first }
    }

    /// Device id → times of `agent_restarted` events after `from`.
    public func restarts(since from: Int64) async throws -> [Int64: [Int64]] {
        try await self.database.pool.read { db in
            var result: [Int64: [Int64]] = [:]
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT device_id, ts FROM events WHERE ts > ? AND kind = 'agent_restarted' AND device_id IS NOT NULL",
                arguments: [from]
            )
            for row in rows { result[row[0], default: []].append(row[1]) }
            return result
        }
    }
}
