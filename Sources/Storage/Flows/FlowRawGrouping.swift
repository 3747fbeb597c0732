import NetmonCore

/// Groups raw flow records by a ``FlowDimension`` and ranks the groups as the old per-row SQL
/// (`GROUP BY ... ORDER BY sum(bytes) DESC, keys`) did: by scaled bytes, largest first, ties by
/// the key in SQLite's order (addresses as BLOBs: bytewise, a shorter one first when it is a
/// prefix; integers numerically; exporters as text, bytewise).
struct FlowRawGrouping {
    /// One group's key; the fields its dimension does not use stay zero.
    struct Key: Hashable {
        /// Index into ``exporters``, or -1.
        var exporter: Int32 = -1
        var first: IPAddress = .zeroV4
        var second: IPAddress = .zeroV4
        var number: UInt32 = 0
        var port: UInt16 = 0
    }

    let dimension: FlowDimension
    private var exporters: [String] = []
    private var exporterIndex: [String: Int32] = [:]
    private var totals: [Key: FlowCounters] = [:]

    init(_ dimension: FlowDimension) {
        self.dimension = dimension
    }

    /// Adds one record of a pack of `exporter`.
    mutating func add(_ record: FlowRecord, exporter: String) {
        var key = Key()
        switch self.dimension {
        case .sourceAddress:
            key.first = record.sourceAddress
        case .destinationAddress:
            key.first = record.destinationAddress
        case .conversation:
            if Self.compare(record.destinationAddress, record.sourceAddress) < 0 {
                (key.first, key.second) = (record.destinationAddress, record.sourceAddress)
            } else {
                (key.first, key.second) = (record.sourceAddress, record.destinationAddress)
            }
        case .sourcePort:
            key.number = UInt32(record.ipProtocol)
            key.port = record.sourcePort
        case .destinationPort:
            key.number = UInt32(record.ipProtocol)
            key.port = record.destinationPort
        case .ipProtocol:
            key.number = UInt32(record.ipProtocol)
        case .exporter:
            key.exporter = self.index(of: exporter)
        case .inputInterface:
            key.exporter = self.index(of: exporter)
            key.number = record.inputInterface
        case .outputInterface:
            key.exporter = self.index(of: exporter)
            key.number = record.outputInterface
        }
        self.totals[key, default: FlowCounters()].add(
            FlowCounters(packets: record.scaledPackets, bytes: record.scaledBytes, flows: 1)
        )
    }

    /// Adds a whole pack's totals (only for ``FlowDimension/exporter``).
    mutating func addPack(exporter: String, counters: FlowCounters) {
        precondition(self.dimension == .exporter)
        self.totals[Key(exporter: self.index(of: exporter)), default: FlowCounters()].add(counters)
    }

    /// The `limit` largest groups by scaled bytes, as entries.
    func entries(limit: Int) -> [FlowTrafficEntry] {
        let ranked = self.totals.sorted { lhs, rhs in
            if lhs.value.bytes != rhs.value.bytes { return lhs.value.bytes > rhs.value.bytes }
            return self.keyPrecedes(lhs.key, rhs.key)
        }
        return ranked.prefix(max(0, limit)).map { key, counters in
            var entry = FlowTrafficEntry(packets: counters.packets, bytes: counters.bytes, flows: counters.flows)
            let exporter = key.exporter >= 0 ? self.exporters[Int(key.exporter)] : nil
            switch self.dimension {
            case .sourceAddress: entry.sourceAddress = key.first
            case .destinationAddress: entry.destinationAddress = key.first
            case .conversation:
                entry.sourceAddress = key.first
                entry.destinationAddress = key.second
            case .sourcePort:
                entry.ipProtocol = UInt8(truncatingIfNeeded: key.number)
                entry.sourcePort = key.port
            case .destinationPort:
                entry.ipProtocol = UInt8(truncatingIfNeeded: key.number)
                entry.destinationPort = key.port
            case .ipProtocol: entry.ipProtocol = UInt8(truncatingIfNeeded: key.number)
            case .exporter: entry.exporter = exporter
            case .inputInterface:
                entry.exporter = exporter
                entry.inputInterface = key.number
            case .outputInterface:
                entry.exporter = exporter
                entry.outputInterface = key.number
            }
            return entry
        }
    }

    private mutating func index(of exporter: String) -> Int32 {
        if let index = self.exporterIndex[exporter] { return index }
        let index = Int32(self.exporters.count)
        self.exporters.append(exporter)
        self.exporterIndex[exporter] = index
        return index
    }

    /// SQLite's order of the keys of one dimension (unused fields are equal).
    private func keyPrecedes(_ lhs: Key, _ rhs: Key) -> Bool {
        if lhs.exporter != rhs.exporter {
            return self.exporters[Int(lhs.exporter)].utf8.lexicographicallyPrecedes(
                self.exporters[Int(rhs.exporter)].utf8
            )
        }
        let first = Self.compare(lhs.first, rhs.first)
        if first != 0 { return first < 0 }
        let second = Self.compare(lhs.second, rhs.second)
        if second != 0 { return second < 0 }
        if lhs.number != rhs.number { return lhs.number < rhs.number }
        return lhs.port < rhs.port
    }

    /// Compares two addresses as SQLite compares their 4- or 16-byte BLOBs: bytewise, and when one
    /// is a prefix of the other the shorter first. Negative, zero or positive.
    static func compare(_ lhs: IPAddress, _ rhs: IPAddress) -> Int {
        switch (lhs, rhs) {
        case (.v4(let left), .v4(let right)):
            return left == right ? 0 : (left < right ? -1 : 1)
        case (.v6(let leftHigh, let leftLow), .v6(let rightHigh, let rightLow)):
            if leftHigh != rightHigh { return leftHigh < rightHigh ? -1 : 1 }
            return leftLow == rightLow ? 0 : (leftLow < rightLow ? -1 : 1)
        case (.v4(let left), .v6(let rightHigh, _)):
            let right = UInt32(truncatingIfNeeded: rightHigh >> 32)
            return left == right ? -1 : (left < right ? -1 : 1)
        case (.v6(let leftHigh, _), .v4(let right)):
            let left = UInt32(truncatingIfNeeded: leftHigh >> 32)
            return left == right ? 1 : (left < right ? -1 : 1)
        }
    }
}
