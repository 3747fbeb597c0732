/// Configuration of the time-series engine (`timeseries:` in netmond.yaml): rollups, retention per
/// resolution, compression of old raw samples, the disk budget, and query and capacity defaults.
public struct TimeSeriesConfiguration: Sendable, Equatable {
    /// How long raw samples are kept, compressed or not (`raw_retention`, default 14 days).
    public var rawRetention: Duration
    /// How long 5-minute rollups are kept (`five_minute_retention`, default 400 days).
    public var fiveMinuteRetention: Duration
    /// How long 1-hour rollups are kept (`hourly_retention`, default 1,825 days ≈ 5 years).
    public var hourlyRetention: Duration
    /// How long 1-day rollups are kept (`daily_retention`); nil keeps them forever (the default).
    public var dailyRetention: Duration?
    /// Raw samples older than this are packed into compressed chunks, one per series and UTC day
    /// (`compress_after`, default 2 days). A day is packed once it is this old and rolled up.
    public var compressAfter: Duration
    /// How long after a bucket ends the rollup waits for late samples (`rollup_delay`, default 2 m).
    public var rollupDelay: Duration
    /// How often the maintenance service rolls up, compresses and applies retention
    /// (`maintenance_interval`, default 1 m).
    public var maintenanceInterval: Duration
    /// The most database bytes in use before the oldest raw samples are deleted early
    /// (`disk_budget`); nil for no budget (the default).
    public var diskBudget: Int?
    /// The most rows per series a range query should touch; the engine picks the finest
    /// resolution that stays below it (`max_query_rows`, default 4,000).
    public var maxQueryRows: Int
    /// The utilization (percent) the capacity forecast counts days to (`capacity_threshold`,
    /// default 80).
    public var capacityThreshold: Double

    /// Creates a configuration; every parameter defaults to the documented value.
    public init(
        rawRetention: Duration = .seconds(14 * 86_400),
        fiveMinuteRetention: Duration = .seconds(400 * 86_400),
        hourlyRetention: Duration = .seconds(1_825 * 86_400),
        dailyRetention: Duration? = nil,
        compressAfter: Duration = .seconds(2 * 86_400),
        rollupDelay: Duration = .seconds(120),
        maintenanceInterval: Duration = .seconds(60),
        diskBudget: Int? = nil,
        maxQueryRows: Int = 4_000,
        capacityThreshold: Double = 80
    ) {
        self.rawRetention = rawRetention
        self.fiveMinuteRetention = fiveMinuteRetention
        self.hourlyRetention = hourlyRetention
        self.dailyRetention = dailyRetention
        self.compressAfter = compressAfter
        self.rollupDelay = rollupDelay
        self.maintenanceInterval = maintenanceInterval
        self.diskBudget = diskBudget
        self.maxQueryRows = maxQueryRows
        self.capacityThreshold = capacityThreshold
    }
}
