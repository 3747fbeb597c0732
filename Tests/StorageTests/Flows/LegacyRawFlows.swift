import Foundation
import GRDB
import NetmonCore

@testable import Storage

/// The raw flow layout before schema v8 (one row per record in `flows_raw`) and its queries, kept
/// as the oracle the packed layout must agree with.
enum LegacyRawFlows {
    /// The v3 `flows_raw` table and index, under `table`.
    static func create(_ table: String, in db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE \(table) (
                    exporter TEXT NOT NULL, observation_domain INTEGER NOT NULL, origin TEXT NOT NULL,
                    ip_version INTEGER NOT NULL, src_addr BLOB NOT NULL, dst_addr BLOB NOT NULL,
                    src_port INTEGER NOT NULL, dst_port INTEGER NOT NULL, protocol INTEGER NOT NULL,
                    tcp_flags INTEGER NOT NULL, packets INTEGER NOT NULL, bytes INTEGER NOT NULL,
                    sampling_rate INTEGER NOT NULL, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
                    input_if INTEGER NOT NULL, output_if INTEGER NOT NULL, direction TEXT,
                    src_as INTEGER NOT NULL, dst_as INTEGER NOT NULL, vlan INTEGER
                );
                CREATE INDEX \(table)_by_bucket_exporter ON \(table) (last_ms / 600000, exporter, last_ms);
                """
        )
    }

    /// Inserts `records` as the pre-v8 writer did.
    static func insert(_ records: [FlowRecord], receivedAt: Int64, into table: String, db: Database) throws {
        let statement = try db.makeStatement(
            sql: "INSERT INTO \(table) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for record in records {
            let values: [(any DatabaseValueConvertible)?] = [
                record.exporter.description, Int64(record.observationDomain), record.origin.rawValue,
                Int64(record.ipVersion), Data(record.sourceAddress.bytes), Data(record.destinationAddress.bytes),
                Int64(record.sourcePort), Int64(record.destinationPort), Int64(record.ipProtocol),
                Int64(record.tcpFlags), Int64(clamping: record.packets), Int64(clamping: record.bytes),
                Int64(record.samplingRate), record.firstSwitched,
                record.lastSwitched > 0 ? record.lastSwitched : receivedAt, Int64(record.inputInterface),
                Int64(record.outputInterface), record.direction?.rawValue, Int64(record.sourceAS),
                Int64(record.destinationAS), record.vlan.map { Int64($0) },
            ]
            try statement.execute(arguments: StatementArguments(values))
        }
    }

    /// The pre-v8 SQL of `FlowQueries.top(_:source: .raw)`, over `table`.
    static func top(
        _ dimension: FlowDimension,
        from: Int64,
        to: Int64,
        filter: FlowFilter,
        limit: Int,
        table: String,
        db: Database
    ) throws -> [FlowTrafficEntry] {
        var conditions = ["last_ms / 600000 >= ? AND last_ms / 600000 <= ? AND last_ms >= ? AND last_ms < ?"]
        var arguments: StatementArguments = [from / 600_000, (to - 1) / 600_000, from, to]
        if let exporter = filter.exporter {
            conditions.append("exporter = ?")
            _ = arguments.append(contentsOf: [exporter.description])
        }
        if let input = filter.inputInterface {
            conditions.append("input_if = ?")
            _ = arguments.append(contentsOf: [Int64(input)])
        }
        if let output = filter.outputInterface {
            conditions.append("output_if = ?")
            _ = arguments.append(contentsOf: [Int64(output)])
        }
        for (column, prefix) in [("src_addr", filter.sourcePrefix), ("dst_addr", filter.destinationPrefix)] {
            guard let prefix else { continue }
            conditions.append("length(\(column)) = ? AND \(column) BETWEEN ? AND ?")
            _ = arguments.append(contentsOf: [
                prefix.lowerBoundBytes.count, Data(prefix.lowerBoundBytes), Data(prefix.upperBoundBytes),
            ])
        }
        if let port = filter.port {
            conditions.append("(src_port = ? OR dst_port = ?)")
            _ = arguments.append(contentsOf: [Int64(port), Int64(port)])
        }
        if let ipProtocol = filter.ipProtocol {
            conditions.append("protocol = ?")
            _ = arguments.append(contentsOf: [Int64(ipProtocol)])
        }
        let keys = FlowQueries.groupColumns(dimension)
        let keyList = keys.enumerated().map { "\($1) AS k\($0)" }.joined(separator: ", ")
        let groupList = (0..<keys.count).map { "k\($0)" }.joined(separator: ", ")
        let sql = """
            SELECT \(keyList), sum(packets * sampling_rate), sum(bytes * sampling_rate), count(*) FROM \(table)
            WHERE \(conditions.joined(separator: " AND "))
            GROUP BY \(groupList)
            ORDER BY \(keys.count + 2) DESC, \(groupList)
            LIMIT ?
            """
        _ = arguments.append(contentsOf: [limit])
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
            FlowQueries.entry($0, dimension: dimension)
        }
    }
}
