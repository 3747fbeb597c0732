import Foundation
internal import GRDB
internal import GRDBSQLite
import NetmonCore

/// Inserts raw flow records (packed, see ``FlowPackCodec``) and per-minute rows inside the current
/// transaction.
enum FlowBatchInserter {
    static let insertPackSQL = """
        INSERT INTO flows_raw_packed (minute, exporter, records, packets, bytes, data) VALUES (?, ?, ?, ?, ?, ?)
        """

    static let insertMinuteSQL = """
        INSERT INTO flows_minute (
            minute, exporter, input_if, output_if, direction, src_addr, dst_addr, src_port, dst_port,
            protocol, packets, bytes, flows
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Records per pack at most: a pack is read whole, so this bounds a query's working set.
    static let maximumRecordsPerPack = 4_096

    /// Writes `records` as packs, one per exporter and minute of `last_ms` (at most
    /// ``maximumRecordsPerPack`` records each); a record without `lastSwitched` gets `receivedAt`
    /// as its `last_ms`.
    static func insertRaw(_ records: some Sequence<FlowRecord>, receivedAt: Int64, db: Database) throws {
        var packer = FlowPacker()
        for record in records {
            if let full = packer.add(record, receivedAt: receivedAt) {
                try Self.insertPack(full, db: db)
            }
        }
        for pack in packer.finishAll() {
            try Self.insertPack(pack, db: db)
        }
    }

    /// Writes one finished pack, binding straight to the prepared statement's SQLite handle.
    static func insertPack(_ pack: FlowPacker.Pack, db: Database) throws {
        let handle = try db.cachedStatement(sql: Self.insertPackSQL).sqliteStatement
        sqlite3_bind_int64(handle, 1, pack.minute)
        Self.bindText(handle, 2, pack.exporter)
        sqlite3_bind_int64(handle, 3, Int64(pack.records))
        sqlite3_bind_int64(handle, 4, Int64(clamping: pack.scaledPackets))
        sqlite3_bind_int64(handle, 5, Int64(clamping: pack.scaledBytes))
        pack.data.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, 6, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
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
