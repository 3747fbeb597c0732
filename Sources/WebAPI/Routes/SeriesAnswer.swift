import Hummingbird
import Storage

/// Renders a ``TimeSeriesResponse`` as the API's `SeriesSet`: JSON, or CSV with the same values.
///
/// JSON: `{"from","to","step","resolution","aggregations":[...],"series":[{"id","name","unit",
/// "points":[[ts, v1, v2, ...]],"stats"}]}` — one value per aggregation, in the order asked, null
/// where unknown. CSV: `id,name,unit,ts,<aggregation>...`, one row per point, the same numbers.
enum SeriesAnswer {
    /// What the API shows of one series of the response.
    struct Label: Sendable {
        var id: Int64
        var name: String
        var unit: String
        /// Multiplies every value but counts (bytes/s → bit/s).
        var scale: Double = 1
    }

    static func render(
        _ response: TimeSeriesResponse,
        labels: [Label],
        request: Request
    ) throws -> Response {
        let aggregations = response.aggregations
        let scales: [Double?] = aggregations.map { $0 == .count ? 1 : nil }
        var series: [JSONValue] = []
        for (result, label) in zip(response.series, labels) {
            let points = result.points.map { point -> [Double?] in
                zip(point.values, scales).map { value, fixed in value.map { $0 * (fixed ?? label.scale) } }
            }
            series.append(
                .object([
                    ("id", .int(label.id)),
                    ("name", .string(label.name)),
                    ("unit", .string(label.unit)),
                    (
                        "points",
                        .array(
                            zip(result.points, points).map { point, values in
                                .array([JSONValue.int(point.timestamp)] + values.map { JSONValue.double($0) })
                            }
                        )
                    ),
                    ("stats", Self.stats(points.compactMap { $0.first ?? nil })),
                ])
            )
        }
        if try APIResponse.wantsCSV(request) {
            return APIResponse.csv(Self.csv(series, aggregations: aggregations), name: "series")
        }
        return APIResponse.json(
            .object([
                ("from", .int(response.from)),
                ("to", .int(response.to)),
                ("step", .int(response.step)),
                ("resolution", .string(response.resolution.rawValue)),
                ("aggregations", .array(aggregations.map { .string($0.rawValue) })),
                ("series", .array(series)),
            ])
        )
    }

    /// min, avg, max and nearest-rank p95 of the first aggregation's values over the points.
    static func stats(_ values: [Double]) -> JSONValue {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else {
            return .object([("min", .null), ("avg", .null), ("max", .null), ("p95", .null)])
        }
        let sorted = finite.sorted()
        return .object([
            ("min", .double(sorted.first)),
            ("avg", .double(finite.reduce(0, +) / Double(finite.count))),
            ("max", .double(sorted.last)),
            ("p95", .double(Percentile.nearestRank(sorted, percent: 95))),
        ])
    }

    /// The CSV of rendered series: `id,name,unit,ts` then one column per aggregation.
    static func csv(_ series: [JSONValue], aggregations: [TimeSeriesAggregation]) -> String {
        let names = aggregations.map(\.rawValue)
        var rows: [JSONValue] = []
        for entry in series {
            guard case .array(let points)? = entry["points"] else { continue }
            for point in points {
                guard case .array(let values) = point, values.count == names.count + 1 else { continue }
                let head: [(String, JSONValue)] = [
                    ("id", entry["id"] ?? .null), ("name", entry["name"] ?? .null),
                    ("unit", entry["unit"] ?? .null), ("ts", values[0]),
                ]
                let tail: [(String, JSONValue)] = zip(names, values.dropFirst()).map { ($0, $1) }
                rows.append(.object(head + tail))
            }
        }
        if rows.isEmpty { return (["id", "name", "unit", "ts"] + names).joined(separator: ",") + "\r\n" }
        return CSVRenderer.render(rows)
    }
}
