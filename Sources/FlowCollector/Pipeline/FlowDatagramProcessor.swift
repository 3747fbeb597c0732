import NetmonCore

/// Decodes the datagrams of one listener: picks the decoder, owns the template cache and the
/// sequence tracker, applies per-exporter sampling overrides. A value owned by the listener's
/// receive task (no locks); pure apart from the time passed in.
public struct FlowDatagramProcessor: Sendable {
    /// What one datagram gave.
    public struct Result: Sendable {
        public var records: [FlowRecord] = []
        public var exporter: IPAddress
        public var origin: FlowOrigin?
        public var sequenceGap: UInt64 = 0
        public var templateMisses = 0
        public var error: FlowDecodingError?
    }

    private let listenerProtocol: FlowConfiguration.ListenerProtocol
    private var templates: FlowTemplateCache
    private var sequences = SequenceTracker()
    private let samplingOverrides: [IPAddress: UInt32]
    private var lastExpiry: Int64 = 0

    public init(
        protocol listenerProtocol: FlowConfiguration.ListenerProtocol,
        samplingOverrides: [IPAddress: UInt32] = [:],
        templateLimits: FlowTemplateCache.Limits = .init()
    ) {
        self.listenerProtocol = listenerProtocol
        self.samplingOverrides = samplingOverrides
        self.templates = FlowTemplateCache(limits: templateLimits)
    }

    /// Decodes one datagram received from `source` at `now` (UTC epoch milliseconds).
    public mutating func process(_ bytes: [UInt8], from source: IPAddress, now: Int64) -> Result {
        var result = Result(exporter: source)
        if now - self.lastExpiry >= 60_000 {
            _ = self.templates.expire(now: now)
            self.lastExpiry = now
        }
        do throws(FlowDecodingError) {
            let datagram: FlowDatagram
            switch self.listenerProtocol {
            case .sflow:
                datagram = try SFlowDecoder.decode(bytes, receivedAt: now)
            case .netflow, .ipfix:
                let version = bytes.count >= 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0
                switch version {
                case 5: datagram = try NetFlowV5Decoder.decode(bytes, exporter: source)
                case 9:
                    datagram = try NetFlowV9Decoder.decode(
                        bytes,
                        exporter: source,
                        templates: &self.templates,
                        now: now
                    )
                case 10:
                    datagram = try IPFIXDecoder.decode(bytes, exporter: source, templates: &self.templates, now: now)
                default: throw .unsupportedVersion(UInt32(version))
                }
            }
            let exporter = datagram.records.first?.exporter ?? source
            result.exporter = exporter
            result.origin = datagram.origin
            result.templateMisses = datagram.stats.templateMisses
            result.sequenceGap = self.sequences.observe(datagram, exporter: exporter)
            result.records = datagram.records
            if let rate = self.samplingOverrides[exporter] {
                for index in result.records.indices {
                    result.records[index].samplingRate = rate
                    result.records[index].samplingSource = .configured
                }
            }
        } catch {
            result.error = error
        }
        return result
    }
}
