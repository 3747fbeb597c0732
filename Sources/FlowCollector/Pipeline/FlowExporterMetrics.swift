import Metrics
import NetmonCore

/// Per-exporter counters of one listener: datagrams, records, decode errors, sequence gaps,
/// template misses and records dropped because storage was behind. Handles are cached per
/// exporter; past `maximumExporters` distinct exporters, new ones share the label `other` so a
/// spoofed-source flood cannot grow the metrics without bound.
struct FlowExporterMetrics {
    private struct Handles {
        var datagrams: Counter
        var bytes: Counter
        var records: Counter
        var errors: Counter
        var gaps: Counter
        var misses: Counter
        var dropped: Counter
    }

    static let maximumExporters = 1024
    private let listenerProtocol: String
    private var handles: [IPAddress: Handles] = [:]
    private var other: Handles?
    private var last: Handles?

    init(protocol listenerProtocol: String) {
        self.listenerProtocol = listenerProtocol
    }

    private mutating func handles(for exporter: IPAddress) -> Handles {
        if let cached = self.handles[exporter] { return cached }
        if self.handles.count >= Self.maximumExporters {
            if let other = self.other { return other }
            let made = self.make("other")
            self.other = made
            return made
        }
        let made = self.make(exporter.description)
        self.handles[exporter] = made
        return made
    }

    private func make(_ exporter: String) -> Handles {
        let dimensions = [("exporter", exporter), ("protocol", self.listenerProtocol)]
        return Handles(
            datagrams: Counter(label: "netmond_flow_datagrams_total", dimensions: dimensions),
            bytes: Counter(label: "netmond_flow_datagram_bytes_total", dimensions: dimensions),
            records: Counter(label: "netmond_flow_records_total", dimensions: dimensions),
            errors: Counter(label: "netmond_flow_decode_errors_total", dimensions: dimensions),
            gaps: Counter(label: "netmond_flow_sequence_gap_total", dimensions: dimensions),
            misses: Counter(label: "netmond_flow_template_misses_total", dimensions: dimensions),
            dropped: Counter(label: "netmond_flow_records_dropped_total", dimensions: dimensions)
        )
    }

    mutating func record(_ result: FlowDatagramProcessor.Result, datagramBytes: Int) {
        let handles = self.handles(for: result.exporter)
        handles.datagrams.increment()
        handles.bytes.increment(by: datagramBytes)
        if result.error != nil { handles.errors.increment() }
        if !result.records.isEmpty { handles.records.increment(by: result.records.count) }
        if result.sequenceGap > 0 { handles.gaps.increment(by: Int64(clamping: result.sequenceGap)) }
        if result.templateMisses > 0 { handles.misses.increment(by: result.templateMisses) }
        self.last = handles
    }

    /// Counts records of the last recorded datagram that the sink refused.
    mutating func dropped(_ count: Int) {
        self.last?.dropped.increment(by: count)
    }
}
