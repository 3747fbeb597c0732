import NetmonCore

/// The counters of one minute and exporter per ``FlowMinuteKey``, in two dense arrays found through
/// an open-addressing index (linear probing, at most half full).
///
/// The aggregator looks up one key per record; with a `Dictionary` the standard library's SipHash
/// (a `Hasher` made and finalised per lookup) and the rehashing as it grew were a third of the flow
/// writer's CPU. Here a key costs two 64-bit multiplications, seeded per table so that crafted
/// flows cannot aim at one probe chain.
struct FlowKeyTable {
    /// The keys, in insertion order.
    private(set) var keys: [FlowMinuteKey] = []
    /// The counters of `keys[i]` at `i`.
    private(set) var counters: [FlowCounters] = []
    /// Position + 1 of the key in each slot; 0 = empty. A power of two in size.
    private var index: [UInt32] = []
    private let seed: UInt64

    /// An empty table with room for `capacity` keys before it grows.
    init(capacity: Int = 0, seed: UInt64) {
        self.seed = seed
        if capacity > 0 {
            self.keys.reserveCapacity(capacity)
            self.counters.reserveCapacity(capacity)
            self.index = [UInt32](repeating: 0, count: Self.slots(for: capacity))
        }
    }

    /// Keys in the table.
    var count: Int { self.keys.count }

    /// Adds `value` to the counters of `key` (a new key starts at zero).
    mutating func add(_ key: FlowMinuteKey, _ value: FlowCounters) {
        if (self.keys.count + 1) * 2 > self.index.count {
            self.rebuildIndex(slots: Self.slots(for: self.keys.count + 1))
        }
        let mask = self.index.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(key, seed: self.seed)) & mask
        while true {
            let entry = Int(self.index[slot])
            if entry == 0 {
                self.index[slot] = UInt32(self.keys.count + 1)
                self.keys.append(key)
                self.counters.append(value)
                return
            }
            if self.keys[entry - 1] == key {
                self.counters[entry - 1].add(value)
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// The counters of `key`, if it is in the table.
    func counters(of key: FlowMinuteKey) -> FlowCounters? {
        guard !self.index.isEmpty else { return nil }
        let mask = self.index.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(key, seed: self.seed)) & mask
        while true {
            let entry = Int(self.index[slot])
            if entry == 0 { return nil }
            if self.keys[entry - 1] == key { return self.counters[entry - 1] }
            slot = (slot + 1) & mask
        }
    }

    /// Index slots for `keys` keys: a power of two, at least twice as many.
    private static func slots(for keys: Int) -> Int {
        var slots = 16
        while slots < keys * 2 { slots <<= 1 }
        return slots
    }

    private mutating func rebuildIndex(slots: Int) {
        var index = [UInt32](repeating: 0, count: slots)
        let mask = slots - 1
        for (position, key) in self.keys.enumerated() {
            var slot = Int(truncatingIfNeeded: Self.hash(key, seed: self.seed)) & mask
            while index[slot] != 0 { slot = (slot + 1) & mask }
            index[slot] = UInt32(position + 1)
        }
        self.index = index
    }

    /// A well-mixed hash of `key` and `seed`; equal keys give equal values.
    @inline(__always)
    static func hash(_ key: FlowMinuteKey, seed: UInt64) -> UInt64 {
        let (sourceHigh, sourceLow) = Self.words(key.sourceAddress)
        let (destinationHigh, destinationLow) = Self.words(key.destinationAddress)
        let direction: UInt64
        switch key.direction {
        case nil: direction = 0
        case .ingress: direction = 1
        case .egress: direction = 2
        }
        let interfaces = UInt64(key.inputInterface) << 32 | UInt64(key.outputInterface)
        let rest =
            UInt64(key.sourcePort) << 48 | UInt64(key.destinationPort) << 32 | UInt64(key.ipProtocol) << 8 | direction
        var hash = Self.mix(sourceLow ^ seed, destinationLow ^ rest)
        hash = Self.mix(hash ^ sourceHigh, destinationHigh ^ interfaces)
        return hash
    }

    /// An address as two words; IPv4 marked apart from the IPv6 address with the same low word.
    @inline(__always)
    private static func words(_ address: IPAddress) -> (UInt64, UInt64) {
        switch address {
        case .v4(let value): (0x5555_0000_0000_0001, UInt64(value))
        case .v6(let high, let low): (high, low)
        }
    }

    /// Mixes two words into one (the 128-bit product folded, as wyhash does).
    @inline(__always)
    private static func mix(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let product = (lhs ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: rhs ^ 0xA076_1D64_78BD_642F)
        return product.high ^ product.low
    }
}
