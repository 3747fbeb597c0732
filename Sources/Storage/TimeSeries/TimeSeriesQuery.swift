/// A range query: several series over `[from, to)` in buckets of `step`, with aggregations.
public struct TimeSeriesQuery: Sendable, Hashable {
    /// The series to read (ids of the `series` table).
    public var seriesIDs: [Int64]
    /// The range's start, epoch ms (inclusive).
    public var from: Int64
    /// The range's end, epoch ms (exclusive).
    public var to: Int64
    /// The bucket width, ms. Buckets are aligned to multiples of `step` since the epoch (UTC), so
    /// the first and last bucket may reach outside `[from, to)`: they are returned whole.
    public var step: Int64
    /// The aggregations computed per bucket, in the order of ``TimeSeriesPoint/values``.
    public var aggregations: [TimeSeriesAggregation]
    /// The resolution to read, or nil to let the engine pick (``ResolutionChoice``).
    public var resolution: TimeSeriesResolution?

    /// Creates a query.
    public init(
        seriesIDs: [Int64],
        from: Int64,
        to: Int64,
        step: Int64,
        aggregations: [TimeSeriesAggregation] = [.avg],
        resolution: TimeSeriesResolution? = nil
    ) {
        self.seriesIDs = seriesIDs
        self.from = from
        self.to = to
        self.step = step
        self.aggregations = aggregations
        self.resolution = resolution
    }
}

/// One bucket of one series in a query result.
public struct TimeSeriesPoint: Sendable, Hashable, Codable {
    /// The bucket's start, epoch ms.
    public var timestamp: Int64
    /// Samples in the bucket.
    public var count: Int
    /// The value of each of the query's aggregations, in its order; nil where unknown.
    public var values: [Double?]

    /// Creates a point.
    public init(timestamp: Int64, count: Int, values: [Double?]) {
        self.timestamp = timestamp
        self.count = count
        self.values = values
    }
}

/// The points of one series.
public struct TimeSeriesResult: Sendable, Hashable, Codable {
    /// The series id.
    public var seriesID: Int64
    /// The buckets that hold samples, oldest first (empty buckets are left out).
    public var points: [TimeSeriesPoint]

    /// Creates a result.
    public init(seriesID: Int64, points: [TimeSeriesPoint]) {
        self.seriesID = seriesID
        self.points = points
    }
}

/// What a range query returned.
public struct TimeSeriesResponse: Sendable, Hashable, Codable {
    /// The resolution read.
    public var resolution: TimeSeriesResolution
    /// The first bucket's start (`from` rounded down to the step).
    public var from: Int64
    /// The end of the last bucket (`to` rounded up to the step).
    public var to: Int64
    /// The step, ms.
    public var step: Int64
    /// The aggregations, in the order of each point's values.
    public var aggregations: [TimeSeriesAggregation]
    /// One result per series, in the query's order.
    public var series: [TimeSeriesResult]
}

/// Why a range query was refused.
public struct TimeSeriesQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the query.
    public var message: String

    public var description: String { "invalid time-series query: \(self.message)" }
}
