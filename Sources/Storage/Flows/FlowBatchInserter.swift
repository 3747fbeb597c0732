import Foundation
internal import GRDB
internal import GRDBSQLite
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
    ///
    /// Binds straight to the prepared statement's SQLite handle, as the sample writer does: no
    /// boxed arguments, no per-record allocation (addresses are bound from the stack).
    static func insertRaw(_ records: ArraySlice<FlowRecord>, receivedAt: Int64, db: Database) throws {
        let handle = try db.cachedStatement(sql: Self.insertRawSQL).sqliteStatement
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
            Self.bindText(handle, 1, exporter)
            sqlite3_bind_int64(handle, 2, Int64(record.observationDomain))
            Self.bindText(handle, 3, record.origin.rawValue)
            sqlite3_bind_int64(handle, 4, Int64(record.ipVersion))
            Self.bindAddress(handle, 5, record.sourceAddress)
            Self.bindAddress(handle, 6, record.destinationAddress)
            sqlite3_bind_int64(handle, 7, Int64(record.sourcePort))
            sqlite3_bind_int64(handle, 8, Int64(record.destinationPort))
            sqlite3_bind_int64(handle, 9, Int64(record.ipProtocol))
            sqlite3_bind_int64(handle, 10, Int64(record.tcpFlags))
            sqlite3_bind_int64(handle, 11, Int64(clamping: record.packets))
            sqlite3_bind_int64(handle, 12, Int64(clamping: record.bytes))
            sqlite3_bind_int64(handle, 13, Int64(record.samplingRate))
            sqlite3_bind_int64(handle, 14, record.firstSwitched)
            sqlite3_bind_int64(handle, 15, record.lastSwitched > 0 ? record.lastSwitched : receivedAt)
            sqlite3_bind_int64(handle, 16, Int64(record.inputInterface))
            sqlite3_bind_int64(handle, 17, Int64(record.outputInterface))
            if let direction = record.direction {
                Self.bindText(handle, 18, direction.rawValue)
            } else {
                sqlite3_bind_null(handle, 18)
            }
            sqlite3_bind_int64(handle, 19, Int64(record.sourceAS))
            sqlite3_bind_int64(handle, 20, Int64(record.destinationAS))
            if let vlan = record.vlan {
                sqlite3_bind_int64(handle, 21, Int64(vlan))
            } else {
                sqlite3_bind_null(handle, 21)
            }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            guard code == SQLITE_DONE else {
                let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
            }
        }
    }

    /// SQLite copies the bound bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bindText(_ handle: OpaquePointer, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Binds the 4 or 16 network-order bytes of `address` as a BLOB.
    private static func bindAddress(_ handle: OpaquePointer, _ index: Int32, _ address: IPAddress) {
        switch address {
        case .v4(let value):
            var bigEndian = value.bigEndian
            withUnsafeBytes(of: &bigEndian) { bytes in
                _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, 4, Self.transient)
            }
        case .v6(let high, let low):
            var pair = (high.bigEndian, low.bigEndian)
            withUnsafeBytes(of: &pair) { bytes in
                _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, 16, Self.transient)
            }
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
