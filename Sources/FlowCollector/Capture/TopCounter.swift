/// Bytes, packets and flows per key (an address, a port), in bounded memory: past `limit` keys the
/// smaller half is dropped, so totals per key stay exact for heavy hitters and approximate (a lower
/// bound) only for keys that were once among the smallest.
public struct TopCounter<Key: Hashable & Sendable>: Sendable {
    /// One key's totals.
    public struct Totals: Sendable, Hashable {
        public var bytes: UInt64 = 0
        public var packets: UInt64 = 0
        public var flows: UInt64 = 0
    }

    private var totals: [Key: Totals] = [:]
    /// Keys held at most before pruning.
    public let limit: Int
    /// Whether pruning ever dropped keys (the totals of small keys are then lower bounds).
    public private(set) var isApproximate = false

    public init(limit: Int = 100_000) {
        self.limit = max(16, limit)
    }

    /// Adds one flow of `key`.
    public mutating func add(_ key: Key, bytes: UInt64, packets: UInt64) {
        self.totals[key, default: Totals()].bytes &+= bytes
        self.totals[key, default: Totals()].packets &+= packets
        self.totals[key, default: Totals()].flows &+= 1
        if self.totals.count > self.limit { self.prune() }
    }

    private mutating func prune() {
        let kept = self.totals.sorted { $0.value.bytes > $1.value.bytes }.prefix(self.limit / 2)
        self.totals = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        self.isApproximate = true
    }

    /// The `count` largest keys by bytes (ties: more packets first).
    public func top(_ count: Int) -> [(key: Key, totals: Totals)] {
        self.totals.sorted {
            ($0.value.bytes, $0.value.packets) > ($1.value.bytes, $1.value.packets)
        }.prefix(count).map { (key: $0.key, totals: $0.value) }
    }
}
