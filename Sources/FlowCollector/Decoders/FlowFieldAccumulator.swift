#if canImport(NetmonCore)
import NetmonCore
#endif

/// Collects the fields of one NetFlow v9 / IPFIX data record into a ``FlowRecord``.
///
/// Fields arrive in template order, and some depend on others (uptime times on
/// systemInitTimeMilliseconds, ICMP type and code on each other): fields that map to the record
/// go straight into it, the others are gathered here and combined in
/// ``finish(_:exportTime:systemUptime:systemInitTime:)``. The record is passed in rather than held,
/// so a data set's records are decoded in place in their array (no copy of a record per record).
package struct FlowFieldAccumulator {
    package var firstUptime: UInt32?
    package var lastUptime: UInt32?
    package var firstTime: Int64?
    package var lastTime: Int64?
    package var systemInitTime: Int64?
    package var samplerID: UInt64?
    package var samplingInterval: UInt64?
    package var packetInterval: UInt64?
    package var packetSpace: UInt64?
    private var deltaBytes: UInt64?
    private var deltaPackets: UInt64?
    private var totalBytes: UInt64?
    private var totalPackets: UInt64?
    private var postBytes: UInt64?
    private var postPackets: UInt64?
    private var icmpTypeCode: UInt16?
    private var icmpType: UInt8?
    private var icmpCode: UInt8?

    /// Starts with no fields seen.
    package init() {}

    /// Reads one field's value (`length` bytes, already bounds-checked) into `record` or remembers it.
    package mutating func apply(
        elementID: UInt16,
        enterpriseNumber: UInt32,
        reader: inout ByteReader,
        length: Int,
        to record: inout FlowRecord
    ) throws(FlowDecodingError) {
        guard enterpriseNumber == 0 else {
            try reader.skip(length)
            return
        }
        typealias IE = InformationElement
        switch elementID {
        case IE.sourceIPv4Address where length == 4:
            record.sourceAddress = try reader.readIPv4()
        case IE.destinationIPv4Address where length == 4:
            record.destinationAddress = try reader.readIPv4()
        case IE.sourceIPv6Address where length == 16:
            record.sourceAddress = try reader.readIPv6()
        case IE.destinationIPv6Address where length == 16:
            record.destinationAddress = try reader.readIPv6()
        case IE.ipNextHopIPv4Address where length == 4:
            record.nextHop = try reader.readIPv4()
        case IE.ipNextHopIPv6Address where length == 16:
            record.nextHop = try reader.readIPv6()
        case _ where length > 8 || length == 0:
            try reader.skip(length)
        default:
            let value = try reader.readUnsigned(length: length)
            self.applyInteger(elementID: elementID, value: value, to: &record)
        }
    }

    private mutating func applyInteger(elementID: UInt16, value: UInt64, to record: inout FlowRecord) {
        typealias IE = InformationElement
        switch elementID {
        case IE.octetDeltaCount: self.deltaBytes = value
        case IE.packetDeltaCount: self.deltaPackets = value
        case IE.octetTotalCount: self.totalBytes = value
        case IE.packetTotalCount: self.totalPackets = value
        case IE.postOctetDeltaCount: self.postBytes = value
        case IE.postPacketDeltaCount: self.postPackets = value
        case IE.protocolIdentifier: record.ipProtocol = UInt8(truncatingIfNeeded: value)
        case IE.ipClassOfService: record.tos = UInt8(truncatingIfNeeded: value)
        case IE.tcpControlBits: record.tcpFlags = UInt8(truncatingIfNeeded: value)
        case IE.sourceTransportPort: record.sourcePort = UInt16(truncatingIfNeeded: value)
        case IE.destinationTransportPort: record.destinationPort = UInt16(truncatingIfNeeded: value)
        case IE.ingressInterface: record.inputInterface = UInt32(truncatingIfNeeded: value)
        case IE.egressInterface: record.outputInterface = UInt32(truncatingIfNeeded: value)
        case IE.bgpSourceAsNumber: record.sourceAS = UInt32(truncatingIfNeeded: value)
        case IE.bgpDestinationAsNumber: record.destinationAS = UInt32(truncatingIfNeeded: value)
        case IE.flowStartSysUpTime: self.firstUptime = UInt32(truncatingIfNeeded: value)
        case IE.flowEndSysUpTime: self.lastUptime = UInt32(truncatingIfNeeded: value)
        case IE.flowStartSeconds: self.firstTime = Int64(truncatingIfNeeded: value &* 1000)
        case IE.flowEndSeconds: self.lastTime = Int64(truncatingIfNeeded: value &* 1000)
        case IE.flowStartMilliseconds: self.firstTime = Int64(truncatingIfNeeded: value)
        case IE.flowEndMilliseconds: self.lastTime = Int64(truncatingIfNeeded: value)
        case IE.flowStartMicroseconds, IE.flowStartNanoseconds: self.firstTime = Self.ntpMilliseconds(value)
        case IE.flowEndMicroseconds, IE.flowEndNanoseconds: self.lastTime = Self.ntpMilliseconds(value)
        case IE.systemInitTimeMilliseconds: self.systemInitTime = Int64(truncatingIfNeeded: value)
        case IE.icmpTypeCodeIPv4, IE.icmpTypeCodeIPv6: self.icmpTypeCode = UInt16(truncatingIfNeeded: value)
        case IE.icmpTypeIPv4, IE.icmpTypeIPv6: self.icmpType = UInt8(truncatingIfNeeded: value)
        case IE.icmpCodeIPv4, IE.icmpCodeIPv6: self.icmpCode = UInt8(truncatingIfNeeded: value)
        case IE.samplingInterval, IE.samplerRandomInterval: self.samplingInterval = value
        case IE.samplingPacketInterval: self.packetInterval = value
        case IE.samplingPacketSpace: self.packetSpace = value
        case IE.samplerId, IE.selectorId: self.samplerID = value
        case IE.vlanId, IE.dot1qVlanId: record.vlan = UInt16(truncatingIfNeeded: value & 0xFFF)
        case IE.ipVersion: record.ipVersion = UInt8(truncatingIfNeeded: value)
        case IE.flowDirection: record.direction = value == 0 ? .ingress : (value == 1 ? .egress : nil)
        default: break
        }
    }

    /// Milliseconds since the Unix epoch of an NTP-format timestamp (RFC 7011 dateTimeMicro/Nanoseconds).
    private static func ntpMilliseconds(_ value: UInt64) -> Int64 {
        let seconds = Int64(value >> 32) - 2_208_988_800
        let fraction = Int64((value & 0xFFFF_FFFF) * 1000 >> 32)
        return seconds * 1000 + fraction
    }

    /// The sampling rate the record itself announces (elements 34, 50, or 305/306), if any.
    package var announcedSamplingRate: UInt32? {
        if let interval = self.samplingInterval, interval > 0 {
            return UInt32(clamping: interval)
        }
        if let interval = self.packetInterval, interval > 0 {
            let space = self.packetSpace ?? 0
            let (sum, overflow) = interval.addingReportingOverflow(space)
            return overflow ? UInt32.max : UInt32(clamping: sum / interval)
        }
        return nil
    }

    /// Completes `record` from the gathered fields. Uptime times use `systemUptime` and
    /// `exportTime` (NetFlow v9) or the exporter's `systemInitTime` (IPFIX); records without times
    /// get the export time.
    package func finish(_ record: inout FlowRecord, exportTime: Int64, systemUptime: UInt32?, systemInitTime: Int64?) {
        record.bytes = self.deltaBytes ?? self.totalBytes ?? self.postBytes ?? 0
        record.packets = self.deltaPackets ?? self.totalPackets ?? self.postPackets ?? 0
        record.firstSwitched = self.time(
            self.firstTime,
            self.firstUptime,
            exportTime,
            systemUptime,
            systemInitTime
        )
        record.lastSwitched = self.time(self.lastTime, self.lastUptime, exportTime, systemUptime, systemInitTime)
        if let typeCode = self.icmpTypeCode, record.destinationPort == 0 {
            record.destinationPort = typeCode
        } else if self.icmpType != nil || self.icmpCode != nil, record.destinationPort == 0 {
            record.destinationPort = UInt16(self.icmpType ?? 0) << 8 | UInt16(self.icmpCode ?? 0)
        }
        if record.ipVersion == 0 || record.ipVersion != record.sourceAddress.version {
            if record.sourceAddress != .zeroV4 || record.destinationAddress != .zeroV4 {
                record.ipVersion = record.sourceAddress.version
            }
        }
    }

    private func time(
        _ absolute: Int64?,
        _ uptime: UInt32?,
        _ exportTime: Int64,
        _ systemUptime: UInt32?,
        _ systemInitTime: Int64?
    ) -> Int64 {
        if let absolute { return absolute }
        guard let uptime else { return exportTime }
        if let initTime = self.systemInitTime ?? systemInitTime { return initTime &+ Int64(uptime) }
        if let systemUptime {
            return UptimeClock.epochMilliseconds(of: uptime, uptime: systemUptime, exportTime: exportTime)
        }
        return exportTime
    }
}
