#if canImport(NetmonCore)
import NetmonCore
#endif

/// What one decoded export datagram held: its header facts, its flow records and, for sFlow, its
/// interface counters.
public struct FlowDatagram: Sendable, Hashable {
    /// The protocol of the datagram.
    public var origin: FlowOrigin
    /// The export protocol version (5, 9, 10 for IPFIX, 5 for sFlow).
    public var version: UInt16
    /// The header's sequence number, as exported. Its unit depends on the protocol: flows (NetFlow
    /// v5), export packets (NetFlow v9), data records (IPFIX), datagrams (sFlow).
    public var sequenceNumber: UInt32
    /// NetFlow v9 source id, IPFIX observation domain id, sFlow sub-agent id; v5: engine type << 8 | id.
    public var observationDomain: UInt32
    /// The export time from the header, UTC epoch milliseconds (sFlow: the receive time passed in).
    public var exportTime: Int64
    /// The exporter's uptime in milliseconds, when the header carries it (v5, v9, sFlow).
    public var systemUptime: UInt32?
    /// The header's record or sample count (v5, v9, sFlow); `nil` for IPFIX, whose header has none.
    public var declaredCount: UInt32?
    /// The decoded flows.
    public var records: [FlowRecord]
    /// Interface counters from sFlow counter samples.
    public var interfaceCounters: [InterfaceCounters]
    /// Per-datagram tallies for the collector's metrics.
    public var stats: FlowDatagramStats

    /// Makes an empty datagram description.
    public init(origin: FlowOrigin, version: UInt16) {
        self.origin = origin
        self.version = version
        self.sequenceNumber = 0
        self.observationDomain = 0
        self.exportTime = 0
        self.systemUptime = nil
        self.declaredCount = nil
        self.records = []
        self.interfaceCounters = []
        self.stats = FlowDatagramStats()
    }
}

/// Tallies of one datagram, summed by a collector into its metrics.
public struct FlowDatagramStats: Sendable, Hashable {
    /// Templates (and options templates) learned or refreshed.
    public var templatesReceived = 0
    /// Templates withdrawn (IPFIX).
    public var templatesWithdrawn = 0
    /// Templates the cache refused because of its limits.
    public var templatesRefused = 0
    /// Data sets skipped because their template was unknown or expired.
    public var templateMisses = 0
    /// Bytes of data sets skipped because their template was unknown.
    public var templateMissBytes = 0
    /// Flow data records decoded.
    public var dataRecords = 0
    /// Options data records decoded.
    public var optionsRecords = 0
    /// Sets, samples or records of a type this decoder skips.
    public var skippedUnknown = 0
    /// sFlow samples whose header could not be decoded into a flow.
    public var undecodableSamples = 0

    /// All zero.
    public init() {}
}

/// The generic interface counters of an sFlow counter sample (sFlow v5 `if_counters`).
public struct InterfaceCounters: Sendable, Hashable {
    /// The sFlow agent that sent them.
    public var agent: IPAddress
    /// The counter sample's source id (type << 24 | index).
    public var sourceID: UInt32
    /// ifIndex.
    public var ifIndex: UInt32
    /// ifType.
    public var ifType: UInt32
    /// ifSpeed, bits per second.
    public var ifSpeed: UInt64
    /// 0 unknown, 1 full duplex, 2 half duplex, 3 in, 4 out.
    public var ifDirection: UInt32
    /// Bit 0 admin up, bit 1 oper up.
    public var ifStatus: UInt32
    /// ifInOctets.
    public var inOctets: UInt64
    /// ifInUcastPkts.
    public var inUnicastPackets: UInt32
    /// ifInMulticastPkts.
    public var inMulticastPackets: UInt32
    /// ifInBroadcastPkts.
    public var inBroadcastPackets: UInt32
    /// ifInDiscards.
    public var inDiscards: UInt32
    /// ifInErrors.
    public var inErrors: UInt32
    /// ifInUnknownProtos.
    public var inUnknownProtocols: UInt32
    /// ifOutOctets.
    public var outOctets: UInt64
    /// ifOutUcastPkts.
    public var outUnicastPackets: UInt32
    /// ifOutMulticastPkts.
    public var outMulticastPackets: UInt32
    /// ifOutBroadcastPkts.
    public var outBroadcastPackets: UInt32
    /// ifOutDiscards.
    public var outDiscards: UInt32
    /// ifOutErrors.
    public var outErrors: UInt32
    /// ifPromiscuousMode.
    public var promiscuousMode: UInt32
}
