#if canImport(NetmonCore)
import NetmonCore
#endif

/// Decodes NetFlow version 5 export datagrams: a 24-byte header and `count` 48-byte IPv4 records.
///
/// Record times are sysUptime-relative; they are converted to epoch milliseconds with the header's
/// `unix_secs`/`unix_nsecs` and `sys_uptime` (32-bit wrap safe). The header's sampling interval (low
/// 14 bits) becomes each record's effective sampling rate.
public enum NetFlowV5Decoder {
    /// Length of the v5 header.
    public static let headerLength = 24
    /// Length of one v5 flow record.
    public static let recordLength = 48
    /// The largest record count a v5 datagram may declare.
    public static let maximumCount = 30

    /// Decodes one datagram sent by `exporter`.
    ///
    /// - Throws: ``FlowDecodingError`` when the version is not 5, the count exceeds 30 or the
    ///   datagram is shorter than its header and declared records.
    public static func decode(_ datagram: [UInt8], exporter: IPAddress) throws(FlowDecodingError) -> FlowDatagram {
        var reader = ByteReader(datagram)
        let version = try reader.readUInt16()
        guard version == 5 else { throw .unsupportedVersion(UInt32(version)) }
        let count = try reader.readUInt16()
        let sysUptime = try reader.readUInt32()
        let unixSeconds = try reader.readUInt32()
        let unixNanoseconds = try reader.readUInt32()
        let sequence = try reader.readUInt32()
        let engineType = try reader.readUInt8()
        let engineID = try reader.readUInt8()
        let samplingField = try reader.readUInt16()
        guard count <= Self.maximumCount else { throw .invalidLength(offset: 2) }
        guard reader.remaining >= Int(count) * Self.recordLength else {
            throw .truncated(offset: reader.offset, needed: Int(count) * Self.recordLength)
        }

        let exportTime = Int64(unixSeconds) * 1000 + Int64(unixNanoseconds / 1_000_000)
        let interval = UInt32(samplingField & 0x3FFF)
        var datagramInfo = FlowDatagram(origin: .netflow5, version: 5)
        datagramInfo.sequenceNumber = sequence
        datagramInfo.observationDomain = UInt32(engineType) << 8 | UInt32(engineID)
        datagramInfo.exportTime = exportTime
        datagramInfo.systemUptime = sysUptime
        datagramInfo.declaredCount = UInt32(count)
        datagramInfo.records.reserveCapacity(Int(count))

        for _ in 0..<count {
            var record = FlowRecord(origin: .netflow5, exporter: exporter, ipVersion: 4)
            record.sourceAddress = try reader.readIPv4()
            record.destinationAddress = try reader.readIPv4()
            record.nextHop = try reader.readIPv4()
            record.inputInterface = UInt32(try reader.readUInt16())
            record.outputInterface = UInt32(try reader.readUInt16())
            record.packets = UInt64(try reader.readUInt32())
            record.bytes = UInt64(try reader.readUInt32())
            let first = try reader.readUInt32()
            let last = try reader.readUInt32()
            record.firstSwitched = UptimeClock.epochMilliseconds(of: first, uptime: sysUptime, exportTime: exportTime)
            record.lastSwitched = UptimeClock.epochMilliseconds(of: last, uptime: sysUptime, exportTime: exportTime)
            record.sourcePort = try reader.readUInt16()
            record.destinationPort = try reader.readUInt16()
            try reader.skip(1)
            record.tcpFlags = try reader.readUInt8()
            record.ipProtocol = try reader.readUInt8()
            record.tos = try reader.readUInt8()
            record.sourceAS = UInt32(try reader.readUInt16())
            record.destinationAS = UInt32(try reader.readUInt16())
            try reader.skip(4)  // src_mask, dst_mask, pad2
            if interval > 1 {
                record.samplingRate = interval
                record.samplingSource = .netflow5Header
            }
            datagramInfo.records.append(record)
        }
        datagramInfo.stats.dataRecords = Int(count)
        return datagramInfo
    }
}

/// Converts exporter-uptime-relative times (NetFlow v5/v9 first/last switched) to epoch milliseconds.
package enum UptimeClock {
    /// The epoch time of the uptime instant `value`, given the header's `uptime` and export time.
    ///
    /// The difference is taken modulo 2^32, so a flow that started before the uptime counter wrapped
    /// still lands before the export; values in the "future" (up to 2^31 ms after the export) are
    /// treated as such rather than as 49 days in the past.
    package static func epochMilliseconds(of value: UInt32, uptime: UInt32, exportTime: Int64) -> Int64 {
        let delta = Int32(bitPattern: uptime &- value)
        return exportTime &- Int64(delta)
    }
}
