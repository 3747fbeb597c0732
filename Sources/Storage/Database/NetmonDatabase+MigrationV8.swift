import Foundation
internal import GRDB
import NetmonCore

extension NetmonDatabase {
    /// Schema v8, raw flows packed: `flows_raw_packed` replaces `flows_raw`.
    ///
    /// One row holds the raw records of one exporter and one minute of `last_ms` (up to 4,096;
    /// several rows when more arrive or they arrive over several writer transactions) as a BLOB in
    /// the layout of ``FlowPackCodec``: `minute` (epoch ms of the minute's start), `exporter` (text),
    /// `records`, `packets` and `bytes` (scaled by sampling, summed; they let per-exporter totals
    /// and `sqlite3` skip decoding), `data`. Indexed by `(minute, exporter)`: queries seek the
    /// minutes of their range, retention deletes whole rows by minute. A row per record cost about
    /// 8 µs of CPU to insert; a pack costs well under 1 µs per record (docs/BENCHMARKS.md).
    ///
    /// The rows of `flows_raw` are converted (read in the order of its time-bucketed index, packed
    /// per exporter and minute) and the table is dropped.
    static func migrateV8(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE flows_raw_packed (
                    minute INTEGER NOT NULL,
                    exporter TEXT NOT NULL,
                    records INTEGER NOT NULL,
                    packets INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                CREATE INDEX flows_raw_packed_by_minute_exporter ON flows_raw_packed (minute, exporter);
                """
        )
        try Self.convertRawFlows(db)
        try db.execute(sql: "DROP TABLE flows_raw")
    }

    /// Packs every row of the v3 `flows_raw` table. Its index orders rows by 10-minute bucket, then
    /// exporter, then `last_ms`: the packs of one bucket are complete when the next bucket starts.
    private static func convertRawFlows(_ db: Database) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT exporter, observation_domain, origin, ip_version, src_addr, dst_addr, src_port,
                    dst_port, protocol, tcp_flags, packets, bytes, sampling_rate, first_ms, last_ms, input_if,
                    output_if, direction, src_as, dst_as, vlan
                FROM flows_raw ORDER BY last_ms / 600000, exporter, last_ms
                """
        )
        var packer = FlowPacker()
        var bucket: Int64?
        var exporters: [String: IPAddress] = [:]
        while let row = try rows.next() {
            let last: Int64 = row[14]
            let rowBucket = last / Self.flowBucketMilliseconds
            if bucket != rowBucket {
                for pack in packer.finishAll() { try FlowBatchInserter.insertPack(pack, db: db) }
                bucket = rowBucket
            }
            let exporterText: String = row[0]
            let exporter =
                exporters[exporterText]
                ?? {
                    let address = IPAddress(parsing: exporterText) ?? .zeroV4
                    exporters[exporterText] = address
                    return address
                }()
            let record = FlowRecord(
                origin: FlowOrigin(rawValue: row[2]) ?? .netflow5,
                exporter: exporter,
                observationDomain: UInt32(truncatingIfNeeded: row[1] as Int64),
                ipVersion: UInt8(truncatingIfNeeded: row[3] as Int64),
                sourceAddress: (row[4] as Data?).flatMap { IPAddress(bytes: $0) } ?? .zeroV4,
                destinationAddress: (row[5] as Data?).flatMap { IPAddress(bytes: $0) } ?? .zeroV4,
                sourcePort: UInt16(truncatingIfNeeded: row[6] as Int64),
                destinationPort: UInt16(truncatingIfNeeded: row[7] as Int64),
                ipProtocol: UInt8(truncatingIfNeeded: row[8] as Int64),
                tcpFlags: UInt8(truncatingIfNeeded: row[9] as Int64),
                packets: UInt64(clamping: row[10] as Int64),
                bytes: UInt64(clamping: row[11] as Int64),
                firstSwitched: row[13],
                lastSwitched: last,
                inputInterface: UInt32(truncatingIfNeeded: row[15] as Int64),
                outputInterface: UInt32(truncatingIfNeeded: row[16] as Int64),
                direction: (row[17] as String?).flatMap(FlowDirection.init(rawValue:)),
                sourceAS: UInt32(truncatingIfNeeded: row[18] as Int64),
                destinationAS: UInt32(truncatingIfNeeded: row[19] as Int64),
                vlan: (row[20] as Int64?).map { UInt16(truncatingIfNeeded: $0) },
                samplingRate: UInt32(clamping: row[12] as Int64)
            )
            if let full = packer.add(record, receivedAt: last) {
                try FlowBatchInserter.insertPack(full, db: db)
            }
        }
        for pack in packer.finishAll() { try FlowBatchInserter.insertPack(pack, db: db) }
    }
}
