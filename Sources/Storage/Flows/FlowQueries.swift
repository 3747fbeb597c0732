import Foundation
internal import GRDB
public import NetmonCore

/// Filters of a flow query; every set field must match (nil matches anything).
public struct FlowFilter: Sendable, Hashable {
    /// The exporter's address.
    public var exporter: IPAddress?
    /// Input interface ifIndex.
    public var inputInterface: UInt32?
    /// Output interface ifIndex.
    public var outputInterface: UInt32?
    /// Source address within this prefix.
    public var sourcePrefix: IPPrefix?
    /// Destination address within this prefix.
    public var destinationPrefix: IPPrefix?
    /// Source or destination port.
    public var port: UInt16?
    /// IP protocol number.
    public var ipProtocol: UInt8?

    /// Creates a filter; the default matches everything.
    public init(
        exporter: IPAddress? = nil,
        inputInterface: UInt32? = nil,
        outputInterface: UInt32? = nil,
        sourcePrefix: IPPrefix? = nil,
        destinationPrefix: IPPrefix? = nil,
        port: UInt16? = nil,
        ipProtocol: UInt8? = nil
    ) {
        self.exporter = exporter
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.sourcePrefix = sourcePrefix
        self.destinationPrefix = destinationPrefix
        self.port = port
        self.ipProtocol = ipProtocol
    }

    /// True when the filter names a field that the aggregates' "other" rows lack (addresses,
    /// port, protocol): answered from `flows_minute`, such a query covers only each minute's top
    /// keys. Ask ``FlowQuerySource/raw`` for an exact answer within the raw retention.
    public var needsKeyDetail: Bool {
        self.sourcePrefix != nil || self.destinationPrefix != nil || self.port != nil || self.ipProtocol != nil
    }
}

/// Which table answers a flow query.
public enum FlowQuerySource: Sendable, Hashable {
    /// `flows_minute`: fast, kept for `aggregate_retention`; each minute holds only its top keys,
    /// the rest in "other" rows. Totals (per exporter, per interface) are exact; a key outside a
    /// minute's top keys counts in that minute's "other" entry; filters on addresses, ports or
    /// protocol cannot match "other" rows, so they see only the top keys.
    case aggregates
    /// `flows_raw_packed`: every record, exact, kept for `raw_retention`; slower over long ranges
    /// (the packs of the range are decoded and grouped in memory).
    case raw
}

/// What a flow query groups by.
public enum FlowDimension: Sendable, Hashable, CaseIterable {
    /// Source address (top talkers by source).
    case sourceAddress
    /// Destination address (top talkers by destination).
    case destinationAddress
    /// The unordered pair of addresses: A→B and B→A count together, reported lower address first.
    case conversation
    /// Protocol and source port.
    case sourcePort
    /// Protocol and destination port.
    case destinationPort
    /// IP protocol.
    case ipProtocol
    /// Exporter.
    case exporter
    /// Exporter and input ifIndex.
    case inputInterface
    /// Exporter and output ifIndex.
    case outputInterface
}

/// How top talkers are grouped.
public enum FlowTalkerGrouping: Sendable, Hashable, CaseIterable {
    /// By source address.
    case source
    /// By destination address.
    case destination
    /// By the unordered pair of addresses (see ``FlowDimension/conversation``).
    case conversation
}

/// One line of a flow query result: the key fields of its dimension (others nil) and its traffic.
public struct FlowTrafficEntry: Sendable, Hashable {
    /// Exporter (``FlowDimension/exporter`` and the interface dimensions).
    public var exporter: String?
    /// Input ifIndex (``FlowDimension/inputInterface``).
    public var inputInterface: UInt32?
    /// Output ifIndex (``FlowDimension/outputInterface``).
    public var outputInterface: UInt32?
    /// Source address (``FlowDimension/sourceAddress``), or the lower address of a conversation.
    public var sourceAddress: IPAddress?
    /// Destination address (``FlowDimension/destinationAddress``), or the higher of a conversation.
    public var destinationAddress: IPAddress?
    /// Source port (``FlowDimension/sourcePort``).
    public var sourcePort: UInt16?
    /// Destination port (``FlowDimension/destinationPort``).
    public var destinationPort: UInt16?
    /// IP protocol (``FlowDimension/ipProtocol`` and the port dimensions).
    public var ipProtocol: UInt8?
    /// True for the traffic outside the aggregates' top keys, whose key is unknown.
    public var isOther: Bool
    /// The polled device that is the exporter, when known (see ``FlowQueries``).
    public var device: FlowExporterDevice?
    /// The input interface's name, alias and speed, when the exporter's device is polled.
    public var inputInterfaceDetails: FlowInterfaceDetails?
    /// The output interface's name, alias and speed, when the exporter's device is polled.
    public var outputInterfaceDetails: FlowInterfaceDetails?
    /// Packets scaled by sampling.
    public var packets: UInt64
    /// Bytes scaled by sampling.
    public var bytes: UInt64
    /// Flow records.
    public var flows: UInt64

    /// Creates an entry.
    public init(
        exporter: String? = nil,
        inputInterface: UInt32? = nil,
        outputInterface: UInt32? = nil,
        sourceAddress: IPAddress? = nil,
        destinationAddress: IPAddress? = nil,
        sourcePort: UInt16? = nil,
        destinationPort: UInt16? = nil,
        ipProtocol: UInt8? = nil,
        isOther: Bool = false,
        packets: UInt64,
        bytes: UInt64,
        flows: UInt64
    ) {
        self.exporter = exporter
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.sourceAddress = sourceAddress
        self.destinationAddress = destinationAddress
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.ipProtocol = ipProtocol
        self.isOther = isOther
        self.packets = packets
        self.bytes = bytes
        self.flows = flows
    }
}

/// Reads flows: top talkers, ports, protocols and traffic totals over a time range.
///
/// Ranges are `[from, to)` in UTC epoch milliseconds: over `flows_minute` a minute counts when its
/// start is in the range (pass minute-aligned bounds), over the raw flows a record counts when its
/// `last_ms` is. Results are ordered by scaled bytes, largest first (ties by key), at most `limit`
/// entries. SQL is always parameterised. Over `flows_minute`, sums beyond `Int64.max` fail with
/// SQLite's integer overflow error; over raw flows they saturate at `UInt64.max`.
///
/// Entries that carry an exporter are enriched from the SNMP inventory: the exporter's device and
/// the name, alias and speed of its interfaces (`FlowTrafficEntry.device` and the interface details).
public struct FlowQueries: Sendable {
    private let database: NetmonDatabase
    private let enrichment: FlowEnrichment

    /// Creates queries over `database`; `exporterDevices` maps exporter addresses to device names
    /// where they differ from the devices' SNMP addresses (`flows.exporters[].device`).
    public init(database: NetmonDatabase, exporterDevices: [String: String] = [:]) {
        self.database = database
        var normalized: [String: String] = [:]
        for (address, device) in exporterDevices {
            normalized[IPAddress(parsing: address)?.unmappedIPv4.description ?? address] = device
        }
        self.enrichment = FlowEnrichment(configuredDevices: normalized)
    }

    // MARK: Named queries

    /// Top talkers by source address, destination address or conversation.
    public func topTalkers(
        by grouping: FlowTalkerGrouping,
        from: Int64,
        to: Int64,
        filter: FlowFilter = FlowFilter(),
        source: FlowQuerySource = .aggregates,
        limit: Int = 10
    ) async throws -> [FlowTrafficEntry] {
        let dimension: FlowDimension
        switch grouping {
        case .source: dimension = .sourceAddress
        case .destination: dimension = .destinationAddress
        case .conversation: dimension = .conversation
        }
        return try await self.top(dimension, from: from, to: to, filter: filter, source: source, limit: limit)
    }

    /// Top ports (with their protocol), by destination port unless `source` ports are asked for.
    public func topPorts(
        sourcePorts: Bool = false,
        from: Int64,
        to: Int64,
        filter: FlowFilter = FlowFilter(),
        source: FlowQuerySource = .aggregates,
        limit: Int = 10
    ) async throws -> [FlowTrafficEntry] {
        try await self.top(
            sourcePorts ? .sourcePort : .destinationPort,
            from: from,
            to: to,
            filter: filter,
            source: source,
            limit: limit
        )
    }

    /// Top IP protocols.
    public func topProtocols(
        from: Int64,
        to: Int64,
        filter: FlowFilter = FlowFilter(),
        source: FlowQuerySource = .aggregates,
        limit: Int = 10
    ) async throws -> [FlowTrafficEntry] {
        try await self.top(.ipProtocol, from: from, to: to, filter: filter, source: source, limit: limit)
    }

    /// Traffic per exporter (exact from the aggregates when no key filter is set).
    public func exporterTotals(
        from: Int64,
        to: Int64,
        filter: FlowFilter = FlowFilter(),
        source: FlowQuerySource = .aggregates,
        limit: Int = 100
    ) async throws -> [FlowTrafficEntry] {
        try await self.top(.exporter, from: from, to: to, filter: filter, source: source, limit: limit)
    }

    /// Traffic per exporter and input (or output) interface.
    public func interfaceTotals(
        output: Bool = false,
        from: Int64,
        to: Int64,
        filter: FlowFilter = FlowFilter(),
        source: FlowQuerySource = .aggregates,
        limit: Int = 100
    ) async throws -> [FlowTrafficEntry] {
        try await self.top(
            output ? .outputInterface : .inputInterface,
            from: from,
            to: to,
            filter: filter,
            source: source,
            limit: limit
        )
    }

    // MARK: The general query

    /// Traffic grouped by `dimension` over `[from, to)`, filtered, largest by bytes first.
    public func top(
        _ dimension: FlowDimension,
        from: Int64,
        to: Int64,
        filter: FlowFilter = FlowFilter(),
        source: FlowQuerySource = .aggregates,
        limit: Int = 10
    ) async throws -> [FlowTrafficEntry] {
        guard from < to, limit > 0 else {
            return []
        }
        return try await self.database.pool.read { db in
            let entries: [FlowTrafficEntry]
            switch source {
            case .aggregates:
                let (sql, arguments) = Self.sql(dimension, from: from, to: to, filter: filter, limit: limit)
                entries = try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                    Self.entry($0, dimension: dimension)
                }
            case .raw:
                entries = try Self.rawTop(dimension, from: from, to: to, filter: filter, limit: limit, in: db)
            }
            return try self.enrichment.enrich(entries, in: db)
        }
    }

    /// The raw flows with `last_ms` in `[from, to)` that pass `filter`, at most `limit`, by minute
    /// and then in the order they were stored (an export of `flows_raw_packed`). Next hop, ToS and
    /// the sampling source are not stored: they come back as their defaults.
    public func rawFlows(
        from: Int64,
        to: Int64,
        filter: FlowFilter = FlowFilter(),
        limit: Int = 100_000
    ) async throws -> [FlowRecord] {
        guard from < to, limit > 0 else {
            return []
        }
        return try await self.database.pool.read { db in
            var records: [FlowRecord] = []
            try FlowRawScan(from: from, to: to, filter: filter).forEachPack(in: db) { _ in
                true
            } each: { _, record in
                records.append(record)
                return records.count < limit
            }
            return records
        }
    }

    /// Groups the raw flows of the range by `dimension`. Packs wholly inside the range count by
    /// their row's totals when only the exporter matters (per-exporter totals, no record filter).
    static func rawTop(
        _ dimension: FlowDimension,
        from: Int64,
        to: Int64,
        filter: FlowFilter,
        limit: Int,
        in db: Database
    ) throws -> [FlowTrafficEntry] {
        let scan = FlowRawScan(from: from, to: to, filter: filter)
        let wholePacks = dimension == .exporter && scan.selectsWholePacks
        var grouping = FlowRawGrouping(dimension)
        try scan.forEachPack(in: db) { pack in
            guard wholePacks, scan.covers(pack) else { return true }
            grouping.addPack(exporter: pack.exporter, counters: pack.counters)
            return false
        } each: { pack, record in
            grouping.add(record, exporter: pack.exporter)
            return true
        }
        return grouping.entries(limit: limit)
    }

    static func groupColumns(_ dimension: FlowDimension) -> [String] {
        switch dimension {
        case .sourceAddress: return ["src_addr"]
        case .destinationAddress: return ["dst_addr"]
        case .conversation: return ["min(src_addr, dst_addr)", "max(src_addr, dst_addr)"]
        case .sourcePort: return ["protocol", "src_port"]
        case .destinationPort: return ["protocol", "dst_port"]
        case .ipProtocol: return ["protocol"]
        case .exporter: return ["exporter"]
        case .inputInterface: return ["exporter", "input_if"]
        case .outputInterface: return ["exporter", "output_if"]
        }
    }

    /// The SQL of a query over `flows_minute`.
    static func sql(
        _ dimension: FlowDimension,
        from: Int64,
        to: Int64,
        filter: FlowFilter,
        limit: Int
    ) -> (String, StatementArguments) {
        var conditions: [String] = ["minute >= ? AND minute < ?"]
        var arguments: StatementArguments = [from, to]
        let table = "flows_minute"
        let measures = "sum(packets), sum(bytes), sum(flows)"
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
        let keys = Self.groupColumns(dimension)
        let keyList = keys.enumerated().map { "\($1) AS k\($0)" }.joined(separator: ", ")
        let groupList = (0..<keys.count).map { "k\($0)" }.joined(separator: ", ")
        let sql = """
            SELECT \(keyList), \(measures) FROM \(table)
            WHERE \(conditions.joined(separator: " AND "))
            GROUP BY \(groupList)
            ORDER BY \(keys.count + 2) DESC, \(groupList)
            LIMIT ?
            """
        _ = arguments.append(contentsOf: [limit])
        return (sql, arguments)
    }

    static func entry(_ row: Row, dimension: FlowDimension) -> FlowTrafficEntry {
        let keyCount = Self.groupColumns(dimension).count
        func address(_ index: Int) -> IPAddress? {
            (row[index] as Data?).flatMap { IPAddress(bytes: $0) }
        }
        func integer<T: FixedWidthInteger>(_ index: Int) -> T? {
            (row[index] as Int64?).map { T(truncatingIfNeeded: $0) }
        }
        var entry = FlowTrafficEntry(
            packets: Self.counter(row[keyCount] as DatabaseValue),
            bytes: Self.counter(row[keyCount + 1] as DatabaseValue),
            flows: Self.counter(row[keyCount + 2] as DatabaseValue)
        )
        switch dimension {
        case .sourceAddress:
            entry.sourceAddress = address(0)
            entry.isOther = entry.sourceAddress == nil
        case .destinationAddress:
            entry.destinationAddress = address(0)
            entry.isOther = entry.destinationAddress == nil
        case .conversation:
            entry.sourceAddress = address(0)
            entry.destinationAddress = address(1)
            entry.isOther = entry.sourceAddress == nil
        case .sourcePort:
            entry.ipProtocol = integer(0)
            entry.sourcePort = integer(1)
            entry.isOther = entry.ipProtocol == nil
        case .destinationPort:
            entry.ipProtocol = integer(0)
            entry.destinationPort = integer(1)
            entry.isOther = entry.ipProtocol == nil
        case .ipProtocol:
            entry.ipProtocol = integer(0)
            entry.isOther = entry.ipProtocol == nil
        case .exporter:
            entry.exporter = row[0]
        case .inputInterface:
            entry.exporter = row[0]
            entry.inputInterface = integer(1)
            entry.isOther = entry.inputInterface == nil
        case .outputInterface:
            entry.exporter = row[0]
            entry.outputInterface = integer(1)
            entry.isOther = entry.outputInterface == nil
        }
        return entry
    }

    /// A sum as a counter, clamped rather than trusted to fit.
    static func counter(_ value: DatabaseValue) -> UInt64 {
        switch value.storage {
        case .int64(let integer):
            return UInt64(clamping: integer)
        case .double(let double):
            guard double.isFinite, double > 0 else { return 0 }
            return double >= 18_446_744_073_709_551_615.0 ? UInt64.max : UInt64(double)
        default:
            return 0
        }
    }
}
