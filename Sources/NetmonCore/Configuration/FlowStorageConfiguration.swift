/// Configuration of flow storage (`flow_storage:` in netmond.yaml): the raw flow table, the
/// per-minute aggregates and the ``FlowWriter`` queue in the Storage module.
public struct FlowStorageConfiguration: Sendable, Equatable {
    /// How long raw flow records are kept (`raw_retention`, default 24 hours).
    public var rawRetention: Duration
    /// How long per-minute aggregates are kept (`aggregate_retention`, default 30 days).
    public var aggregateRetention: Duration
    /// Keys kept per minute and exporter in the aggregates, by bytes (`top_keys_per_minute`, default
    /// 1,000); the rest is summed into "other" rows so totals stay exact.
    public var topKeysPerMinute: Int
    /// Flow records the writer queue holds at most (`queue_capacity`, default 400,000); beyond it
    /// new batches are dropped and counted.
    public var queueCapacity: Int
    /// Raw flow records written in one transaction at most (`batch_size`, default 20,000).
    public var batchSize: Int
    /// Longest time an accepted record waits before it is written (`flush_interval`, default 1 s).
    public var flushInterval: Duration

    /// Creates a configuration; every parameter defaults to the documented value.
    public init(
        rawRetention: Duration = .seconds(24 * 3600),
        aggregateRetention: Duration = .seconds(30 * 24 * 3600),
        topKeysPerMinute: Int = 1_000,
        queueCapacity: Int = 400_000,
        batchSize: Int = 20_000,
        flushInterval: Duration = .seconds(1)
    ) {
        self.rawRetention = rawRetention
        self.aggregateRetention = aggregateRetention
        self.topKeysPerMinute = topKeysPerMinute
        self.queueCapacity = queueCapacity
        self.batchSize = batchSize
        self.flushInterval = flushInterval
    }
}
