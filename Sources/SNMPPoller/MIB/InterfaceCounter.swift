/// The interface counters netmond polls, each with its 64-bit (ifXTable) and 32-bit (ifTable)
/// source, and the metric it becomes.
public struct InterfaceCounter: Sendable, Hashable {
    /// The stored metric: a per-second rate.
    public var metric: String
    public var unit: String
    /// The 64-bit HC column, when the counter has one.
    public var hc: OID?
    /// The 32-bit column, when the counter has one.
    public var legacy: OID?
    /// True for octet counters: their rate is checked against the interface speed.
    public var isOctets: Bool

    /// Every counter netmond turns into a rate, in the order they are requested.
    public static let all: [InterfaceCounter] = [
        .init(metric: "if_in_octets", unit: "B/s", hc: IFMIB.ifHCInOctets, legacy: IFMIB.ifInOctets, isOctets: true),
        .init(metric: "if_out_octets", unit: "B/s", hc: IFMIB.ifHCOutOctets, legacy: IFMIB.ifOutOctets, isOctets: true),
        .init(metric: "if_in_ucast_packets", unit: "pkt/s", hc: IFMIB.ifHCInUcastPkts, legacy: IFMIB.ifInUcastPkts),
        .init(metric: "if_out_ucast_packets", unit: "pkt/s", hc: IFMIB.ifHCOutUcastPkts, legacy: IFMIB.ifOutUcastPkts),
        .init(
            metric: "if_in_multicast_packets",
            unit: "pkt/s",
            hc: IFMIB.ifHCInMulticastPkts,
            legacy: IFMIB.ifInMulticastPkts
        ),
        .init(
            metric: "if_out_multicast_packets",
            unit: "pkt/s",
            hc: IFMIB.ifHCOutMulticastPkts,
            legacy: IFMIB.ifOutMulticastPkts
        ),
        .init(
            metric: "if_in_broadcast_packets",
            unit: "pkt/s",
            hc: IFMIB.ifHCInBroadcastPkts,
            legacy: IFMIB.ifInBroadcastPkts
        ),
        .init(
            metric: "if_out_broadcast_packets",
            unit: "pkt/s",
            hc: IFMIB.ifHCOutBroadcastPkts,
            legacy: IFMIB.ifOutBroadcastPkts
        ),
        .init(metric: "if_in_errors", unit: "err/s", hc: nil, legacy: IFMIB.ifInErrors),
        .init(metric: "if_out_errors", unit: "err/s", hc: nil, legacy: IFMIB.ifOutErrors),
        .init(metric: "if_in_discards", unit: "pkt/s", hc: nil, legacy: IFMIB.ifInDiscards),
        .init(metric: "if_out_discards", unit: "pkt/s", hc: nil, legacy: IFMIB.ifOutDiscards),
    ]

    init(metric: String, unit: String, hc: OID?, legacy: OID?, isOctets: Bool = false) {
        self.metric = metric
        self.unit = unit
        self.hc = hc
        self.legacy = legacy
        self.isOctets = isOctets
    }

    /// The column to poll: the HC one when the device has HC counters, else the 32-bit one.
    public func column(useHC: Bool) -> (oid: OID, width: CounterReading.Width)? {
        if useHC, let hc { return (hc, .bits64) }
        if let legacy { return (legacy, .bits32) }
        return nil
    }
}
