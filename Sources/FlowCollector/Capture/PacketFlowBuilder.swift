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
    }

    private let state: UnsafeMutablePointer<State>

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
    }

    deinit {
        self.state.deinitialize(count: 1)
        self.state.deallocate()
    }

    /// The packet most recently decoded (valid after ``add(_:microseconds:)`` returned `.decoded`).
    public var lastPacket: CapturedPacket { self.state.pointee.packet }

    /// Decodes and accounts one packet captured at `microseconds` since the epoch.
    @inline(__always)
    @discardableResult
    public func add(_ bytes: UnsafeRawBufferPointer, microseconds: Int64) -> PacketDecodeStatus {
        let state = self.state
        state.pointee.counters.packets += 1
        let milliseconds = microseconds / 1000
        if milliseconds > state.pointee.now { state.pointee.now = milliseconds }
        if state.pointee.now - state.pointee.lastSweep >= 1000 { self.tick(now: state.pointee.now) }
        let status = CapturedPacketDecoder.decode(bytes, linkType: self.linkType, into: &state.pointee.packet)
        switch status {
        case .decoded:
            state.pointee.packet.key.interface = self.interface
            if state.pointee.packet.isLaterFragment {
                state.pointee.counters.laterFragments += 1
            } else if state.pointee.packet.isTransportTruncated {
                state.pointee.counters.transportTruncated += 1
            }
            state.pointee.counters.flowPackets += 1
            state.pointee.counters.bytes += UInt64(state.pointee.packet.ipLength)
            self.table.add(state.pointee.packet, now: milliseconds)
        case .notIP: state.pointee.counters.notIP += 1
        case .truncated: state.pointee.counters.truncated += 1
        case .malformed: state.pointee.counters.malformed += 1
        }
        return status
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
