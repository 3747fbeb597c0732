#if canImport(NetmonCore)
import NetmonCore
#endif

/// Counters of the packets a ``PacketFlowBuilder`` was given.
public struct PacketCounters: Sendable, Hashable {
    /// Packets handed in.
    public var packets: UInt64 = 0
    /// Layer-3 bytes of the packets that became part of a flow.
    public var bytes: UInt64 = 0
    /// Packets accounted in a flow.
    public var flowPackets: UInt64 = 0
    /// Packets that are not IPv4 or IPv6.
    public var notIP: UInt64 = 0
    /// Packets whose link or network header was cut by the capture length (dropped).
    public var truncated: UInt64 = 0
    /// Packets with impossible headers (dropped).
    public var malformed: UInt64 = 0
    /// Non-first fragments (counted in the ports-0 flow of their addresses).
    public var laterFragments: UInt64 = 0
    /// Packets whose transport header was cut (counted in a ports-0 flow).
    public var transportTruncated: UInt64 = 0

    /// All zero.
    public init() {}
}

/// One packet of a batch: its captured bytes (valid during the call it is handed to) and its capture
/// time in microseconds since the epoch.
public struct PacketReference {
    public var bytes: UnsafeRawBufferPointer
    public var microseconds: Int64

    public init(bytes: UnsafeRawBufferPointer, microseconds: Int64) {
        self.bytes = bytes
        self.microseconds = microseconds
    }
}

/// Decoder + flow table: turns captured packets of one framing into flows, sweeping the table for
/// timeouts once per second of packet (or wall-clock) time. Owned by one thread.
public final class PacketFlowBuilder {
    /// The flows.
    public let table: FlowTable
    /// The packets' framing.
    public let linkType: CaptureLinkType
    /// Written into every key (``FlowKey/interface``) and so into the records' input interface.
    public let interface: UInt16
    /// The mutable state, behind a pointer to spare the per-access exclusivity checks of a class's
    /// stored `var`s on the per-packet path. Only the owning thread touches it.
    private struct State {
        var counters = PacketCounters()
        var packet = CapturedPacket()
        var lastSweep: Int64 = .min / 2
        var now: Int64 = 0
        /// Where ``add(batch:)`` folds the words it loads ahead.
        var sink: UInt64 = 0
    }

    /// Per-batch working space of ``add(batch:)``.
    private struct Scratch {
        let packets: UnsafeMutablePointer<CapturedPacket>
        let statuses: UnsafeMutablePointer<PacketDecodeStatus>
        let hashes: UnsafeMutablePointer<UInt64>
    }

    private let state: UnsafeMutablePointer<State>
    private let scratch: Scratch

    /// Packet counters.
    public var counters: PacketCounters { self.state.pointee.counters }

    /// The newest time seen, UTC epoch milliseconds.
    public var now: Int64 { self.state.pointee.now }

    public init(table: FlowTable, linkType: CaptureLinkType, interface: UInt16 = 0) {
        self.table = table
        self.linkType = linkType
        self.interface = interface
        self.state = .allocate(capacity: 1)
        self.state.initialize(to: State())
        self.scratch = Scratch(
            packets: .allocate(capacity: Self.batchLimit),
            statuses: .allocate(capacity: Self.batchLimit),
            hashes: .allocate(capacity: Self.batchLimit)
        )
        self.scratch.packets.initialize(repeating: CapturedPacket(), count: Self.batchLimit)
        self.scratch.statuses.initialize(repeating: .notIP, count: Self.batchLimit)
        self.scratch.hashes.initialize(repeating: 0, count: Self.batchLimit)
    }

    deinit {
        self.state.deinitialize(count: 1)
        self.state.deallocate()
        self.scratch.packets.deinitialize(count: Self.batchLimit)
        self.scratch.packets.deallocate()
        self.scratch.statuses.deallocate()
        self.scratch.hashes.deallocate()
    }

    /// The packet most recently decoded (valid after ``add(_:microseconds:)`` returned `.decoded`).
    public var lastPacket: CapturedPacket { self.state.pointee.packet }

    /// Decodes and accounts one packet captured at `microseconds` since the epoch.
    @inline(__always)
    @discardableResult
    public func add(_ bytes: UnsafeRawBufferPointer, microseconds: Int64) -> PacketDecodeStatus {
        let state = self.state
        let status = CapturedPacketDecoder.decode(bytes, linkType: self.linkType, into: &state.pointee.packet)
        if status == .decoded { state.pointee.packet.key.interface = self.interface }
        self.account(state.pointee.packet, status: status, hash: nil, microseconds: microseconds)
        return status
    }

    /// Packets decoded per step of ``add(batch:)``.
    public static let batchLimit = 16

    /// Decodes and accounts a batch of packets, exactly as that many calls of
    /// ``add(_:microseconds:)`` in the same order would, but faster: every packet is decoded and
    /// hashed first, then the flow-table buckets and entries of the whole batch are loaded together
    /// (their cache misses overlap), then the packets are accounted in order.
    @inline(__always)
    public func add(batch: UnsafeBufferPointer<PacketReference>) {
        var start = 0
        while start < batch.count {
            let count = min(Self.batchLimit, batch.count - start)
            let decoded = self.scratch.packets
            let statuses = self.scratch.statuses
            let hashes = self.scratch.hashes
            for index in 0..<count {
                let status = CapturedPacketDecoder.decode(
                    batch[start + index].bytes,
                    linkType: self.linkType,
                    into: &decoded[index]
                )
                statuses[index] = status
                if status == .decoded {
                    decoded[index].key.interface = self.interface
                    hashes[index] = decoded[index].key.hashValue64
                    self.table.prefetchBucket(hash: hashes[index])
                }
            }
            var sink: UInt64 = 0
            for index in 0..<count where statuses[index] == .decoded {
                sink ^= self.table.touch(hash: hashes[index])
            }
            self.state.pointee.sink ^= sink
            for index in 0..<count {
                self.account(
                    decoded[index],
                    status: statuses[index],
                    hash: hashes[index],
                    microseconds: batch[start + index].microseconds
                )
            }
            self.state.pointee.packet = decoded[count - 1]
            start += count
        }
    }

    /// Counts one decoded packet and adds it to the table, sweeping first if a second has passed.
    @inline(__always)
    private func account(
        _ packet: CapturedPacket,
        status: PacketDecodeStatus,
        hash: UInt64?,
        microseconds: Int64
    ) {
        let state = self.state
        state.pointee.counters.packets += 1
        let milliseconds = microseconds / 1000
        if milliseconds > state.pointee.now { state.pointee.now = milliseconds }
        if state.pointee.now - state.pointee.lastSweep >= 1000 { self.tick(now: state.pointee.now) }
        switch status {
        case .decoded:
            if packet.isLaterFragment {
                state.pointee.counters.laterFragments += 1
            } else if packet.isTransportTruncated {
                state.pointee.counters.transportTruncated += 1
            }
            state.pointee.counters.flowPackets += 1
            state.pointee.counters.bytes += UInt64(packet.ipLength)
            self.table.add(packet, hash: hash ?? packet.key.hashValue64, now: milliseconds)
        case .notIP: state.pointee.counters.notIP += 1
        case .truncated: state.pointee.counters.truncated += 1
        case .malformed: state.pointee.counters.malformed += 1
        }
    }

    /// Runs the timeout sweep if a second has passed since the last one (live captures call this on
    /// every buffer timeout with the wall clock).
    public func tick(now: Int64) {
        if now > self.state.pointee.now { self.state.pointee.now = now }
        guard self.state.pointee.now - self.state.pointee.lastSweep >= 1000 else { return }
        self.state.pointee.lastSweep = self.state.pointee.now
        self.table.expire(now: self.state.pointee.now)
    }
}
