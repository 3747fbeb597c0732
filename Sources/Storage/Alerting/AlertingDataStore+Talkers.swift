import Foundation
internal import GRDB
public import NetmonCore

extension AlertingDataStore {
    /// The traffic of one address through one interface of an exporter (top-talker rules).
    public struct Talker: Sendable, Hashable {
        public var exporter: String
        public var ifIndex: UInt32
        /// True: source address on the input interface; false: destination on the output one.
        public var inbound: Bool
        public var address: IPAddress
        /// Bytes scaled by sampling.
        public var bytes: UInt64
        /// The exporter's device and the interface's name and speed, from the SNMP inventory.
        public var device: FlowExporterDevice?
        public var interface: FlowInterfaceDetails?
    }

    /// Per exporter interface and address, the bytes of `flows_minute` in `[from, to)`: sources on
    /// input interfaces and destinations on output interfaces, largest first, at most `limit`.
    /// Each minute of the aggregates keeps its top keys, so every address that is a top talker of
    /// a minute is counted (the rest of the minute is "other", without an address).
    public func talkers(
        from: Int64,
        to: Int64,
        exporterDevices: [String: String] = [:],
        limit: Int = 5000
    ) async throws -> [Talker] {
        guard from < to, limit > 0 else { return [] }
        var normalized: [String: String] = [:]
        for (address, device) in exporterDevices {
            normalized[IPAddress(parsing: address)?.unmappedIPv4.description ?? address] = device
        }
        let enrichment = FlowEnrichment(configuredDevices: normalized)
        return try await self.database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT exporter, input_if AS if_index, 1 AS inbound, src_addr AS address, sum(bytes) AS bytes
                    FROM flows_minute WHERE minute >= ?1 AND minute < ?2 AND src_addr IS NOT NULL AND input_if IS NOT NULL
                    GROUP BY exporter, input_if, src_addr
                    UNION ALL
                    SELECT exporter, output_if, 0, dst_addr, sum(bytes)
                    FROM flows_minute WHERE minute >= ?1 AND minute < ?2 AND dst_addr IS NOT NULL AND output_if IS NOT NULL
                    GROUP BY exporter, output_if, dst_addr
                    ORDER BY 5 DESC LIMIT ?3
                    """,
                arguments: [from, to, limit]
            )
            var entries: [FlowTrafficEntry] = []
            var talkers: [Talker] = []
            for row in rows {
                guard let bytes = row["address"] as Data?, let address = IPAddress(bytes: bytes) else { continue }
                let ifIndex = UInt32(truncatingIfNeeded: row["if_index"] as Int64)
                let inbound = (row["inbound"] as Int64) == 1
                let total = UInt64(clamping: row["bytes"] as Int64)
                entries.append(
                    FlowTrafficEntry(
                        exporter: row["exporter"],
                        inputInterface: inbound ? ifIndex : nil,
                        outputInterface: inbound ? nil : ifIndex,
                        packets: 0,
                        bytes: total,
                        flows: 0
                    )
                )
                talkers.append(
                    Talker(
                        exporter: row["exporter"],
                        ifIndex: ifIndex,
                        inbound: inbound,
                        address: address,
                        bytes: total
                    )
                )
            }
            let enriched = try enrichment.enrich(entries, in: db)
            for index in talkers.indices {
                talkers[index].device = enriched[index].device
                talkers[index].interface =
                    talkers[index].inbound
                    ? enriched[index].inputInterfaceDetails : enriched[index].outputInterfaceDetails
            }
            return talkers
        }
    }
}
