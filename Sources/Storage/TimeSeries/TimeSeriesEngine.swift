internal import GRDB
public import NetmonCore

/// The range-query entry point of netmond: reads series over a time range in buckets of a step,
/// from whichever resolution fits — raw samples (in `samples` or compressed chunks, decoded
/// transparently), 5-minute, hourly or daily rollups — and computes min/max/avg/sum/count/p95/p99.
///
/// The engine picks the finest resolution that can serve the step and aggregations, still holds
/// the range and touches at most `maxRows` rows per series (``ResolutionChoice``). Rollup buckets
/// not yet written by the maintenance service (the last hour or day) are computed from raw
/// samples on the fly with the same code, so results do not depend on where the data is: min,
/// max, count, p95 and p99 are identical whether read raw, compressed or rolled up; sum and avg
/// equal up to floating-point rounding (summation order differs). p95/p99 need a step equal to a
/// rollup width (5m, 1h, 1d) or raw samples.
public struct TimeSeriesEngine: Sendable {
    private let database: NetmonDatabase
    private let configuration: TimeSeriesConfiguration
    /// The largest time (and step) a query accepts, in ms (2^50, about the year 37,700).
    public static let timeLimit: Int64 = 1 << 50

    /// Creates an engine over `database`; `configuration` gives retention and `max_query_rows`.
    public init(database: NetmonDatabase, configuration: TimeSeriesConfiguration = .init()) {
        self.database = database
        self.configuration = configuration
    }

    /// The resolution chooser for a query made at `now` (epoch ms).
    public func resolutionChoice(now: Int64) -> ResolutionChoice {
        var retained: [TimeSeriesResolution: Int64] = [
            .raw: now - self.configuration.rawRetention.wholeMilliseconds,
            .fiveMinutes: now - self.configuration.fiveMinuteRetention.wholeMilliseconds,
            .hour: now - self.configuration.hourlyRetention.wholeMilliseconds,
        ]
        if let daily = self.configuration.dailyRetention {
            retained[.day] = now - daily.wholeMilliseconds
        }
        return ResolutionChoice(maxRows: self.configuration.maxQueryRows, retainedSince: retained)
    }

    /// Runs `query` at `now` (epoch ms; used to know which resolutions still hold the range).
    ///
    /// - Throws: ``TimeSeriesQueryError`` for an invalid query (empty range, step ≤ 0, a step that
    ///   the requested resolution cannot serve, too many buckets); ``SampleChunkError`` for a
    ///   corrupt chunk; database errors.
    public func query(_ query: TimeSeriesQuery, now: Int64) async throws -> TimeSeriesResponse {
        guard query.from < query.to else { throw TimeSeriesQueryError(message: "from must be before to") }
        guard query.step > 0 else { throw TimeSeriesQueryError(message: "step must be positive") }
        guard query.from >= -Self.timeLimit, query.to <= Self.timeLimit, query.step <= Self.timeLimit else {
            throw TimeSeriesQueryError(message: "times and step must be within ±\(Self.timeLimit) ms of the epoch")
        }
        guard !query.aggregations.isEmpty else { throw TimeSeriesQueryError(message: "no aggregation") }
        let from = TimeSeriesResolution.floor(query.from, to: query.step)
        let to = TimeSeriesResolution.floor(query.to - 1, to: query.step) + query.step
        guard (to - from) / query.step <= 1_000_000 else {
            throw TimeSeriesQueryError(message: "more than 1,000,000 buckets; use a larger step")
        }
        let resolution =
            query.resolution
            ?? self.resolutionChoice(now: now).choose(
                from: from,
                to: to,
                step: query.step,
                aggregations: query.aggregations
            )
        guard ResolutionChoice.canServe(resolution, step: query.step, aggregations: query.aggregations) else {
            throw TimeSeriesQueryError(
                message: "resolution \(resolution.rawValue) cannot serve step \(query.step) ms with "
                    + query.aggregations.map(\.rawValue).joined(separator: ",")
                    + " (the step must be a multiple of its width, and equal to it for p95/p99)"
            )
        }
        let results = try await self.database.pool.read { db in
            let watermark: Int64
            switch resolution {
            case .raw: watermark = from
            case .fiveMinutes, .hour:
                watermark = try TimeSeriesState.get(TimeSeriesState.rollupHour, db: db) ?? from
            case .day: watermark = try TimeSeriesState.get(TimeSeriesState.rollupDay, db: db) ?? from
            }
            return try query.seriesIDs.map { seriesID in
                let parts = try Self.parts(
                    seriesID: seriesID,
                    resolution: resolution,
                    step: query.step,
                    from: from,
                    to: to,
                    rolledUpUntil: watermark,
                    db: db
                )
                return TimeSeriesResult(
                    seriesID: seriesID,
                    points: Self.points(parts, step: query.step, aggregations: query.aggregations)
                )
            }
        }
        return TimeSeriesResponse(
            resolution: resolution,
            from: from,
            to: to,
            step: query.step,
            aggregations: query.aggregations,
            series: results
        )
    }

    /// The aggregates of one series at `resolution` over `[from, to)`, by bucket start: stored
    /// rollups before `rolledUpUntil`, computed from raw samples after it. For raw samples, one
    /// aggregate per step bucket straight from the samples.
    static func parts(
        seriesID: Int64,
        resolution: TimeSeriesResolution,
        step: Int64,
        from: Int64,
        to: Int64,
        rolledUpUntil: Int64,
        db: Database
    ) throws -> [(start: Int64, aggregate: RollupAggregate)] {
        guard let width = resolution.bucketMilliseconds else {
            let raw = try RawSampleReader.series(seriesID, from: from, to: to, db: db)
            return RollupTable.aggregates(raw, width: step, from: from, to: to)
        }
        let split = min(max(TimeSeriesResolution.floor(rolledUpUntil, to: width), from), to)
        var parts = try RollupTable.read(seriesID: seriesID, resolution: resolution, from: from, to: split, db: db)
        if split < to {
            let raw = try RawSampleReader.series(seriesID, from: split, to: to, db: db)
            parts += RollupTable.aggregates(raw, width: width, from: split, to: to)
        }
        return parts
    }

    /// Groups per-resolution aggregates into step buckets and evaluates the aggregations.
    static func points(
        _ parts: [(start: Int64, aggregate: RollupAggregate)],
        step: Int64,
        aggregations: [TimeSeriesAggregation]
    ) -> [TimeSeriesPoint] {
        var points: [TimeSeriesPoint] = []
        var index = parts.startIndex
        while index < parts.endIndex {
            let bucket = TimeSeriesResolution.floor(parts[index].start, to: step)
            var end = index
            while end < parts.endIndex, parts[end].start < bucket + step {
                end += 1
            }
            if let combined = RollupAggregate.combine(parts[index..<end].map(\.aggregate)) {
                points.append(
                    TimeSeriesPoint(
                        timestamp: bucket,
                        count: combined.count,
                        values: aggregations.map { combined.value(of: $0) }
                    )
                )
            }
            index = end
        }
        return points
    }
}
