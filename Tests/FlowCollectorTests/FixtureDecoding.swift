import FlowCollector
import NetmonCore
import NetmonTesting

/// Decodes a whole fixture capture the way a collector would: one template cache, datagrams in order.
enum FixtureDecoding {
    /// A decoded record with the capture frame it came from.
    struct Decoded {
        var frame: Int
        var record: FlowRecord
    }

    /// Decodes every datagram of `name` with the decoder its version field selects.
    static func decode(_ name: String) throws -> (records: [Decoded], datagrams: [FlowDatagram]) {
        var cache = FlowTemplateCache()
        var records: [Decoded] = []
        var datagrams: [FlowDatagram] = []
        for datagram in try Fixtures.datagrams(name) {
            let decoded = try self.decodeOne(
                datagram.payload,
                exporter: datagram.source,
                at: datagram.timestamp,
                cache: &cache
            )
            datagrams.append(decoded)
            records += decoded.records.map { Decoded(frame: datagram.frame, record: $0) }
        }
        return (records, datagrams)
    }

    /// Dispatches on the first bytes: NetFlow/IPFIX 16-bit version, or sFlow's 32-bit 5.
    static func decodeOne(
        _ payload: [UInt8],
        exporter: IPAddress,
        at now: Int64,
        cache: inout FlowTemplateCache
    ) throws(FlowDecodingError) -> FlowDatagram {
        guard payload.count >= 4 else { throw .truncated(offset: 0, needed: 4) }
        if payload[0] == 0 && payload[1] == 0 {
            return try SFlowDecoder.decode(payload, receivedAt: now)
        }
        switch UInt16(payload[0]) << 8 | UInt16(payload[1]) {
        case 5: return try NetFlowV5Decoder.decode(payload, exporter: exporter)
        case 9: return try NetFlowV9Decoder.decode(payload, exporter: exporter, templates: &cache, now: now)
        default: return try IPFIXDecoder.decode(payload, exporter: exporter, templates: &cache, now: now)
        }
    }
}
