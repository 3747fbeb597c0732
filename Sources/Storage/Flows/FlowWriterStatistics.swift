import Metrics

/// Counters of a ``FlowWriter`` since it was created.
public struct FlowWriterStatistics: Sendable, Hashable {
    /// Records accepted by ``FlowWriter/submit(_:)``.
    public var accepted: Int = 0
    /// Records refused by ``FlowWriter/submit(_:)`` (queue full or writer stopped).
    public var dropped: Int = 0
    /// Raw records committed (packed) to `flows_raw_packed`.
    public var written: Int = 0
    /// Rows committed to `flows_minute`.
    public var minuteRowsWritten: Int = 0
    /// Failed commit attempts (each is retried a bounded number of times).
    public var commitErrors: Int = 0
    /// Accepted raw records given up after their batch failed every attempt.
    public var discarded: Int = 0
    /// Accepted records not yet committed (waiting or being written).
    public var queueDepth: Int = 0
    /// The most records the queue holds.
    public var queueCapacity: Int = 0

    /// Creates statistics, all zero.
    public init() {}
}

/// The flow writer's self-metrics, exported through swift-metrics (Prometheus in the daemon).
struct FlowWriterMetrics: Sendable {
    let accepted = Counter(label: "netmond_flows_accepted_total")
    let dropped = Counter(label: "netmond_flows_dropped_total")
    let written = Counter(label: "netmond_flows_written_total")
    let queueDepth = Gauge(label: "netmond_flows_queue_depth")
    let minuteRowsWritten = Counter(label: "netmond_flows_minute_rows_written_total")
    let commitErrors = Counter(label: "netmond_flows_commit_errors_total")
    let retentionDeleted = Counter(label: "netmond_flows_retention_deleted_rows_total")
}
