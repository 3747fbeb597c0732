/// One flow as exported by a NetFlow, IPFIX or sFlow exporter, or built from captured packets.
///
/// `packets` and `bytes` are the values as exported (for sFlow: one sampled packet and its frame
/// length); ``scaledPackets`` and ``scaledBytes`` multiply them by the effective ``samplingRate``.
/// Times are UTC epoch milliseconds; decoders convert sysUptime-relative times using the export
/// header's clock.
public struct FlowRecord: Sendable, Hashable {
    /// The protocol the record came from.
    public var origin: FlowOrigin
    /// The address of the exporter (the datagram's source, or the sFlow agent address).
    public var exporter: IPAddress
    /// NetFlow v9 source id, IPFIX observation domain id, sFlow sub-agent id; 0 for v5 and pcap.
    public var observationDomain: UInt32
    /// 4 or 6; 0 when the record carries no IP addresses.
    public var ipVersion: UInt8
    /// Source address of the flow.
    public var sourceAddress: IPAddress
    /// Destination address of the flow.
    public var destinationAddress: IPAddress
    /// Source transport port (0 when not TCP/UDP/SCTP).
    public var sourcePort: UInt16
    /// Destination transport port; for ICMP, `type << 8 | code` as NetFlow exporters write it.
    public var destinationPort: UInt16
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    public var ipProtocol: UInt8
    /// Cumulative OR of the TCP flags seen.
    public var tcpFlags: UInt8
    /// Packets as exported (not scaled by sampling).
    public var packets: UInt64
    /// Bytes (layer 3 octets, or the sFlow frame length) as exported, not scaled by sampling.
    public var bytes: UInt64
    /// Time of the first packet, UTC epoch milliseconds.
    public var firstSwitched: Int64
    /// Time of the last packet, UTC epoch milliseconds.
    public var lastSwitched: Int64
    /// Input interface ifIndex (0 when unknown).
    public var inputInterface: UInt32
    /// Output interface ifIndex (0 when unknown).
    public var outputInterface: UInt32
    /// Flow direction, when the exporter says it.
    public var direction: FlowDirection?
    /// Source autonomous system (0 when unknown).
    public var sourceAS: UInt32
    /// Destination autonomous system (0 when unknown).
    public var destinationAS: UInt32
    /// IP next hop, when exported.
    public var nextHop: IPAddress?
    /// IPv4 type of service or IPv6 traffic class.
    public var tos: UInt8
    /// VLAN id, when known.
    public var vlan: UInt16?
    /// The effective sampling rate (1 in N packets), always at least 1.
    public var samplingRate: UInt32 {
        didSet { if self.samplingRate == 0 { self.samplingRate = 1 } }
    }
    /// Where ``samplingRate`` came from.
    public var samplingSource: SamplingSource

    /// Makes a record; every field but the origin and exporter has an "unknown" default.
    public init(
        origin: FlowOrigin,
        exporter: IPAddress,
        observationDomain: UInt32 = 0,
        ipVersion: UInt8 = 0,
        sourceAddress: IPAddress = .zeroV4,
        destinationAddress: IPAddress = .zeroV4,
        sourcePort: UInt16 = 0,
        destinationPort: UInt16 = 0,
        ipProtocol: UInt8 = 0,
        tcpFlags: UInt8 = 0,
        packets: UInt64 = 0,
        bytes: UInt64 = 0,
        firstSwitched: Int64 = 0,
        lastSwitched: Int64 = 0,
        inputInterface: UInt32 = 0,
        outputInterface: UInt32 = 0,
        direction: FlowDirection? = nil,
        sourceAS: UInt32 = 0,
        destinationAS: UInt32 = 0,
        nextHop: IPAddress? = nil,
        tos: UInt8 = 0,
        vlan: UInt16? = nil,
        samplingRate: UInt32 = 1,
        samplingSource: SamplingSource = .none
    ) {
        self.origin = origin
        self.exporter = exporter
        self.observationDomain = observationDomain
        self.ipVersion = ipVersion
        self.sourceAddress = sourceAddress
        self.destinationAddress = destinationAddress
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.ipProtocol = ipProtocol
        self.tcpFlags = tcpFlags
        self.packets = packets
        self.bytes = bytes
        self.firstSwitched = firstSwitched
        self.lastSwitched = lastSwitched
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.direction = direction
        self.sourceAS = sourceAS
        self.destinationAS = destinationAS
        self.nextHop = nextHop
        self.tos = tos
        self.vlan = vlan
        self.samplingRate = max(1, samplingRate)
        self.samplingSource = samplingSource
    }

    /// Packets multiplied by the sampling rate, saturating at `UInt64.max`.
    public var scaledPackets: UInt64 {
        Self.saturatingProduct(self.packets, UInt64(max(1, self.samplingRate)))
    }

    /// Bytes multiplied by the sampling rate, saturating at `UInt64.max`.
    public var scaledBytes: UInt64 {
        Self.saturatingProduct(self.bytes, UInt64(max(1, self.samplingRate)))
    }

    private static func saturatingProduct(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? UInt64.max : product
    }
}
