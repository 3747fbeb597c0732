#if canImport(NetmonCore)
import NetmonCore
#endif

/// Totals and bounded top lists of the flows of one import.
struct ImportAccumulator {
    struct PortKey: TopCounterKey {
        var ipProtocol: UInt8
        var port: UInt16

        func topCounterHash(seed: UInt64) -> UInt64 {
            Self.mix(seed ^ UInt64(self.ipProtocol) << 16 ^ UInt64(self.port), 0x5052_4F54)
        }
    }

    var summary = ImportSummary()
    var talkers: TopCounter<IPAddress>
    var ports: TopCounter<PortKey>

    init(topLimit: Int) {
        self.talkers = TopCounter(limit: topLimit)
        self.ports = TopCounter(limit: topLimit)
    }

    mutating func add(_ record: FlowRecord) {
        self.summary.flows += 1
        self.summary.packets += record.packets
        self.summary.bytes += record.bytes
        if self.summary.firstSeen == 0 || record.firstSwitched < self.summary.firstSeen {
            self.summary.firstSeen = record.firstSwitched
        }
        self.summary.lastSeen = max(self.summary.lastSeen, record.lastSwitched)
        self.talkers.add(record.sourceAddress, bytes: record.bytes, packets: record.packets)
        self.ports.add(
            PortKey(ipProtocol: record.ipProtocol, port: record.destinationPort),
            bytes: record.bytes,
            packets: record.packets
        )
    }

    /// Adds the records in order, as ``add(_:)`` one by one would. The top-talker lookups miss the
    /// cache (tens of thousands of addresses): each record's index bucket is asked for
    /// ``prefetchDistance`` records ahead and its entry half as far ahead.
    mutating func add(_ records: [FlowRecord]) {
        let distance = Self.prefetchDistance
        records.withUnsafeBufferPointer { records in
            for index in records.indices {
                if index + distance < records.count {
                    self.talkers.prefetchBucket(records[index + distance].sourceAddress)
                }
                if index + distance / 2 < records.count {
                    self.talkers.prefetchEntry(records[index + distance / 2].sourceAddress)
                }
                self.add(records[index])
            }
        }
    }

    /// Records between the prefetch of a top-talker bucket and its use.
    static let prefetchDistance = 8

    mutating func finish(top: Int) {
        self.summary.topTalkers = self.talkers.top(top).map {
            .init(
                address: $0.key.description,
                bytes: $0.totals.bytes,
                packets: $0.totals.packets,
                flows: $0.totals.flows
            )
        }
        self.summary.topPorts = self.ports.top(top).map {
            .init(
                protocol: $0.key.ipProtocol,
                port: $0.key.port,
                bytes: $0.totals.bytes,
                packets: $0.totals.packets,
                flows: $0.totals.flows
            )
        }
        self.summary.topApproximate = self.talkers.isApproximate || self.ports.isApproximate
    }
}

extension IPAddress: TopCounterKey {
    /// Both halves of the address mixed with the seed (an IPv4 address as its 32 bits).
    public func topCounterHash(seed: UInt64) -> UInt64 {
        switch self {
        case .v4(let address): return Self.mix(seed ^ UInt64(address), 4)
        case .v6(let high, let low): return Self.mix(seed ^ high, low ^ 6)
        }
    }
}
