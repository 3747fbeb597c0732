import Storage

/// How a series request becomes a ``TimeSeriesQuery``: the aggregation functions, and a step that
/// the engine can answer from at most `max_query_rows` rows per series. Pure, tested alone.
///
/// Without `step`, the step is the first of ``ladder`` at or above range/300 whose resolution
/// (the engine's ``ResolutionChoice``) stays within the row limit: an hour reads raw samples, a
/// year reads daily rollups. An explicit `step` is kept if it stays within the limit, else
/// refused with the smallest step that would. Percentiles only combine within one rollup width, so
/// for them a step finer than range/300 may be chosen (a year of p95: daily).
struct SeriesQueryPlan: Sendable, Hashable {
    /// The bucket width, ms.
    var step: Int64
    /// The resolution the engine reads.
    var resolution: TimeSeriesResolution

    /// Points per series an answer aims at without an explicit step.
    static let defaultPoints: Int64 = 300
    /// The most points (buckets) per series an answer may hold.
    static let maxPoints: Int64 = 10_000
    /// The most aggregations one call may ask for.
    static let maxAggregations = 7

    /// The steps tried without an explicit one, ms: 1 s … 28 d.
    static let ladder: [Int64] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 172_800,
        604_800, 1_209_600, 2_419_200,
    ].map { $0 * 1000 }

    /// Parses `agg`: one or several of min, max, avg, sum, count, p95, p99, comma-separated
    /// (default avg).
    static func aggregations(_ text: String?) throws -> [TimeSeriesAggregation] {
        guard let text else { return [.avg] }
        var result: [TimeSeriesAggregation] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let aggregation = TimeSeriesAggregation(rawValue: String(part)) else {
                throw APIError.invalidParameter(
                    "agg",
                    "must be one or more of \(Self.aggregationNames), comma-separated"
                )
            }
            if !result.contains(aggregation) { result.append(aggregation) }
        }
        guard result.count <= Self.maxAggregations else {
            throw APIError.invalidParameter("agg", "at most \(Self.maxAggregations) functions")
        }
        return result
    }

    static let aggregationNames = TimeSeriesAggregation.allCases.map(\.rawValue).joined(separator: ", ")

    /// Parses `step`: milliseconds, or a duration like 30s, 5m, 1h, 1d; nil when absent.
    static func parseStep(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        if let number = Int64(text), number > 0, number <= TimeSeriesEngine.timeLimit { return number }
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            // "5ms" also ends in "s": only an all-digit prefix counts.
            if let number = Int64(digits), number > 0, number < 1_000_000 {
                return number * factor
            }
        }
        throw APIError.invalidParameter("step", "must be milliseconds or a duration like 30s, 5m, 1h, 1d")
    }

    /// Chooses the step and resolution for `[from, to)`.
    static func plan(
        step requested: Int64?,
        from: Int64,
        to: Int64,
        aggregations: [TimeSeriesAggregation],
        choice: ResolutionChoice
    ) throws -> SeriesQueryPlan {
        let span = to - from
        let minimum = max(1000, (span + Self.maxPoints - 1) / Self.maxPoints)
        /// The resolution that serves `step` within the row limit, or nil.
        func fit(_ step: Int64) -> TimeSeriesResolution? {
            guard step >= minimum else { return nil }
            let start = TimeSeriesResolution.floorTo(from, step)
            let end = TimeSeriesResolution.floorTo(to - 1, step) + step
            let resolution = choice.choose(from: start, to: end, step: step, aggregations: aggregations)
            guard ResolutionChoice.canServe(resolution, step: step, aggregations: aggregations),
                choice.rows(resolution, span: end - start) <= Int64(choice.maxRows)
            else { return nil }
            return resolution
        }
        /// The first step at or above `target` that fits: the ladder, then whole days.
        func firstFit(atLeast target: Int64) -> SeriesQueryPlan? {
            for step in Self.ladder where step >= target {
                if let resolution = fit(step) { return SeriesQueryPlan(step: step, resolution: resolution) }
            }
            let day: Int64 = 86_400_000
            var days = max(1, (target + day - 1) / day)
            while days * day <= max(span, day) * 2 {
                if let resolution = fit(days * day) { return SeriesQueryPlan(step: days * day, resolution: resolution) }
                days += days < 28 ? 1 : days / 4
            }
            // Percentiles need a step equal to a rollup's width: a finer one than aimed at.
            for step in Self.ladder.reversed() where step < target {
                if let resolution = fit(step) { return SeriesQueryPlan(step: step, resolution: resolution) }
            }
            return nil
        }
        if let requested {
            guard requested >= minimum else {
                throw APIError.invalidParameter(
                    "step",
                    "must be at least \(minimum) ms for this range (\(Self.maxPoints) points per series)"
                )
            }
            if let resolution = fit(requested) { return SeriesQueryPlan(step: requested, resolution: resolution) }
            let hint = firstFit(atLeast: requested).map { "; use \($0.step) ms or more" } ?? ""
            throw APIError.invalidParameter(
                "step",
                "\(requested) ms over this range would read more than \(choice.maxRows) rows per series "
                    + "(rollups serve multiples of 5m, 1h and 1d, and p95/p99 exactly those widths)\(hint)"
            )
        }
        guard let plan = firstFit(atLeast: max(minimum, span / Self.defaultPoints)) else {
            throw APIError.invalidParameter("step", "no step serves this range within \(choice.maxRows) rows")
        }
        return plan
    }
}

extension TimeSeriesResolution {
    /// The start of the bucket of width `width` that holds `timestamp` (floor, also for negatives).
    static func floorTo(_ timestamp: Int64, _ width: Int64) -> Int64 {
        let remainder = timestamp % width
        return remainder < 0 ? timestamp - remainder - width : timestamp - remainder
    }
}
