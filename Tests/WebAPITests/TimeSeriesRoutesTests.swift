import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetmonCore
import Storage
import Testing

@testable import WebAPI

/// The time-series API: series through the engine, billing, capacity and custom metric ingestion.
@Suite("API time series: engine-backed series, billing, capacity, ingestion")
struct TimeSeriesRoutesTests {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// Writes a series of one sample a minute over `[from, to)` (a sawtooth with a daily trend),
    /// with its `series_latest` row.
    static func writeMinutes(
        _ seriesID: Int64,
        from: Int64,
        to: Int64,
        database: NetmonDatabase,
        value: @escaping @Sendable (Int64) -> Double
    ) async throws {
        try await database.pool.write { db in
            var ts = from
            while ts < to {
                try db.execute(
                    sql: "INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)",
                    arguments: [seriesID, ts, value(ts)]
                )
                ts += Self.minute
            }
            try db.execute(
                sql: """
                    INSERT INTO series_latest (series_id, first_ts, ts, value) VALUES (?, ?, ?, ?)
                    ON CONFLICT (series_id) DO UPDATE SET first_ts = min(first_ts, excluded.first_ts)
                    """,
                arguments: [seriesID, from, ts - Self.minute, value(ts - Self.minute)]
            )
        }
    }

    /// A JSON body as an object.
    static func object(_ buffer: ByteBuffer) -> [String: Any] { jsonObject(buffer) ?? [:] }

    /// The `points` of each series of a SeriesSet, as optional doubles (`[ts, v...]`).
    static func points(_ body: [String: Any]) -> [[[Double?]]] {
        ((body["series"] as? [[String: Any]]) ?? []).map { entry in
            ((entry["points"] as? [[Any]]) ?? []).map { point in point.map { ($0 as? NSNumber)?.doubleValue } }
        }
    }

    static func engineAnswer(_ response: TimeSeriesResponse) -> [[[Double?]]] {
        response.series.map { result in
            result.points.map { [Double($0.timestamp)] + $0.values }
        }
    }

    @Test("the series endpoint answers what the engine answers, over raw, compressed and rolled-up data")
    func seriesMatchesEngine() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let now = AuthService.now()
        let start = TimeSeriesResolution.floorTo(now, Self.day) - 3 * Self.day
        let registry = SeriesRegistry(database: harness.database)
        var created: [Int64] = []
        for metric in ["custom_span_a", "custom_span_b"] {
            created.append(
                try await registry.seriesID(
                    for: SeriesKey(deviceID: harness.deviceID, metric: metric, unit: "B/s", kind: .gauge)
                )
            )
        }
        let ids = created
        for (index, id) in ids.enumerated() {
            try await Self.writeMinutes(id, from: start, to: now - Self.minute, database: harness.database) { ts in
                Double((ts / Self.minute) % 97) * 10.5 + Double(index) * 1000 + Double(ts - start) / 1e6
            }
        }
        let maintenance = TimeSeriesMaintenance(
            database: harness.database,
            configuration: TimeSeriesConfiguration(compressAfter: .seconds(86_400), rollupDelay: .zero),
            logger: APIHarness.quietLogger
        ) { now }
        while try await maintenance.runPass() {}
        let (chunks, rollups) = try await harness.database.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sample_chunks") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM rollups") ?? 0
            )
        }
        #expect(chunks >= 2)  // days 0 and 1 of both series are packed
        #expect(rollups > 1000)

        let engine = TimeSeriesEngine(database: harness.database)
        let idList = ids.map(String.init).joined(separator: ",")
        // (from, to, step, agg, expected resolution)
        let cases: [(Int64, Int64, String?, String, String)] = [
            (start, now, nil, "avg", "5m"),
            (start, now, "1h", "min,max,avg,sum,count,p95,p99", "1h"),
            (start, now, "1d", "p95,p99,max", "1d"),
            (now - Self.day, now, "5m", "p99,avg", "raw"),
            (now - Self.hour, now, nil, "avg,count", "raw"),
            (start + Self.hour / 2, now - 7 * Self.minute, "2h", "sum,min", "5m"),
        ]
        try await harness.test { client in
            for (from, to, step, agg, resolution) in cases {
                var uri = "/api/v1/series?ids=\(idList)&from=\(from)&to=\(to)&agg=\(agg)"
                if let step { uri += "&step=\(step)" }
                let body = try await client.execute(uri: uri, method: .get, headers: harness.headers(.viewer)) {
                    #expect($0.status == .ok, "\(uri): \(String(buffer: $0.body))")
                    return Self.object($0.body)
                }
                #expect(body["resolution"] as? String == resolution, "\(uri)")
                let aggregations = agg.split(separator: ",").compactMap { TimeSeriesAggregation(rawValue: String($0)) }
                let expected = try await engine.query(
                    TimeSeriesQuery(
                        seriesIDs: ids,
                        from: from,
                        to: to,
                        step: (body["step"] as? NSNumber)?.int64Value ?? 0,
                        aggregations: aggregations
                    ),
                    now: AuthService.now()
                )
                #expect(expected.resolution.rawValue == resolution)
                let answered = Self.points(body)
                let reference = Self.engineAnswer(expected)
                #expect(answered.map { $0.map(\.count) } == reference.map { $0.map(\.count) }, "\(uri)")
                #expect(
                    zip(answered.joined(), reference.joined()).allSatisfy { zip($0, $1).allSatisfy(nearlyEqual) },
                    "\(uri)"
                )
                #expect(answered.allSatisfy { !$0.isEmpty }, "\(uri)")
                // CSV: the same numbers, one row per point.
                let csv = try await client.execute(
                    uri: uri + "&format=csv",
                    method: .get,
                    headers: harness.headers(.viewer)
                ) { CSVParsing.rows(String(buffer: $0.body)) }
                #expect(csv.first == ["id", "name", "unit", "ts"] + aggregations.map(\.rawValue))
                let flat = zip(ids, reference).flatMap { id, points in
                    points.map { point in
                        ["\(id)", "\(Int64(point[0]!))"] + point.dropFirst().map { $0.map(JSONValue.format) ?? "" }
                    }
                }
                #expect(csv.dropFirst().map { [$0[0], $0[3]] + $0.dropFirst(4) } == flat, "\(uri)")
            }
            // Too fine a step for a long range is refused with the step that would do.
            try await client.execute(
                uri: "/api/v1/series?ids=\(idList)&from=\(start)&to=\(now)&step=60000",
                method: .get,
                headers: harness.headers(.viewer)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("use 300000 ms or more"))
            }
        }
    }

    @Test("interface series scale bytes to bits through the engine")
    func interfaceSeries() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let to = AuthService.now()
        let from = to - Self.hour
        let body = try await harness.test { client in
            try await client.execute(
                uri: "/api/v1/devices/\(harness.deviceID)/interfaces/\(harness.interfaceID)/series"
                    + "?metric=traffic&from=\(from)&to=\(to)&step=1m&agg=max,count",
                method: .get,
                headers: harness.headers(.viewer)
            ) { Self.object($0.body) }
        }
        let expected = try await TimeSeriesEngine(database: harness.database).query(
            TimeSeriesQuery(
                seriesIDs: Array(harness.seriesIDs[0...1]),
                from: from,
                to: to,
                step: Self.minute,
                aggregations: [.max, .count]
            ),
            now: to
        )
        let scaled = Self.engineAnswer(expected).map { points in
            points.map { [$0[0], $0[1].map { $0 * 8 }, $0[2]] }
        }
        #expect(Self.points(body) == scaled)
        #expect((scaled.first?.count ?? 0) >= 10)
        #expect(((body["series"] as? [[String: Any]])?.first?["unit"] as? String) == "bit/s")
    }

    @Test("billing answers the engine's report as JSON and as its CSV, scoped by organisation")
    func billing() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let to = AuthService.now()
        let from = to - 2 * Self.hour
        let expected = try await TrafficReports(database: harness.database).billing(
            subject: "transit",
            interfaceIDs: [harness.interfaceID],
            from: from,
            to: to,
            method: .sum,
            now: to
        )
        #expect(expected.billedBitsPerSecond != nil)
        #expect(expected.missingSamples > 0)
        let base =
            "/api/v1/reports/billing?interfaces=\(harness.interfaceID)&from=\(from)&to=\(to)&method=sum&name=transit"
        try await harness.test { client in
            let json = try await client.execute(uri: base, method: .get, headers: harness.headers(.keyViewer)) {
                #expect($0.status == .ok)
                return Self.object($0.body)
            }
            #expect(json["subject"] as? String == "transit")
            #expect(json["method"] as? String == "sum")
            #expect(nearlyEqual((json["billed_bps"] as? NSNumber)?.doubleValue, expected.billedBitsPerSecond))
            #expect((json["missing_samples"] as? Int) == expected.missingSamples)
            #expect((json["slots_in_period"] as? Int) == expected.slotsInPeriod)
            #expect(
                nearlyEqual(
                    (json["total_bytes"] as? NSNumber)?.doubleValue,
                    expected.inboundBytes + expected.outboundBytes
                )
            )
            let csv = try await client.execute(
                uri: base + "&format=csv",
                method: .get,
                headers: harness.headers(.viewer)
            ) {
                #expect($0.headers[.contentType]?.hasPrefix("text/csv") == true)
                return String(buffer: $0.body)
            }
            #expect(csv == expected.renderCSV())
            // CSV == JSON: the group row holds the JSON's numbers.
            let rows = CSVParsing.rows(csv)
            let group = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
            for (column, key) in [
                ("missing", "missing_samples"), ("in_p95_bps", "in_p95_bps"), ("out_p95_bps", "out_p95_bps"),
                ("max_p95_bps", "max_p95_bps"), ("sum_p95_bps", "sum_p95_bps"), ("billed_bps", "billed_bps"),
                ("in_bytes", "in_bytes"), ("out_bytes", "out_bytes"), ("from_ms", "from"), ("to_ms", "to"),
            ] {
                let number = (json[key] as? NSNumber)?.doubleValue
                #expect(nearlyEqual(group[column].flatMap { Double($0) }, number), "\(column)")
            }
            #expect(rows.count == 3)
            // A group of two ports; an interface of another organisation is not found.
            let second = try await harness.database.pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM interfaces WHERE id != ?", arguments: [harness.interfaceID])
            }!
            try await client.execute(
                uri: "/api/v1/reports/billing?interfaces=\(harness.interfaceID),\(second)&method=in",
                method: .get,
                headers: harness.headers(.viewer)
            ) {
                #expect($0.status == .ok)
                #expect((Self.object($0.body)["ports"] as? [Any])?.count == 2)
                #expect(Self.object($0.body)["subject"] as? String == "2 ports")
            }
            try await client.execute(uri: base, method: .get, headers: harness.headers(.otherAdmin)) {
                #expect($0.status == .notFound)
            }
            let port = "/api/v1/reports/billing?interfaces=\(harness.interfaceID)"
            for bad in ["&method=p95", "&from=\(to)&to=\(to)", "&from=\(to - 401 * Self.day)&to=\(to)", "&format=xml"] {
                try await client.execute(uri: port + bad, method: .get, headers: harness.headers(.viewer)) {
                    #expect($0.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test("capacity forecasts answer what the engine forecasts, as JSON and CSV")
    func capacity() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let now = AuthService.now()
        let today = TimeSeriesResolution.floorTo(now, Self.day)
        // Utilization rising 2 points a day over the last 10 days.
        try await Self.writeMinutes(
            harness.seriesIDs[4],
            from: today - 10 * Self.day,
            to: today - 2 * Self.hour,
            database: harness.database
        ) { ts in 30 + 2 * Double(ts - (today - 10 * Self.day)) / Double(Self.day) }
        let expected = try await TrafficReports(database: harness.database).capacity(
            interfaceID: harness.interfaceID,
            days: 30,
            threshold: 60,
            now: now
        )
        #expect(expected.days.count == 10)
        let uri = "/api/v1/reports/capacity?interfaces=\(harness.interfaceID)&days=30&threshold=60"
        try await harness.test { client in
            let json = try await client.execute(uri: uri, method: .get, headers: harness.headers(.viewer)) {
                #expect($0.status == .ok)
                return Self.object($0.body)
            }
            let item = (json["items"] as? [[String: Any]])?.first ?? [:]
            #expect(nearlyEqual((item["days_until_threshold"] as? NSNumber)?.doubleValue, expected.daysUntilThreshold))
            #expect(nearlyEqual((item["slope_percent_per_day"] as? NSNumber)?.doubleValue, expected.slopePerDay))
            #expect((item["threshold_percent"] as? NSNumber)?.doubleValue == 60)
            let days = (item["days"] as? [[String: Any]]) ?? []
            #expect(
                zip(days, expected.days).allSatisfy {
                    nearlyEqual(($0["p95_percent"] as? NSNumber)?.doubleValue, $1.p95Percent)
                }
            )
            #expect(days.count == expected.days.count)
            let rows = try await client.execute(
                uri: uri + "&format=csv",
                method: .get,
                headers: harness.headers(.viewer)
            ) { CSVParsing.rows(String(buffer: $0.body)) }
            #expect(rows.count == 11)
            let header = rows.first ?? []
            for (row, day) in zip(rows.dropFirst(), days) {
                let cells = Dictionary(uniqueKeysWithValues: zip(header, row))
                #expect(cells["day"] == "\(day["day"]!)")
                #expect(
                    nearlyEqual(
                        cells["p95_percent"].flatMap { Double($0) },
                        (day["p95_percent"] as? NSNumber)?.doubleValue
                    )
                )
                #expect(
                    nearlyEqual(cells["days_until_threshold"].flatMap { Double($0) }, expected.daysUntilThreshold)
                )
            }
            // Default threshold: the configuration's 80 %.
            try await client.execute(
                uri: "/api/v1/reports/capacity?interfaces=\(harness.interfaceID)",
                method: .get,
                headers: harness.headers(.viewer)
            ) {
                let item = (Self.object($0.body)["items"] as? [[String: Any]])?.first
                #expect((item?["threshold_percent"] as? NSNumber)?.doubleValue == 80)
            }
        }
    }
}
