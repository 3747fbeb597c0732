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
        self.add(record, talkerHash: self.talkers.hash(of: record.sourceAddress))
    }

    /// ``add(_:)`` with the top-talker hash of the record's source address already computed.
    @inline(__always)
    private mutating func add(_ record: FlowRecord, talkerHash: UInt64) {
        self.summary.flows += 1
        self.summary.packets += record.packets
        self.summary.bytes += record.bytes
        if self.summary.firstSeen == 0 || record.firstSwitched < self.summary.firstSeen {
            self.summary.firstSeen = record.firstSwitched
        }
        self.summary.lastSeen = max(self.summary.lastSeen, record.lastSwitched)
        self.talkers.add(record.sourceAddress, hash: talkerHash, bytes: record.bytes, packets: record.packets)
        self.ports.add(
            PortKey(ipProtocol: record.ipProtocol, port: record.destinationPort),
            bytes: record.bytes,
            packets: record.packets
        )
    }

    /// Adds the records in order, as ``add(_:)`` one by one would. The top-talker lookups miss the
    /// cache (tens of thousands of addresses): each record's index bucket is asked for
    /// ``prefetchDistance`` records ahead and its entry half as far ahead. Each address is hashed
    /// once, when its bucket is asked for; the hash waits in a ring for the entry prefetch and the add.
    mutating func add(_ records: [FlowRecord]) {
        let distance = Self.prefetchDistance
        // Twice the distance, a power of two: the hash of record `index + distance` is written
        // before record `index`'s is read.
        let ringMask = 2 * distance - 1
        let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * distance)
        defer { hashes.deallocate() }
        records.withUnsafeBufferPointer { records in
            for index in 0..<min(distance, records.count) {
                hashes[index & ringMask] = self.talkers.hash(of: records[index].sourceAddress)
            }
            for index in records.indices {
                if index + distance < records.count {
                    let hash = self.talkers.hash(of: records[index + distance].sourceAddress)
                    hashes[(index + distance) & ringMask] = hash
                    self.talkers.prefetchBucket(hash: hash)
                }
                if index + distance / 2 < records.count {
                    self.talkers.prefetchEntry(hash: hashes[(index + distance / 2) & ringMask])
                }
                self.add(records[index], talkerHash: hashes[index & ringMask])
            }
        }
    }

    /// Records between the prefetch of a top-talker bucket and its use (a power of two).
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
