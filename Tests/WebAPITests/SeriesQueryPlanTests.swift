import Storage
import Testing

@testable import WebAPI

/// The step and resolution the API asks the engine for: never more than `max_query_rows` rows.
@Suite("Series query plan")
struct SeriesQueryPlanTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_780_000_000_000
    /// The engine's chooser with the default configuration (4,000 rows; raw 14 d, 5m 400 d, 1h 1,825 d).
    static let choice = ResolutionChoice(
        maxRows: 4_000,
        retainedSince: [
            .raw: Self.now - 14 * Self.day, .fiveMinutes: Self.now - 400 * Self.day, .hour: Self.now - 1_825 * Self.day,
        ]
    )

    static func plan(
        span: Int64,
        step: Int64? = nil,
        _ aggregations: [TimeSeriesAggregation] = [.avg]
    ) throws
        -> SeriesQueryPlan
    {
        try SeriesQueryPlan.plan(
            step: step,
            from: Self.now - span,
            to: Self.now,
            aggregations: aggregations,
            choice: Self.choice
        )
    }

    @Test("an hour reads raw samples, a year daily rollups, and every plan stays within the row limit")
    func automatic() throws {
        #expect(try Self.plan(span: 3_600_000) == SeriesQueryPlan(step: 15_000, resolution: .raw))
        #expect(try Self.plan(span: Self.day).resolution == .raw)
        #expect(try Self.plan(span: 30 * Self.day) == SeriesQueryPlan(step: 10_800_000, resolution: .hour))
        #expect(try Self.plan(span: 365 * Self.day) == SeriesQueryPlan(step: 2 * Self.day, resolution: .day))
        #expect(try Self.plan(span: 30 * Self.day, [.p95]) == SeriesQueryPlan(step: Self.day, resolution: .day))
        #expect(try Self.plan(span: 366 * Self.day, [.p99]) == SeriesQueryPlan(step: Self.day, resolution: .day))
        for span in [60_000, 3_600_000, Self.day, 7 * Self.day, 30 * Self.day, 90 * Self.day, 366 * Self.day] {
            for aggregations in [[TimeSeriesAggregation.avg], [.p99], [.min, .max, .sum, .count]] {
                let plan = try Self.plan(span: span, aggregations)
                #expect(ResolutionChoice.canServe(plan.resolution, step: plan.step, aggregations: aggregations))
                let start = TimeSeriesResolution.floorTo(Self.now - span, plan.step)
                let end = TimeSeriesResolution.floorTo(Self.now - 1, plan.step) + plan.step
                #expect(Self.choice.rows(plan.resolution, span: end - start) <= 4_000, "\(span) \(aggregations)")
                #expect(span / plan.step <= SeriesQueryPlan.maxPoints)
            }
        }
    }

    @Test("an explicit step is kept when it fits, refused with a hint when it does not")
    func explicit() throws {
        #expect(try Self.plan(span: Self.day, step: 60_000) == SeriesQueryPlan(step: 60_000, resolution: .raw))
        #expect(try Self.plan(span: 30 * Self.day, step: 3_600_000, [.p95]).resolution == .hour)
        #expect(throws: APIError.self) { try Self.plan(span: 30 * Self.day, step: 60_000) }
        #expect(throws: APIError.self) { try Self.plan(span: 30 * Self.day, step: 7_200_000, [.p95]) }
        #expect(throws: APIError.self) { try Self.plan(span: Self.day, step: 1) }
    }

    @Test("aggregations and steps parse strictly")
    func parsing() throws {
        #expect(try SeriesQueryPlan.aggregations(nil) == [.avg])
        #expect(try SeriesQueryPlan.aggregations("p95,min,p95") == [.p95, .min])
        for bad in ["", "last", "avg,", "AVG", "avg;max", "' OR 1=1"] {
            #expect(throws: APIError.self, "\(bad)") { try SeriesQueryPlan.aggregations(bad) }
        }
        #expect(try SeriesQueryPlan.parseStep("5m") == 300_000)
        #expect(try SeriesQueryPlan.parseStep("250ms") == 250)
        #expect(try SeriesQueryPlan.parseStep("1d") == 86_400_000)
        #expect(try SeriesQueryPlan.parseStep("60000") == 60_000)
        for bad in ["0", "-5m", "5x", "m", "1.5h", "99999999999999999999"] {
            #expect(throws: APIError.self, "\(bad)") { try SeriesQueryPlan.parseStep(bad) }
        }
    }
}
