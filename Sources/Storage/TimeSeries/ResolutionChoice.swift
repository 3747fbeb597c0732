/// Picks the resolution a range query reads: pure, so it is tested without a database.
///
/// Step buckets are aligned to multiples of the step since the epoch (UTC), so a rollup level can
/// serve a query when its bucket width divides the step. Among the levels that can serve it — and,
/// for p95/p99, only raw samples or a level whose width equals the step, since percentiles do not
/// combine — the finest whose data is still retained over the range and that touches at most
/// `maxRows` rows per series wins; when none is that small, the coarsest that can serve it.
public struct ResolutionChoice: Sendable, Hashable {
    /// The most rows per series a query should touch.
    public var maxRows: Int
    /// The expected spacing of raw samples, to estimate how many a range holds (the poll interval).
    public var rawSampleInterval: Int64
    /// For each resolution, the oldest time it still holds data for (now − its retention); absent
    /// means forever.
    public var retainedSince: [TimeSeriesResolution: Int64]

    /// Creates a chooser.
    public init(maxRows: Int, rawSampleInterval: Int64 = 60_000, retainedSince: [TimeSeriesResolution: Int64] = [:]) {
        self.maxRows = max(1, maxRows)
        self.rawSampleInterval = max(1, rawSampleInterval)
        self.retainedSince = retainedSince
    }

    /// True when `resolution` can answer `aggregations` at `step` (ms).
    public static func canServe(
        _ resolution: TimeSeriesResolution,
        step: Int64,
        aggregations: [TimeSeriesAggregation]
    ) -> Bool {
        guard let width = resolution.bucketMilliseconds else { return true }
        guard step % width == 0 else { return false }
        return !aggregations.contains(where: \.isPercentile) || step == width
    }

    /// The resolution to read for buckets of `step` ms over `[from, to)`.
    public func choose(
        from: Int64,
        to: Int64,
        step: Int64,
        aggregations: [TimeSeriesAggregation]
    ) -> TimeSeriesResolution {
        let span = max(0, to - from)
        let servable = TimeSeriesResolution.allCases.filter {
            Self.canServe($0, step: step, aggregations: aggregations)
        }
        let retained = servable.filter { self.retainedSince[$0].map { $0 <= from } ?? true }
        let candidates = retained.isEmpty ? servable : retained
        for resolution in candidates where self.rows(resolution, span: span) <= Int64(self.maxRows) {
            return resolution
        }
        return candidates.last ?? .raw
    }

    /// The rows per series `resolution` holds over `span` ms (estimated for raw samples).
    public func rows(_ resolution: TimeSeriesResolution, span: Int64) -> Int64 {
        let width = resolution.bucketMilliseconds ?? self.rawSampleInterval
        return (span + width - 1) / width
    }
}
