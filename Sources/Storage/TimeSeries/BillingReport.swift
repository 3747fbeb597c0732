/// How a 95th-percentile bill combines the two directions of a port or group.
public enum BillingMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// The 95th percentile of inbound traffic.
    case `in`
    /// The 95th percentile of outbound traffic.
    case out
    /// The 95th percentile of each 5-minute slot's larger direction, max(in, out).
    case max
    /// The 95th percentile of each 5-minute slot's in + out.
    case sum
}

/// The 5-minute data of one port that a bill is computed from.
public struct BillingPortData: Sendable, Hashable {
    /// The interface id.
    public var interfaceID: Int64
    /// A display name (device and interface).
    public var name: String
    /// Slot start (epoch ms) → the slot's time-weighted average inbound rate, bytes per second.
    public var inbound: [Int64: Double]
    /// Slot start (epoch ms) → the slot's time-weighted average outbound rate, bytes per second.
    public var outbound: [Int64: Double]

    /// Creates port data.
    public init(interfaceID: Int64, name: String, inbound: [Int64: Double], outbound: [Int64: Double]) {
        self.interfaceID = interfaceID
        self.name = name
        self.inbound = inbound
        self.outbound = outbound
    }
}

/// A 95th-percentile bill for a port or a named group of ports over a period, from 5-minute data.
///
/// Each 5-minute slot's value is the slot's time-weighted average rate (the 5-minute rollup's
/// `avg`), in bits per second; for a group, the sum over the ports that have the slot. The 95th
/// value is the nearest-rank 95th percentile (``Percentile``) of the slots that have data: missing
/// slots are counted (``missingSamples``, per port in ``ports``), never filled with zeros or
/// interpolated, and values are never capped at the interface speed. For `max` and `sum`, a slot
/// counts only when both directions have it. The transfer is each present slot's average rate ×
/// 300 s, summed.
public struct BillingReport: Sendable, Hashable, Codable {
    /// One port's share of the bill.
    public struct Port: Sendable, Hashable, Codable {
        /// The interface id.
        public var interfaceID: Int64
        /// The display name.
        public var name: String
        /// 5-minute slots of the period without an inbound value.
        public var missingInbound: Int
        /// 5-minute slots of the period without an outbound value.
        public var missingOutbound: Int
        /// The port's own inbound 95th percentile, bits per second (nil without data).
        public var inboundP95BitsPerSecond: Double?
        /// The port's own outbound 95th percentile, bits per second (nil without data).
        public var outboundP95BitsPerSecond: Double?
        /// Bytes received over the period.
        public var inboundBytes: Double
        /// Bytes sent over the period.
        public var outboundBytes: Double
    }

    /// The port or group billed.
    public var subject: String
    /// The period's start, epoch ms (aligned to 5 minutes).
    public var from: Int64
    /// The period's end, epoch ms, exclusive (aligned to 5 minutes).
    public var to: Int64
    /// The billing method.
    public var method: BillingMethod
    /// 5-minute slots in the period (per port and direction).
    public var slotsInPeriod: Int
    /// Slots that entered the billed percentile (for the method).
    public var slotsBilled: Int
    /// Port-direction slots without data, summed over the ports.
    public var missingSamples: Int
    /// The 95th percentile of the group's inbound rate, bits per second.
    public var inboundP95BitsPerSecond: Double?
    /// The 95th percentile of the group's outbound rate, bits per second.
    public var outboundP95BitsPerSecond: Double?
    /// The 95th percentile of max(in, out) per slot, bits per second.
    public var maxP95BitsPerSecond: Double?
    /// The 95th percentile of in + out per slot, bits per second.
    public var sumP95BitsPerSecond: Double?
    /// The billed value: the 95th percentile for ``method``, bits per second (nil without data).
    public var billedBitsPerSecond: Double?
    /// Bytes received over the period by all ports.
    public var inboundBytes: Double
    /// Bytes sent over the period by all ports.
    public var outboundBytes: Double
    /// The ports, in the order given.
    public var ports: [Port]

    /// The width of a billing slot.
    public static let slotMilliseconds: Int64 = 300_000

    /// Computes the bill of `ports` over `[from, to)` (rounded outward to 5-minute slots).
    /// The period is clamped to at most 400 days from `from` (the 5-minute retention's default).
    public init(subject: String, from: Int64, to: Int64, method: BillingMethod, ports: [BillingPortData]) {
        let slot = Self.slotMilliseconds
        let from = min(max(from, -(1 << 50)), 1 << 50)
        let to = min(max(to, from), from + 400 * 86_400_000)
        let start = TimeSeriesResolution.floor(from, to: slot)
        let end = Swift.max(start, TimeSeriesResolution.floor(to + slot - 1, to: slot))
        var slots: [Int64] = []
        var slotStart = start
        while slotStart < end {
            slots.append(slotStart)
            slotStart += slot
        }
        var groupIn: [Double] = []
        var groupOut: [Double] = []
        var groupMax: [Double] = []
        var groupSum: [Double] = []
        for slotStart in slots {
            let inbound = ports.compactMap { $0.inbound[slotStart] }
            let outbound = ports.compactMap { $0.outbound[slotStart] }
            let inBits: Double? = inbound.isEmpty ? nil : inbound.reduce(0, +) * 8
            let outBits: Double? = outbound.isEmpty ? nil : outbound.reduce(0, +) * 8
            if let inBits { groupIn.append(inBits) }
            if let outBits { groupOut.append(outBits) }
            if let inBits, let outBits {
                groupMax.append(Swift.max(inBits, outBits))
                groupSum.append(inBits + outBits)
            }
        }
        let seconds = Double(slot) / 1000
        let portSummaries = ports.map { port in
            let inbound = slots.compactMap { port.inbound[$0] }
            let outbound = slots.compactMap { port.outbound[$0] }
            return Port(
                interfaceID: port.interfaceID,
                name: port.name,
                missingInbound: slots.count - inbound.count,
                missingOutbound: slots.count - outbound.count,
                inboundP95BitsPerSecond: Percentile.nearestRank(inbound.map { $0 * 8 }, percent: 95),
                outboundP95BitsPerSecond: Percentile.nearestRank(outbound.map { $0 * 8 }, percent: 95),
                inboundBytes: inbound.reduce(0) { $0 + $1 * seconds },
                outboundBytes: outbound.reduce(0) { $0 + $1 * seconds }
            )
        }
        let inboundP95 = Percentile.nearestRank(groupIn, percent: 95)
        let outboundP95 = Percentile.nearestRank(groupOut, percent: 95)
        let maxP95 = Percentile.nearestRank(groupMax, percent: 95)
        let sumP95 = Percentile.nearestRank(groupSum, percent: 95)
        self.subject = subject
        self.from = start
        self.to = end
        self.method = method
        self.slotsInPeriod = slots.count
        self.ports = portSummaries
        self.missingSamples = portSummaries.reduce(0) { $0 + $1.missingInbound + $1.missingOutbound }
        self.inboundP95BitsPerSecond = inboundP95
        self.outboundP95BitsPerSecond = outboundP95
        self.maxP95BitsPerSecond = maxP95
        self.sumP95BitsPerSecond = sumP95
        self.inboundBytes = portSummaries.reduce(0) { $0 + $1.inboundBytes }
        self.outboundBytes = portSummaries.reduce(0) { $0 + $1.outboundBytes }
        let billed: (value: Double?, slots: Int) =
            switch method {
            case .in: (inboundP95, groupIn.count)
            case .out: (outboundP95, groupOut.count)
            case .max: (maxP95, groupMax.count)
            case .sum: (sumP95, groupSum.count)
            }
        self.billedBitsPerSecond = billed.value
        self.slotsBilled = billed.slots
    }
}
