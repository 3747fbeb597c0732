import Metrics

/// The writer's self-metrics, exported through swift-metrics (Prometheus in the daemon).
struct SampleWriterMetrics: Sendable {
    let queueDepth = Gauge(label: "netmond_storage_queue_depth")
    let queueCapacity = Gauge(label: "netmond_storage_queue_capacity")
    let accepted = Counter(label: "netmond_storage_samples_accepted_total")
    let dropped = Counter(label: "netmond_storage_samples_dropped_total")
    let written = Counter(label: "netmond_storage_samples_written_total")
    let batchesCommitted = Counter(label: "netmond_storage_batches_committed_total")
    let commitErrors = Counter(label: "netmond_storage_commit_errors_total")
    let commitDuration = Metrics.Timer(label: "netmond_storage_commit_duration_seconds")
}
