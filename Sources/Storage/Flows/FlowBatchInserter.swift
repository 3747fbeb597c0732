import Foundation
internal import GRDB
import NetmonCore

/// Inserts raw flow records and per-minute rows inside the current transaction.
enum FlowBatchInserter {
    static let insertRawSQL = """
        INSERT INTO flows_raw (
            exporter, observation_domain, origin, ip_version, src_addr, dst_addr, src_port, dst_port,
            protocol, tcp_flags, packets, bytes, sampling_rate, first_ms, last_ms, input_if, output_if,
            direction, src_as, dst_as, vlan
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static let insertMinuteSQL = """
        INSERT INTO flows_minute (
            minute, exporter, input_if, output_if, direction, src_addr, dst_addr, src_port, dst_port,
            protocol, packets, bytes, flows
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Writes `records`; a record without `lastSwitched` gets `receivedAt` as its `last_ms`.
    static func insertRaw(_ records: ArraySlice<FlowRecord>, receivedAt: Int64, db: Database) throws {
        let statement = try db.cachedStatement(sql: Self.insertRawSQL)
        // Exporters are few: format each address once per batch, not once per record.
        var exporterText: [IPAddress: String] = [:]
        for record in records {
            let exporter =
                exporterText[record.exporter]
                ?? {
                    let text = record.exporter.description
                    exporterText[record.exporter] = text
                    return text
                }()
            let values: [(any DatabaseValueConvertible)?] = [
                exporter,
                Int64(record.observationDomain),
                record.origin.rawValue,
                Int64(record.ipVersion),
                Data(record.sourceAddress.bytes),
                Data(record.destinationAddress.bytes),
                Int64(record.sourcePort),
                Int64(record.destinationPort),
                Int64(record.ipProtocol),
                Int64(record.tcpFlags),
                Int64(clamping: record.packets),
                Int64(clamping: record.bytes),
                Int64(record.samplingRate),
                record.firstSwitched,
                record.lastSwitched > 0 ? record.lastSwitched : receivedAt,
                Int64(record.inputInterface),
                Int64(record.outputInterface),
                record.direction?.rawValue,
                Int64(record.sourceAS),
                Int64(record.destinationAS),
                record.vlan.map { Int64($0) },
            ]
            try statement.execute(arguments: StatementArguments(values))
        }
    }

    /// Writes per-minute rows.
    static func insertMinutes(_ rows: ArraySlice<FlowMinuteRow>, db: Database) throws {
        let statement = try db.cachedStatement(sql: Self.insertMinuteSQL)
        for row in rows {
            let values: [(any DatabaseValueConvertible)?] = [
                row.minute,
                row.exporter,
                row.inputInterface.map { Int64($0) },
                row.outputInterface.map { Int64($0) },
                row.direction?.rawValue,
                row.sourceAddress.map { Data($0.bytes) },
                row.destinationAddress.map { Data($0.bytes) },
                row.sourcePort.map { Int64($0) },
                row.destinationPort.map { Int64($0) },
                row.ipProtocol.map { Int64($0) },
                Int64(clamping: row.counters.packets),
                Int64(clamping: row.counters.bytes),
                Int64(clamping: row.counters.flows),
            ]
            try statement.execute(arguments: StatementArguments(values))
        }
    }
}
