#if canImport(NetmonCore)
import NetmonCore
#endif

/// Decodes sFlow version 5 datagrams: flow samples (standard and expanded) into flow records, and
/// counter samples' generic interface counters into ``InterfaceCounters``.
///
/// Each flow sample becomes one ``FlowRecord`` with 1 packet and the sampled frame's length in bytes
/// (as exported), the sample's sampling rate as its effective rate, and times set to `receivedAt`
/// (sFlow carries no flow times). Addresses and ports come from the raw packet header record
/// (Ethernet/802.1Q/IPv4/IPv6/TCP/UDP/ICMP) or, failing that, the sampled IPv4/IPv6 records.
public enum SFlowDecoder {
    /// Decodes one datagram received at `receivedAt` (epoch ms). The exporter is the agent address
    /// the datagram itself names.
    ///
    /// - Throws: ``FlowDecodingError`` when the version is not 5, the agent address type is unknown,
    ///   or a count or length disagrees with the datagram.
    public static func decode(_ datagram: [UInt8], receivedAt: Int64) throws(FlowDecodingError) -> FlowDatagram {
        var reader = ByteReader(datagram)
        let version = try reader.readUInt32()
        guard version == 5 else { throw .unsupportedVersion(version) }
        let agent = try self.readAddress(&reader)
        let subAgentID = try reader.readUInt32()
        let sequence = try reader.readUInt32()
        let uptime = try reader.readUInt32()
        let sampleCount = try reader.readUInt32()
        guard UInt64(sampleCount) * 8 <= UInt64(reader.remaining) else {
            throw .invalidLength(offset: reader.offset - 4)
        }

        var result = FlowDatagram(origin: .sflow, version: 5)
        result.sequenceNumber = sequence
        result.observationDomain = subAgentID
        result.exportTime = receivedAt
        result.systemUptime = uptime
        result.declaredCount = sampleCount
        let base = FlowRecord(
            origin: .sflow,
            exporter: agent,
            observationDomain: subAgentID,
            packets: 1,
            firstSwitched: receivedAt,
            lastSwitched: receivedAt,
            samplingSource: .sflowSample
        )
        for _ in 0..<sampleCount {
            let format = try reader.readUInt32()
            let length = Int(try reader.readUInt32())
            var sample = try reader.subReader(length: length)
            guard format >> 12 == 0 else {
                result.stats.skippedUnknown += 1
                continue
            }
            switch format & 0xFFF {
            case 1, 3:
                if let record = try self.decodeFlowSample(&sample, expanded: format & 0xFFF == 3, base: base) {
                    result.records.append(record)
                    result.stats.dataRecords += 1
                } else {
                    result.stats.undecodableSamples += 1
                }
            case 2, 4:
                let counters = try self.decodeCounterSample(&sample, expanded: format & 0xFFF == 4, agent: agent)
                result.interfaceCounters.append(contentsOf: counters)
            default:
                result.stats.skippedUnknown += 1
            }
        }
        return result
    }

    static func readAddress(_ reader: inout ByteReader) throws(FlowDecodingError) -> IPAddress {
        let offset = reader.offset
        switch try reader.readUInt32() {
        case 1: return try reader.readIPv4()
        case 2: return try reader.readIPv6()
        default: throw .invalidLength(offset: offset)
        }
    }

    /// An sFlow interface value: format 0 with a value other than 0x3FFFFFFF ("unknown") is an ifIndex.
    private static func ifIndex(format: UInt32, value: UInt32) -> UInt32 {
        format == 0 && value != 0x3FFF_FFFF ? value : 0
    }

    private static func decodeFlowSample(
        _ sample: inout ByteReader,
        expanded: Bool,
        base: FlowRecord
    ) throws(FlowDecodingError) -> FlowRecord? {
        var record = base
        try sample.skip(expanded ? 12 : 8)  // sequence, source id (type and index)
        record.samplingRate = try sample.readUInt32()
        try sample.skip(8)  // sample pool, drops
        if expanded {
            let inFormat = try sample.readUInt32()
            record.inputInterface = self.ifIndex(format: inFormat, value: try sample.readUInt32())
            let outFormat = try sample.readUInt32()
            record.outputInterface = self.ifIndex(format: outFormat, value: try sample.readUInt32())
        } else {
            let input = try sample.readUInt32()
            record.inputInterface = self.ifIndex(format: input >> 30, value: input & 0x3FFF_FFFF)
            let output = try sample.readUInt32()
            record.outputInterface = self.ifIndex(format: output >> 30, value: output & 0x3FFF_FFFF)
        }
        let recordCount = try sample.readUInt32()
        guard UInt64(recordCount) * 8 <= UInt64(sample.remaining) else {
            throw .invalidLength(offset: sample.offset - 4)
        }
        var decodedHeader = false
        for _ in 0..<recordCount {
            let format = try sample.readUInt32()
            let length = Int(try sample.readUInt32())
            var flowData = try sample.subReader(length: length)
            guard format >> 12 == 0 else { continue }
            switch format & 0xFFF {
            case 1:
                decodedHeader = try self.applyRawHeader(&flowData, to: &record) || decodedHeader
            case 3 where !decodedHeader, 4 where !decodedHeader:
                decodedHeader = try self.applySampledIP(&flowData, v6: format & 0xFFF == 4, to: &record)
            case 1001:
                let vlan = try flowData.readUInt32()
                if vlan != 0 && record.vlan == nil { record.vlan = UInt16(truncatingIfNeeded: vlan & 0xFFF) }
            case 1002:
                record.nextHop = try self.readAddress(&flowData)
            case 1003:
                try self.applyGateway(&flowData, to: &record)
            default:
                continue
            }
        }
        return decodedHeader ? record : nil
    }

    private static func applyRawHeader(
        _ data: inout ByteReader,
        to record: inout FlowRecord
    ) throws(FlowDecodingError)
        -> Bool
    {
        let headerProtocol = try data.readUInt32()
        let frameLength = try data.readUInt32()
        try data.skip(4)  // stripped
        let headerLength = Int(try data.readUInt32())
        let header = try data.subReader(length: headerLength)
        let decoded: DecodedPacketHeader?
        switch headerProtocol {
        case 1: decoded = try? PacketHeaderDecoder.decodeEthernet(header.bytes, start: header.offset, end: header.end)
        case 11, 12: decoded = try? PacketHeaderDecoder.decodeIP(header.bytes, start: header.offset, end: header.end)
        default: decoded = nil
        }
        guard let decoded else { return false }
        record.ipVersion = decoded.ipVersion
        record.sourceAddress = decoded.sourceAddress
        record.destinationAddress = decoded.destinationAddress
        record.ipProtocol = decoded.ipProtocol
        record.sourcePort = decoded.sourcePort
        record.destinationPort = decoded.destinationPort
        record.tcpFlags = decoded.tcpFlags
        record.tos = decoded.tos
        if let vlan = decoded.vlan { record.vlan = vlan }
        record.bytes = UInt64(frameLength)
        return true
    }

    private static func applySampledIP(
        _ data: inout ByteReader,
        v6: Bool,
        to record: inout FlowRecord
    )
        throws(FlowDecodingError) -> Bool
    {
        record.bytes = UInt64(try data.readUInt32())
        record.ipProtocol = UInt8(truncatingIfNeeded: try data.readUInt32())
        record.sourceAddress = v6 ? try data.readIPv6() : try data.readIPv4()
        record.destinationAddress = v6 ? try data.readIPv6() : try data.readIPv4()
        record.ipVersion = v6 ? 6 : 4
        record.sourcePort = UInt16(truncatingIfNeeded: try data.readUInt32())
        record.destinationPort = UInt16(truncatingIfNeeded: try data.readUInt32())
        record.tcpFlags = UInt8(truncatingIfNeeded: try data.readUInt32())
        record.tos = UInt8(truncatingIfNeeded: try data.readUInt32())
        return true
    }

    /// Extended gateway (1003): next hop, own AS, source AS, peer AS, then the AS path, whose last
    /// AS is the destination AS.
    private static func applyGateway(_ data: inout ByteReader, to record: inout FlowRecord) throws(FlowDecodingError) {
        record.nextHop = try self.readAddress(&data)
        try data.skip(4)
        record.sourceAS = try data.readUInt32()
        try data.skip(4)
        let segments = try data.readUInt32()
        guard UInt64(segments) * 8 <= UInt64(data.remaining) else { throw .invalidLength(offset: data.offset - 4) }
        for _ in 0..<segments {
            try data.skip(4)
            let count = try data.readUInt32()
            guard UInt64(count) * 4 <= UInt64(data.remaining) else { throw .invalidLength(offset: data.offset - 4) }
            for _ in 0..<count { record.destinationAS = try data.readUInt32() }
        }
    }

    private static func decodeCounterSample(
        _ sample: inout ByteReader,
        expanded: Bool,
        agent: IPAddress
    ) throws(FlowDecodingError) -> [InterfaceCounters] {
        try sample.skip(4)  // sequence
        let sourceID: UInt32
        if expanded {
            let type = try sample.readUInt32()
            sourceID = type << 24 | (try sample.readUInt32() & 0x00FF_FFFF)
        } else {
            sourceID = try sample.readUInt32()
        }
        let recordCount = try sample.readUInt32()
        guard UInt64(recordCount) * 8 <= UInt64(sample.remaining) else {
            throw .invalidLength(offset: sample.offset - 4)
        }
        var counters: [InterfaceCounters] = []
        for _ in 0..<recordCount {
            let format = try sample.readUInt32()
            let length = Int(try sample.readUInt32())
            var data = try sample.subReader(length: length)
            guard format == 1 else { continue }
            counters.append(try self.readGenericCounters(&data, agent: agent, sourceID: sourceID))
        }
        return counters
    }

    private static func readGenericCounters(
        _ data: inout ByteReader,
        agent: IPAddress,
        sourceID: UInt32
    )
        throws(FlowDecodingError) -> InterfaceCounters
    {
        InterfaceCounters(
            agent: agent,
            sourceID: sourceID,
            ifIndex: try data.readUInt32(),
            ifType: try data.readUInt32(),
            ifSpeed: try data.readUInt64(),
            ifDirection: try data.readUInt32(),
            ifStatus: try data.readUInt32(),
            inOctets: try data.readUInt64(),
            inUnicastPackets: try data.readUInt32(),
            inMulticastPackets: try data.readUInt32(),
            inBroadcastPackets: try data.readUInt32(),
            inDiscards: try data.readUInt32(),
            inErrors: try data.readUInt32(),
            inUnknownProtocols: try data.readUInt32(),
            outOctets: try data.readUInt64(),
            outUnicastPackets: try data.readUInt32(),
            outMulticastPackets: try data.readUInt32(),
            outBroadcastPackets: try data.readUInt32(),
            outDiscards: try data.readUInt32(),
            outErrors: try data.readUInt32(),
            promiscuousMode: try data.readUInt32()
        )
    }
}
