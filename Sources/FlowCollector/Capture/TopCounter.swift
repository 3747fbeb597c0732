internal import CPcap
import NetmonCore

/// A key of a ``TopCounter``: hashable, with a cheap, well-mixed 64-bit hash of its own (the counter
/// looks keys up once per flow, and the standard library's SipHash cost more than the rest of an
/// import's summary).
public protocol TopCounterKey: Hashable, Sendable {
    /// A well-mixed hash of the key and `seed` (random per counter, so that crafted keys cannot
    /// aim at one bucket); equal keys give equal values.
    func topCounterHash(seed: UInt64) -> UInt64
}

extension TopCounterKey {
    /// Mixes two words into one (the 128-bit product folded, as wyhash does).
    @inline(__always)
    public static func mix(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let product = (lhs ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: rhs ^ 0xA076_1D64_78BD_642F)
        return product.high ^ product.low
    }
}

/// Bytes, packets and flows per key (an address, a port), in bounded memory: past `limit` keys the
/// smaller half is dropped, so totals per key stay exact for heavy hitters and approximate (a lower
/// bound) only for keys that were once among the smallest.
///
/// Keys and totals live in dense arrays found through an open-addressing index (linear probing, at
/// most half full); pruning selects the larger half in linear time instead of sorting.
public struct TopCounter<Key: TopCounterKey>: Sendable {
    /// One key's totals.
    public struct Totals: Sendable, Hashable {
        public var bytes: UInt64 = 0
        public var packets: UInt64 = 0
        public var flows: UInt64 = 0

        public init(bytes: UInt64 = 0, packets: UInt64 = 0, flows: UInt64 = 0) {
            self.bytes = bytes
            self.packets = packets
            self.flows = flows
        }
    }

    /// A key and its totals side by side: one cache line per lookup, not two.
    private struct Entry: Sendable {
        var key: Key
        /// ``hash(of:)`` of the key: compared before the key, and reused when the index is rebuilt.
        var hash: UInt64
        var totals: Totals
    }

    private var entries: [Entry] = []
    /// Entry number + 1 per bucket, 0 when empty.
    private var index: [UInt32]
    /// Working space of pruning (the entries' byte totals, for the selection), kept between prunings.
    private var scratch: [UInt64] = []
    /// Keys held at most before pruning.
    public let limit: Int
    private let seed = UInt64.random(in: .min ... .max)
    /// Whether pruning ever dropped keys (the totals of small keys are then lower bounds).
    public private(set) var isApproximate = false

    public init(limit: Int = 100_000) {
        self.limit = max(16, limit)
        self.index = [UInt32](repeating: 0, count: 64)
    }

    /// Keys counted now.
    public var count: Int { self.entries.count }

    /// Adds one flow of `key`.
    @inline(__always)
    public mutating func add(_ key: Key, bytes: UInt64, packets: UInt64) {
        self.add(key, hash: self.hash(of: key), bytes: bytes, packets: packets)
    }

    /// The hash this counter files `key` under (its seed mixed in): computed once by a caller that
    /// prefetches, and handed to ``add(_:hash:bytes:packets:)`` and the prefetch calls.
    @inline(__always)
    public func hash(of key: Key) -> UInt64 {
        key.topCounterHash(seed: self.seed)
    }

    /// ``add(_:bytes:packets:)`` with `hash` = ``hash(of:)`` of `key` already computed.
    public mutating func add(_ key: Key, hash: UInt64, bytes: UInt64, packets: UInt64) {
        let mask = self.index.count - 1
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(self.index[bucket])
            if entry == 0 { break }
            if self.entries[entry - 1].hash == hash && self.entries[entry - 1].key == key {
                self.entries[entry - 1].totals.bytes &+= bytes
                self.entries[entry - 1].totals.packets &+= packets
                self.entries[entry - 1].totals.flows &+= 1
                return
            }
            bucket = (bucket + 1) & mask
        }
        self.entries.append(Entry(key: key, hash: hash, totals: Totals(bytes: bytes, packets: packets, flows: 1)))
        self.index[bucket] = UInt32(self.entries.count)
        if self.entries.count > self.limit {
            self.prune()
        } else if self.entries.count * 2 > self.index.count {
            self.rebuildIndex(buckets: self.index.count * 2)
        }
    }

    /// Asks the cache for the index bucket where the lookup of the key with `hash` (``hash(of:)``)
    /// starts. A hint, changing nothing: a caller that knows its next keys calls it some keys ahead
    /// of ``add(_:hash:bytes:packets:)``, so that the lookups' cache misses overlap instead of
    /// following one another.
    @inline(__always)
    public func prefetchBucket(hash: UInt64) {
        let bucket = Int(truncatingIfNeeded: hash) & (self.index.count - 1)
        self.index.withUnsafeBufferPointer { netmond_prefetch($0.baseAddress.unsafelyUnwrapped + bucket) }
    }

    /// Asks the cache for the entry that the first index bucket of `hash` holds (the second load of
    /// a lookup): call it after ``prefetchBucket(hash:)``, fewer keys ahead.
    @inline(__always)
    public func prefetchEntry(hash: UInt64) {
        let bucket = Int(truncatingIfNeeded: hash) & (self.index.count - 1)
        let entry = Int(self.index[bucket])
        guard entry > 0 else { return }
        self.entries.withUnsafeBufferPointer { netmond_prefetch($0.baseAddress.unsafelyUnwrapped + entry - 1) }
    }

    /// Keeps the `limit / 2` keys with the most bytes. In place: the entries are compacted and the
    /// index cleared and refilled, so that the arrays keep their memory from one pruning to the
    /// next (fresh arrays of this size cost a page fault per 4 KB).
    private mutating func prune() {
        let keep = self.limit / 2
        self.scratch.removeAll(keepingCapacity: true)
        var above = 0
        for entry in self.entries { self.scratch.append(entry.totals.bytes) }
        let threshold = Quickselect.value(atRank: keep - 1, in: &self.scratch)
        for entry in self.entries where entry.totals.bytes > threshold { above += 1 }
        // Everything above the threshold, then as many keys at it as fit (in arrival order).
        var atThreshold = keep - above
        let kept = self.entries.withUnsafeMutableBufferPointer { entries in
            var kept = 0
            for number in entries.indices {
                let bytes = entries[number].totals.bytes
                if bytes > threshold || (bytes == threshold && atThreshold > 0) {
                    if bytes == threshold { atThreshold -= 1 }
                    if kept != number { entries[kept] = entries[number] }
                    kept += 1
                }
            }
            return kept
        }
        self.entries.removeLast(self.entries.count - kept)
        self.isApproximate = true
        self.rebuildIndex(buckets: self.index.count)
    }

    /// Refills the index from the entries' hashes, with `buckets` buckets (in place when the
    /// number stays the same).
    private mutating func rebuildIndex(buckets: Int) {
        if buckets == self.index.count {
            self.index.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            self.index = [UInt32](repeating: 0, count: buckets)
        }
        let mask = buckets - 1
        self.index.withUnsafeMutableBufferPointer { index in
            for (number, entry) in self.entries.enumerated() {
                var bucket = Int(truncatingIfNeeded: entry.hash) & mask
                while index[bucket] != 0 { bucket = (bucket + 1) & mask }
                index[bucket] = UInt32(number + 1)
            }
        }
    }

    /// The `count` largest keys by bytes (ties: more packets first, then the key counted first).
    public func top(_ count: Int) -> [(key: Key, totals: Totals)] {
        guard count > 0 else { return [] }
        // Few (the summary's ten): one pass keeping the best `count` in order, instead of sorting
        // every key; many: a stable sort. The same list either way.
        guard count <= 64 else {
            return self.entries.sorted { Self.ranksAbove($0.totals, $1.totals) }.prefix(count).map {
                (key: $0.key, totals: $0.totals)
            }
        }
        var best: [Entry] = []
        best.reserveCapacity(count + 1)
        for entry in self.entries {
            if best.count == count && !Self.ranksAbove(entry.totals, best[count - 1].totals) { continue }
            // After every kept entry it does not rank above: equal totals keep arrival order.
            var position = best.count
            while position > 0 && Self.ranksAbove(entry.totals, best[position - 1].totals) { position -= 1 }
            best.insert(entry, at: position)
            if best.count > count { best.removeLast() }
        }
        return best.map { (key: $0.key, totals: $0.totals) }
    }

    @inline(__always)
    private static func ranksAbove(_ lhs: Totals, _ rhs: Totals) -> Bool {
        (lhs.bytes, lhs.packets) > (rhs.bytes, rhs.packets)
    }
}
