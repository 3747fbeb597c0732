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

    /// ``add(_:)`` with the top-talker hash of the flow's source address already computed.
    @inline(__always)
    private mutating func add<Flow: SummarisedFlow>(_ flow: Flow, talkerHash: UInt64) {
        let packets = flow.packetCount
        let bytes = flow.bytes
        self.summary.flows += 1
        self.summary.packets += packets
        self.summary.bytes += bytes
        if self.summary.firstSeen == 0 || flow.firstSwitched < self.summary.firstSeen {
            self.summary.firstSeen = flow.firstSwitched
        }
        self.summary.lastSeen = max(self.summary.lastSeen, flow.lastSwitched)
        self.talkers.add(flow.sourceAddress, hash: talkerHash, bytes: bytes, packets: packets)
        self.ports.add(
            PortKey(ipProtocol: flow.ipProtocol, port: flow.destinationPort),
            bytes: bytes,
            packets: packets
        )
    }

    /// Adds the records in order, as ``add(_:)`` one by one would.
    mutating func add(_ records: [FlowRecord]) {
        records.withUnsafeBufferPointer { self.add($0) }
    }

    /// Adds the flows in order, as ``add(_:)`` one by one would. The top-talker lookups miss the
    /// cache (tens of thousands of addresses): each flow's index bucket is asked for
    /// ``prefetchDistance`` flows ahead and its entry half as far ahead. Each address is hashed
    /// once, when its bucket is asked for; the hash waits in a ring for the entry prefetch and the add.
    mutating func add<Flow: SummarisedFlow>(_ flows: UnsafeBufferPointer<Flow>) {
        let distance = Self.prefetchDistance
        // Twice the distance, a power of two: the hash of flow `index + distance` is written
        // before flow `index`'s is read.
        let ringMask = 2 * distance - 1
        let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * distance)
        defer { hashes.deallocate() }
        for index in 0..<min(distance, flows.count) {
            hashes[index & ringMask] = self.talkers.hash(of: flows[index].sourceAddress)
        }
        for index in flows.indices {
            if index + distance < flows.count {
                let hash = self.talkers.hash(of: flows[index + distance].sourceAddress)
                hashes[(index + distance) & ringMask] = hash
                self.talkers.prefetchBucket(hash: hash)
            }
            if index + distance / 2 < flows.count {
                self.talkers.prefetchEntry(hash: hashes[(index + distance / 2) & ringMask])
            }
            self.add(flows[index], talkerHash: hashes[index & ringMask])
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

/// What the summary reads of an exported flow: a ``FlowRecord``, or a flow-table entry when the
/// import builds no records (no sink).
protocol SummarisedFlow {
    var sourceAddress: IPAddress { get }
    var ipProtocol: UInt8 { get }
    var destinationPort: UInt16 { get }
    var packetCount: UInt64 { get }
    var bytes: UInt64 { get }
    var firstSwitched: Int64 { get }
    var lastSwitched: Int64 { get }
}

extension FlowRecord: SummarisedFlow {
    var packetCount: UInt64 { self.packets }
}

extension FlowTable.Entry: SummarisedFlow {
    // The same values as the entry's record (``FlowTable``'s `export`) would carry.
    var sourceAddress: IPAddress { self.key.sourceAddress }
    var ipProtocol: UInt8 { self.key.ipProtocol }
    var destinationPort: UInt16 { self.key.destinationPort }
    var packetCount: UInt64 { UInt64(self.packets) }
    var firstSwitched: Int64 { self.first }
    var lastSwitched: Int64 { self.last }
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
