import NetmonCore

/// How the samples of one step are combined into one point.
public enum SeriesAggregation: String, Sendable, Hashable, CaseIterable {
    case avg
    case min
    case max
    case sum
    case last
}

/// One point of a series read: the start of its step (UTC epoch ms) and the aggregated value.
public struct SeriesPoint: Sendable, Hashable {
    public var time: Int64
    public var value: Double

    public init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }
}

/// The one function that answers "series S from A to B at step T with aggregation G". Today it
/// reads raw samples through ``SampleStore`` and buckets them; the rollup engine slots under it
/// (answering long ranges from rollups) without any caller changing.
public struct SeriesRangeReader: Sendable {
    private let samples: SampleStore

    public init(database: NetmonDatabase) {
        self.samples = SampleStore(database: database)
    }

    /// Points of `seriesID` in `[from, to)`, one per non-empty step of `step` ms (aligned to
    /// multiples of `step`), oldest first; NaN samples are skipped. Reads at most `maxSamples`.
    public func range(
        seriesID: Int64,
        from: Int64,
        to: Int64,
        step: Int64,
        aggregation: SeriesAggregation,
        maxSamples: Int = 200_000
    ) async throws -> [SeriesPoint] {
        let raw = try await self.samples.samples(seriesID: seriesID, from: from, to: to, limit: maxSamples)
        return Self.bucket(raw, step: max(1, step), aggregation: aggregation)
    }

    /// Buckets time-ordered samples (pure: tested alone).
    static func bucket(_ samples: [Sample], step: Int64, aggregation: SeriesAggregation) -> [SeriesPoint] {
        var points: [SeriesPoint] = []
        var bucketStart: Int64?
        var count = 0
        var accumulator = 0.0
        func flush() {
            guard let start = bucketStart, count > 0 else { return }
            points.append(
                SeriesPoint(time: start, value: aggregation == .avg ? accumulator / Double(count) : accumulator)
            )
        }
        for sample in samples where !sample.value.isNaN {
            let start = sample.timestamp - ((sample.timestamp % step) + step) % step
            if start != bucketStart {
                flush()
                bucketStart = start
                count = 0
                accumulator = 0
            }
            switch aggregation {
            case .avg, .sum: accumulator += sample.value
            case .min: accumulator = count == 0 ? sample.value : Swift.min(accumulator, sample.value)
            case .max: accumulator = count == 0 ? sample.value : Swift.max(accumulator, sample.value)
            case .last: accumulator = sample.value
            }
            count += 1
        }
        flush()
        return points
    }
}
