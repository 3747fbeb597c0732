/// A linear least-squares trend of a port's daily 95th-percentile utilization and the days until it
/// reaches a threshold: pure, tested without a database.
public struct CapacityForecast: Sendable, Hashable, Codable {
    /// One day of the trend.
    public struct Day: Sendable, Hashable, Codable {
        /// The UTC day's start, epoch ms.
        public var day: Int64
        /// The day's 95th-percentile utilization, percent (the larger of in and out).
        public var p95Percent: Double

        /// Creates a day.
        public init(day: Int64, p95Percent: Double) {
            self.day = day
            self.p95Percent = p95Percent
        }
    }

    /// The days the fit used, oldest first.
    public var days: [Day]
    /// The fitted utilization change per day, percentage points; nil with fewer than two days.
    public var slopePerDay: Double?
    /// The fitted utilization on the last day, percent; nil with fewer than two days.
    public var fittedLatest: Double?
    /// The threshold, percent.
    public var threshold: Double
    /// Days from the last day until the fit reaches the threshold: 0 when it already has, nil when
    /// the trend is flat or falling (never) or there are fewer than two days.
    public var daysUntilThreshold: Double?

    /// Fits `days` (any order; NaN days are skipped) and forecasts when `threshold` is reached.
    public init(days: [Day], threshold: Double) {
        let sorted = days.filter { !$0.p95Percent.isNaN }.sorted { $0.day < $1.day }
        self.days = sorted
        self.threshold = threshold
        guard sorted.count >= 2, let first = sorted.first, let last = sorted.last else {
            self.slopePerDay = nil
            self.fittedLatest = nil
            self.daysUntilThreshold = nil
            return
        }
        // x in days since the first day, so the fit is well conditioned.
        let xs = sorted.map { Double($0.day - first.day) / 86_400_000 }
        let ys = sorted.map(\.p95Percent)
        let n = Double(sorted.count)
        let meanX = xs.reduce(0, +) / n
        let meanY = ys.reduce(0, +) / n
        var covariance = 0.0
        var variance = 0.0
        for (x, y) in zip(xs, ys) {
            covariance += (x - meanX) * (y - meanY)
            variance += (x - meanX) * (x - meanX)
        }
        guard variance > 0 else {
            self.slopePerDay = nil
            self.fittedLatest = nil
            self.daysUntilThreshold = nil
            return
        }
        let slope = covariance / variance
        let intercept = meanY - slope * meanX
        let lastX = Double(last.day - first.day) / 86_400_000
        let latest = intercept + slope * lastX
        self.slopePerDay = slope
        self.fittedLatest = latest
        if latest >= threshold {
            self.daysUntilThreshold = 0
        } else if slope > 0 {
            self.daysUntilThreshold = (threshold - latest) / slope
        } else {
            self.daysUntilThreshold = nil
        }
    }
}
