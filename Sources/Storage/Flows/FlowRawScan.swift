import Foundation
internal import GRDB
import Metrics
import NetmonCore

/// Reads raw flows out of `flows_raw_packed`: the packs whose minute overlaps `[from, to)` (and of
/// the filter's exporter), each decoded and its records filtered by `last_ms` and the filter.
///
/// A pack that fails its checksum or does not decode is skipped and counted
/// (`netmond_flows_corrupt_packs_total`): one damaged BLOB costs its own records, not every query
/// over its minute.
struct FlowRawScan {
    let from: Int64
    let to: Int64
    let filter: FlowFilter

    private static let corruptPacks = Counter(label: "netmond_flows_corrupt_packs_total")

    /// What a pack's row says before it is decoded.
    struct PackSummary {
        var exporter: String
        var minute: Int64
        var counters: FlowCounters
    }

    /// True when `pack` lies wholly inside the range: every one of its records counts if the
    /// filter selects nothing within packs.
    func covers(_ pack: PackSummary) -> Bool {
        let (end, overflow) = pack.minute.addingReportingOverflow(FlowPacker.minuteMilliseconds)
        return pack.minute >= self.from && !overflow && end <= self.to
    }

    /// True when the filter selects whole packs (nothing but the exporter).
    var selectsWholePacks: Bool {
        !self.filter.needsKeyDetail && self.filter.inputInterface == nil && self.filter.outputInterface == nil
    }

    /// Calls `open` with each candidate pack, in minute then insertion order, and `each` with every
    /// matching record of the packs `open` returned true for; stops when `each` returns false.
    func forEachPack(
        in db: Database,
        open: (PackSummary) throws -> Bool,
        each: (PackSummary, FlowRecord) throws -> Bool
    ) throws {
        guard self.from < self.to else { return }
        var sql = """
            SELECT exporter, minute, records, packets, bytes, data FROM flows_raw_packed
            WHERE minute >= ? AND minute < ?
            """
        var arguments: StatementArguments = [FlowPacker.minute(of: self.from), self.to]
        if let exporter = self.filter.exporter {
            sql += " AND exporter = ?"
            _ = arguments.append(contentsOf: [exporter.description])
        }
        sql += " ORDER BY minute, rowid"
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        var exporters: [String: IPAddress] = [:]
        while let row = try rows.next() {
            let summary = PackSummary(
                exporter: row[0],
                minute: row[1],
                counters: FlowCounters(
                    packets: UInt64(clamping: row[3] as Int64),
                    bytes: UInt64(clamping: row[4] as Int64),
                    flows: UInt64(clamping: row[2] as Int64)
                )
            )
            guard try open(summary) else { continue }
            let exporter =
                exporters[summary.exporter]
                ?? {
                    let address = IPAddress(parsing: summary.exporter) ?? .zeroV4
                    exporters[summary.exporter] = address
                    return address
                }()
            // Records are gathered first: a pack holds at most a few thousand.
            var records: [FlowRecord] = []
            let decoded: Bool = try row.withUnsafeData(atIndex: 5) { data in
                guard let data else { return false }
                return data.withUnsafeBytes { bytes in
                    do throws(FlowPackError) {
                        try FlowPackCodec.decode(bytes, exporter: exporter) { (record: FlowRecord) in
                            if record.lastSwitched >= self.from && record.lastSwitched < self.to
                                && Self.matches(record, self.filter)
                            {
                                records.append(record)
                            }
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            guard decoded else {
                Self.corruptPacks.increment()
                continue
            }
            for record in records {
                guard try each(summary, record) else { return }
            }
        }
    }

    /// True when `record` passes every set field of `filter` (as the old per-row SQL did: the
    /// exporter as text, prefixes of the same IP version only, the port at either end).
    static func matches(_ record: FlowRecord, _ filter: FlowFilter) -> Bool {
        if let input = filter.inputInterface, record.inputInterface != input { return false }
        if let output = filter.outputInterface, record.outputInterface != output { return false }
        if let prefix = filter.sourcePrefix, !prefix.contains(record.sourceAddress) { return false }
        if let prefix = filter.destinationPrefix, !prefix.contains(record.destinationAddress) { return false }
        if let port = filter.port, record.sourcePort != port, record.destinationPort != port { return false }
        if let ipProtocol = filter.ipProtocol, record.ipProtocol != ipProtocol { return false }
        return true
    }
}
