/// The summary of one series over one time bucket: what a rollup row stores.
///
/// Definitions (every level is defined from the raw samples in its bucket; NaN samples are missing
/// and ignored):
/// - `count`, `sum`, `minimum`, `maximum` of the values;
/// - `average` is time-weighted: each sample holds its value until the next sample or the next
///   5-minute boundary (UTC epoch grid), whichever comes first; `coveredMilliseconds` is the total
///   time held. Because holds stop at 5-minute boundaries, the average of a coarser bucket equals
///   the covered-time-weighted mean of its 5-minute averages (up to floating-point rounding);
/// - `p95`, `p99` are nearest-rank percentiles (``Percentile``) of the raw values in the bucket —
///   also for 1-hour and 1-day buckets, which are therefore computed from raw samples, never from
///   5-minute summaries (a percentile of percentiles is not a percentile).
public struct RollupAggregate: Sendable, Hashable {
    /// Samples with a value.
    public var count: Int
    /// The sum of the values.
    public var sum: Double
    /// The smallest value.
    public var minimum: Double
    /// The largest value.
    public var maximum: Double
    /// The time-weighted average (see the type's documentation).
    public var average: Double
    /// The time over which `average` was taken, in milliseconds.
    public var coveredMilliseconds: Int64
    /// The nearest-rank 95th percentile, nil when unknown (a combination of buckets).
    public var p95: Double?
    /// The nearest-rank 99th percentile, nil when unknown (a combination of buckets).
    public var p99: Double?

    /// Creates an aggregate from stored columns.
    public init(
        count: Int,
        sum: Double,
        minimum: Double,
        maximum: Double,
        average: Double,
        coveredMilliseconds: Int64,
        p95: Double?,
        p99: Double?
    ) {
        self.count = count
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.average = average
        self.coveredMilliseconds = coveredMilliseconds
        self.p95 = p95
        self.p99 = p99
    }

    /// The grid at which holds stop (5 minutes).
    public static let holdGridMilliseconds: Int64 = 300_000

    /// Summarises the samples of one series with `start <= timestamp < end`, given in time order.
    ///
    /// - Returns: nil when no sample in the bucket has a value.
    public static func of(
        timestamps: ArraySlice<Int64>,
        values: ArraySlice<Double>,
        start: Int64,
        end: Int64
    ) -> RollupAggregate? {
        var kept: [(timestamp: Int64, value: Double)] = []
        kept.reserveCapacity(timestamps.count)
        for (timestamp, value) in zip(timestamps, values) where !value.isNaN && timestamp >= start && timestamp < end {
            kept.append((timestamp, value))
        }
        guard let first = kept.first else { return nil }
        var sum = 0.0
        var minimum = first.value
        var maximum = first.value
        var weightedSum = 0.0
        var covered: Int64 = 0
        for index in kept.indices {
            let sample = kept[index]
            sum += sample.value
            minimum = Swift.min(minimum, sample.value)
            maximum = Swift.max(maximum, sample.value)
            let gridEnd =
                TimeSeriesResolution.floor(sample.timestamp, to: Self.holdGridMilliseconds)
                + Self.holdGridMilliseconds
            var holdEnd = Swift.min(gridEnd, end)
            if index + 1 < kept.count {
                holdEnd = Swift.min(holdEnd, kept[index + 1].timestamp)
            }
            let held = holdEnd - sample.timestamp
            if held > 0 {
                weightedSum += sample.value * Double(held)
                covered += held
            }
        }
        // Samples sharing one instant hold for no time: average them plainly then.
        let average = covered > 0 ? weightedSum / Double(covered) : sum / Double(kept.count)
        let sorted = kept.map(\.value).sorted()
        return RollupAggregate(
            count: kept.count,
            sum: sum,
            minimum: minimum,
            maximum: maximum,
            average: average,
            coveredMilliseconds: covered,
            p95: Percentile.nearestRank(sorted: sorted, percent: 95),
            p99: Percentile.nearestRank(sorted: sorted, percent: 99)
        )
    }

    /// Combines consecutive buckets' aggregates into one covering them all, in order.
    ///
    /// Percentiles cannot be combined: the result's are nil unless there is exactly one part.
    public static func combine(_ parts: [RollupAggregate]) -> RollupAggregate? {
        guard let first = parts.first else { return nil }
        guard parts.count > 1 else { return first }
        var result = first
        var weightedSum = first.average * Double(first.coveredMilliseconds)
        for part in parts.dropFirst() {
            result.count += part.count
            result.sum += part.sum
            result.minimum = Swift.min(result.minimum, part.minimum)
            result.maximum = Swift.max(result.maximum, part.maximum)
            weightedSum += part.average * Double(part.coveredMilliseconds)
            result.coveredMilliseconds += part.coveredMilliseconds
        }
        result.average =
            result.coveredMilliseconds > 0
            ? weightedSum / Double(result.coveredMilliseconds) : result.sum / Double(result.count)
        result.p95 = nil
        result.p99 = nil
        return result
    }

    /// The value of `aggregation` in this summary (nil for a percentile it does not know).
    public func value(of aggregation: TimeSeriesAggregation) -> Double? {
        switch aggregation {
        case .min: self.minimum
        case .max: self.maximum
        case .avg: self.average
        case .sum: self.sum
        case .count: Double(self.count)
        case .p95: self.p95
        case .p99: self.p99
        }
    }
}

/// An aggregation function of a range query.
public enum TimeSeriesAggregation: String, Sendable, Hashable, CaseIterable, Codable {
    /// The smallest value in each step.
    case min
    /// The largest value in each step.
    case max
    /// The time-weighted average over each step (see ``RollupAggregate``).
    case avg
    /// The sum of the values in each step.
    case sum
    /// The number of samples in each step.
    case count
    /// The nearest-rank 95th percentile of the raw values in each step.
    case p95
    /// The nearest-rank 99th percentile of the raw values in each step.
    case p99

    /// True for the percentiles, which need raw samples or a rollup of exactly the step's width.
    public var isPercentile: Bool { self == .p95 || self == .p99 }
}
