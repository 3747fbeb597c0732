internal import CPcap

#if canImport(Glibc)
import Glibc
#endif
#if canImport(NetmonCore)
import NetmonCore
#endif

/// Builds unidirectional flows from decoded packets, with active, inactive and TCP FIN/RST expiry and a
/// hard bound on entries (evicting, and counting, one flow when a new one finds the table full).
///
/// Storage is designed for ≤ 128 bytes per active flow: entries are 80-byte values in one dense array
/// (``FlowKey`` + counters, times in milliseconds), reserved once for the maximum (pages become
/// resident as they are used), found through an open-addressing index of 8-byte buckets (a 32-bit
/// hash tag and the entry number) with linear probing and backward-shift deletion, which doubles to
/// stay at most half full: 96 to 112 bytes per flow.
///
/// Time is what the caller says (packet timestamps): the table is pure apart from its own memory and
/// can be driven by a file as well as by a live capture. Not thread-safe: one capture thread owns it.
public final class FlowTable {
    /// Timeouts and bounds.
    public struct Configuration: Sendable, Equatable {
        /// A flow older than this (first packet to now) is exported and restarted.
        public var activeTimeout: Duration
        /// A flow without packets for this long is exported.
        public var inactiveTimeout: Duration
        /// Flows held at most.
        public var maximumFlows: Int
        /// Export a TCP flow as soon as a packet with FIN or RST is seen in it.
        public var expireOnTCPFinish: Bool

        /// Makes a configuration; defaults 60 s active, 15 s inactive, 1,000,000 flows, FIN/RST expiry.
        public init(
            activeTimeout: Duration = .seconds(60),
            inactiveTimeout: Duration = .seconds(15),
            maximumFlows: Int = 1_000_000,
            expireOnTCPFinish: Bool = true
        ) {
            self.activeTimeout = activeTimeout
            self.inactiveTimeout = inactiveTimeout
            self.maximumFlows = maximumFlows
            self.expireOnTCPFinish = expireOnTCPFinish
        }
    }

    /// Why a flow left the table (counted in ``FlowTableStatistics``).
    public enum ExpiryReason: Sendable {
        case inactive, active, tcpFinish, evicted, drained
    }

    /// 80 bytes: the small fields fill the 6 bytes after the 42-byte key, and the index tag (the
    /// high half of the key's hash) sits in what was tail padding, so that a removal finds the
    /// entry's index bucket without hashing the key again.
    struct Entry {
        var key: FlowKey
        var tcpFlags: UInt8
        var tos: UInt8
        /// `key.hashValue64 >> 32`: the tag of the entry's index bucket.
        var tag: UInt32
        var bytes: UInt64
        var first: Int64
        var last: Int64
        var packets: UInt32
    }

    /// Bytes of one flow entry (without its share of the index).
    public static var entryStride: Int { MemoryLayout<Entry>.stride }

    public let configuration: Configuration
    /// The exporter written into every exported record (the capture source).
    public let exporter: IPAddress
    /// Whether exported flows become ``FlowRecord``s (``takeExpired()``); if not, they are kept as
    /// the entries they were (``takeExpiredEntries(_:)``), for a caller that only adds them up (an
    /// import without a sink), which then builds no record of ~170 bytes per flow.
    let keepsRecords: Bool
    /// Counters since the table was made.
    public private(set) var statistics: FlowTableStatistics {
        get { self.state.pointee.statistics }
        set { self.state.pointee.statistics = newValue }
    }
    /// Flows in the table now.
    public var count: Int { self.entryCount }

    /// The mutable scalars, behind a pointer: stored `var`s of a class pay a dynamic exclusivity
    /// check on every access, about 10% of the per-packet cost. Only the owning thread touches them.
    private struct State {
        var index: UnsafeMutablePointer<UInt64>
        var mask: Int
        var entryCount = 0
        var evictionCursor = 0
        var statistics = FlowTableStatistics()
        /// Records exported and not yet taken.
        var expired: [FlowRecord] = []
        /// The same, as entries, when the table does not keep records.
        var expiredEntries: [Entry] = []
    }

    private let state: UnsafeMutablePointer<State>
    private var index: UnsafeMutablePointer<UInt64> {
        get { self.state.pointee.index }
        set { self.state.pointee.index = newValue }
    }
    private var mask: Int {
        get { self.state.pointee.mask }
        set { self.state.pointee.mask = newValue }
    }
    private var entryCount: Int {
        get { self.state.pointee.entryCount }
        set { self.state.pointee.entryCount = newValue }
    }
    private var evictionCursor: Int {
        get { self.state.pointee.evictionCursor }
        set { self.state.pointee.evictionCursor = newValue }
    }

    private let entries: UnsafeMutablePointer<Entry>
    private let maximumBuckets: Int
    private let capacity: Int
    private let activeMilliseconds: Int64
    private let inactiveMilliseconds: Int64

    /// Makes an empty table; `exporter` tags the records it exports.
    public convenience init(configuration: Configuration = .init(), exporter: IPAddress = .v4(0x7F00_0001)) {
        self.init(configuration: configuration, exporter: exporter, keepsRecords: true)
    }

    /// Makes an empty table that keeps its exported flows as records or, when `keepsRecords` is
    /// false, as entries (``takeExpiredEntries(_:)``).
    init(configuration: Configuration, exporter: IPAddress, keepsRecords: Bool) {
        self.configuration = configuration
        self.exporter = exporter
        self.keepsRecords = keepsRecords
        self.capacity = max(1, min(configuration.maximumFlows, Int(Int32.max) - 1))
        var buckets = 16
        while buckets < self.capacity * 2 { buckets <<= 1 }
        self.maximumBuckets = buckets
        // The index starts small and doubles with the flows (at most half full), so it stays dense
        // in cache whatever the maximum; the entries are reserved at once but only touched pages
        // become resident.
        let initial = min(buckets, 1024)
        self.entries = .allocate(capacity: self.capacity)
        self.state = .allocate(capacity: 1)
        self.state.initialize(to: State(index: Self.allocateIndex(initial), mask: initial - 1))
        self.activeMilliseconds = configuration.activeTimeout.wholeMilliseconds
        self.inactiveMilliseconds = configuration.inactiveTimeout.wholeMilliseconds
    }

    private static func allocateIndex(_ buckets: Int) -> UnsafeMutablePointer<UInt64> {
        // calloc: large blocks come zeroed from the kernel, touched only as they are used.
        guard let raw = calloc(buckets, MemoryLayout<UInt64>.stride) else {
            fatalError("FlowTable: cannot reserve \(buckets * 8) bytes for the flow index")
        }
        return raw.bindMemory(to: UInt64.self, capacity: buckets)
    }

    /// Doubles the index and re-inserts every bucket (from its tag alone, without the entries).
    private func growIndex() {
        let oldBuckets = self.mask + 1
        let newBuckets = oldBuckets * 2
        let newIndex = Self.allocateIndex(newBuckets)
        let newMask = newBuckets - 1
        for bucket in 0..<oldBuckets {
            let word = self.index[bucket]
            guard word != 0 else { continue }
            var position = Int(truncatingIfNeeded: word >> 32) & newMask
            while newIndex[position] != 0 { position = (position + 1) & newMask }
            newIndex[position] = word
        }
        free(self.index)
        self.index = newIndex
        self.mask = newMask
    }

    deinit {
        self.entries.deallocate()
        free(self.state.pointee.index)
        self.state.deinitialize(count: 1)
        self.state.deallocate()
    }

    /// Takes the records exported since the last call.
    public func takeExpired() -> [FlowRecord] {
        defer { self.state.pointee.expired.removeAll(keepingCapacity: true) }
        return self.state.pointee.expired
    }

    /// Hands the flows exported since the last call, as the entries they were, to `body` (valid
    /// during the call): the export of a table made with `keepsRecords: false`, in the order in
    /// which ``takeExpired()`` would give their records.
    func takeExpiredEntries(_ body: (UnsafeBufferPointer<Entry>) -> Void) {
        self.state.pointee.expiredEntries.withUnsafeBufferPointer(body)
        self.state.pointee.expiredEntries.removeAll(keepingCapacity: true)
    }

    /// Records (or entries) exported and not yet taken.
    public var pendingExpired: Int {
        self.keepsRecords ? self.state.pointee.expired.count : self.state.pointee.expiredEntries.count
    }

    // MARK: Packets

    /// Accounts one decoded packet seen at `now` (UTC epoch milliseconds).
    @inline(__always)
    public func add(_ packet: CapturedPacket, now: Int64) {
        self.add(packet, hash: packet.key.hashValue64, now: now)
    }

    /// Loads the index bucket of a key's hash and, when it holds an entry with the same tag, that
    /// entry's first word: called for a batch of packets before they are added, so the cache misses
    /// of the batch overlap instead of following one another. Returns a value to fold into a sink
    /// (the loads must not be optimised away); it changes nothing.
    @inline(__always)
    func touch(hash: UInt64) -> UInt64 {
        let tag = hash >> 32
        let word = self.index[Int(truncatingIfNeeded: tag) & self.mask]
        guard word >> 32 == tag && word != 0 else { return word }
        let slot = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
        return UnsafeRawPointer(self.entries + slot).load(as: UInt64.self)
    }

    /// Asks the cache for the index bucket of a key's hash (a hint: it changes nothing).
    @inline(__always)
    func prefetchBucket(hash: UInt64) {
        netmond_prefetch(self.index + (Int(truncatingIfNeeded: hash >> 32) & self.mask))
    }

    /// ``add(_:now:)`` with the key's ``FlowKey/hashValue64`` already computed.
    @inline(__always)
    func add(_ packet: CapturedPacket, hash: UInt64, now: Int64) {
        self.statistics.packets += 1
        let key = packet.key
        let tag = hash >> 32
        var bucket = Int(truncatingIfNeeded: tag) & self.mask
        while true {
            let word = self.index[bucket]
            if word == 0 { break }
            if word >> 32 == tag {
                let slot = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
                if self.entries[slot].key == key {
                    self.update(slot: slot, bucket: bucket, with: packet, now: now)
                    return
                }
            }
            bucket = (bucket + 1) & self.mask
        }
        if self.entryCount == self.capacity || (self.entryCount + 1) * 2 > self.mask + 1 {
            if self.entryCount == self.capacity {
                self.evictOne()
            } else if self.mask + 1 < self.maximumBuckets {
                self.growIndex()
            }
            // The eviction or growth moved index buckets: find the free bucket again.
            bucket = Int(truncatingIfNeeded: tag) & self.mask
            while self.index[bucket] != 0 { bucket = (bucket + 1) & self.mask }
        }
        let slot = self.entryCount
        self.entries.advanced(by: slot).initialize(
            to: Entry(
                key: key,
                tcpFlags: packet.tcpFlags,
                tos: packet.tos,
                tag: UInt32(truncatingIfNeeded: tag),
                bytes: UInt64(packet.ipLength),
                first: now,
                last: now,
                packets: 1
            )
        )
        self.entryCount += 1
        self.index[bucket] = tag << 32 | UInt64(slot + 1)
        self.statistics.flowsCreated += 1
        if self.configuration.expireOnTCPFinish && packet.tcpFlags & 0x05 != 0 && key.ipProtocol == 6 {
            self.prefetchBucket(of: self.entryCount - 1)
            self.export(slot: slot, reason: .tcpFinish)
            self.remove(slot: slot, bucket: bucket)
        }
    }

    /// `bucket` is the index bucket of entry `slot`.
    @inline(__always)
    private func update(slot: Int, bucket: Int, with packet: CapturedPacket, now: Int64) {
        let entry = self.entries.advanced(by: slot)
        if now - entry.pointee.last >= self.inactiveMilliseconds {
            self.export(slot: slot, reason: .inactive)
            self.restart(entry, with: packet, now: now)
        } else if now - entry.pointee.first >= self.activeMilliseconds {
            self.export(slot: slot, reason: .active)
            self.restart(entry, with: packet, now: now)
        } else {
            entry.pointee.packets &+= 1
            entry.pointee.bytes &+= UInt64(packet.ipLength)
            entry.pointee.tcpFlags |= packet.tcpFlags
            if now > entry.pointee.last { entry.pointee.last = now }
        }
        if self.configuration.expireOnTCPFinish && packet.tcpFlags & 0x05 != 0 && packet.key.ipProtocol == 6 {
            self.prefetchBucket(of: self.entryCount - 1)
            self.export(slot: slot, reason: .tcpFinish)
            self.remove(slot: slot, bucket: bucket)
        }
    }

    private func restart(_ entry: UnsafeMutablePointer<Entry>, with packet: CapturedPacket, now: Int64) {
        entry.pointee.packets = 1
        entry.pointee.bytes = UInt64(packet.ipLength)
        entry.pointee.first = now
        entry.pointee.last = now
        entry.pointee.tcpFlags = packet.tcpFlags
        entry.pointee.tos = packet.tos
        self.statistics.flowsCreated += 1
    }

    // MARK: Expiry

    /// Exports every flow idle for the inactive timeout or older than the active timeout at `now`.
    /// Call it regularly (a live capture: each second; a file: each second of packet time).
    public func expire(now: Int64) {
        var slot = 0
        while slot < self.entryCount {
            let entry = self.entries[slot]
            let reason: ExpiryReason
            if now - entry.last >= self.inactiveMilliseconds {
                reason = .inactive
            } else if now - entry.first >= self.activeMilliseconds {
                reason = .active
            } else {
                slot += 1
                continue
            }
            // The removal looks up two index buckets at random (this flow's, and the last entry's,
            // which moves into the hole): start both loads now, they complete while the record is
            // built.
            self.prefetchBucket(of: slot)
            self.prefetchBucket(of: self.entryCount - 1)
            self.export(slot: slot, reason: reason)
            self.remove(slot: slot)
        }
    }

    /// Exports every flow (end of a file, shutdown), or at most `maximum` of them (call again while
    /// ``count`` is not 0, taking the records in between, to keep memory flat).
    public func drain(maximum: Int = .max) {
        var exported = 0
        while self.entryCount > 0 && exported < maximum {
            self.export(slot: self.entryCount - 1, reason: .drained)
            self.remove(slot: self.entryCount - 1)
            exported += 1
        }
    }

    private func evictOne() {
        if self.evictionCursor >= self.entryCount { self.evictionCursor = 0 }
        self.export(slot: self.evictionCursor, reason: .evicted)
        self.remove(slot: self.evictionCursor)
        self.evictionCursor += 1
    }

    private func export(slot: Int, reason: ExpiryReason) {
        self.statistics.count(reason)
        guard self.keepsRecords else {
            self.state.pointee.expiredEntries.append(self.entries[slot])
            return
        }
        let entry = self.entries[slot]
        let key = entry.key
        self.state.pointee.expired.append(
            FlowRecord(
                origin: .pcap,
                exporter: self.exporter,
                ipVersion: key.ipVersion,
                sourceAddress: key.sourceAddress,
                destinationAddress: key.destinationAddress,
                sourcePort: key.sourcePort,
                destinationPort: key.destinationPort,
                ipProtocol: key.ipProtocol,
                tcpFlags: entry.tcpFlags,
                packets: UInt64(entry.packets),
                bytes: entry.bytes,
                firstSwitched: entry.first,
                lastSwitched: entry.last,
                inputInterface: UInt32(key.interface),
                tos: entry.tos,
                vlan: key.vlan == FlowKey.untagged ? nil : key.vlan
            )
        )
    }

    // MARK: Index maintenance

    /// Asks the cache for the index bucket where the lookup of entry `slot`'s bucket starts (a
    /// hint: it changes nothing).
    @inline(__always)
    private func prefetchBucket(of slot: Int) {
        let tag = self.entries[slot].tag
        netmond_prefetch(self.index + (Int(truncatingIfNeeded: tag) & self.mask))
    }

    private func bucket(of slot: Int) -> Int {
        let tag = UInt64(self.entries[slot].tag)
        let word = tag << 32 | UInt64(slot + 1)
        var bucket = Int(truncatingIfNeeded: tag) & self.mask
        while self.index[bucket] != word { bucket = (bucket + 1) & self.mask }
        return bucket
    }

    /// Removes entry `slot`: backward-shift deletion in the index, then the last entry moves into
    /// the hole so the entries stay dense. `bucket` is the entry's index bucket when the caller knows
    /// it (saving a lookup).
    private func remove(slot: Int, bucket: Int? = nil) {
        var hole = bucket ?? self.bucket(of: slot)
        var probe = hole
        while true {
            probe = (probe + 1) & self.mask
            let word = self.index[probe]
            if word == 0 { break }
            let ideal = Int(truncatingIfNeeded: word >> 32) & self.mask
            // Move the bucket back unless its ideal position lies cyclically in (hole, probe].
            let distanceToProbe = (probe - ideal) & self.mask
            let distanceToHole = (probe - hole) & self.mask
            if distanceToProbe >= distanceToHole {
                self.index[hole] = word
                hole = probe
            }
        }
        self.index[hole] = 0
        let last = self.entryCount - 1
        if slot != last {
            let moved = self.bucket(of: last)
            self.index[moved] = self.index[moved] & 0xFFFF_FFFF_0000_0000 | UInt64(slot + 1)
            self.entries[slot] = self.entries[last]
        }
        self.entries.advanced(by: last).deinitialize(count: 1)
        self.entryCount -= 1
    }
}

/// Counters of a ``FlowTable``.
public struct FlowTableStatistics: Sendable, Hashable {
    /// Packets accounted.
    public var packets: UInt64 = 0
    /// Flows started (new keys, and restarts after a timeout).
    public var flowsCreated: UInt64 = 0
    /// Flows exported for inactivity.
    public var expiredInactive: UInt64 = 0
    /// Flows exported by the active timeout.
    public var expiredActive: UInt64 = 0
    /// TCP flows exported on FIN or RST.
    public var expiredTCPFinish: UInt64 = 0
    /// Flows exported early because the table was full.
    public var evicted: UInt64 = 0
    /// Flows exported by ``FlowTable/drain(maximum:)``.
    public var drained: UInt64 = 0

    /// All zero.
    public init() {}

    /// Flows exported for any reason.
    public var exported: UInt64 {
        self.expiredInactive + self.expiredActive + self.expiredTCPFinish + self.evicted + self.drained
    }

    mutating func count(_ reason: FlowTable.ExpiryReason) {
        switch reason {
        case .inactive: self.expiredInactive += 1
        case .active: self.expiredActive += 1
        case .tcpFinish: self.expiredTCPFinish += 1
        case .evicted: self.evicted += 1
        case .drained: self.drained += 1
        }
    }
}
