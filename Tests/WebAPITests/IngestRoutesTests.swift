import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetmonCore
import Storage
import Testing

@testable import WebAPI

/// `POST /api/v1/series/ingest`: custom metrics through the real sample writer, read back through
/// the series endpoint; validation, limits, scope and back-pressure.
@Suite("API custom metric ingestion")
struct IngestRoutesTests {
    /// A router over the harness's database whose ingestion uses `writer` (nil: none).
    static func router(_ harness: APIHarness, writer: SampleWriter?) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        WebAPIServer.registerAPI(
            .init(
                database: harness.database,
                auth: harness.auth,
                snmp: SNMPConfiguration(),
                http: HTTPConfiguration(),
                onDeviceChange: { _ in },
                sampleWriter: writer
            ),
            on: router
        )
        return router
    }

    static func body(_ series: [String]) -> ByteBuffer {
        ByteBuffer(string: #"{"series":[\#(series.joined(separator: ","))]}"#)
    }

    static func series(_ device: Int64, _ metric: String, _ samples: [(Int64, String)], extra: String = "") -> String {
        let points = samples.map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
        return #"{"device_id":\#(device),"metric":"\#(metric)"\#(extra),"samples":[\#(points)]}"#
    }

    /// 40 samples of `custom_load`, `offset` ms apart from another batch's.
    static func load(_ device: Int64, now: Int64, offset: Int64) -> ByteBuffer {
        Self.body([Self.series(device, "custom_load", (0..<40).map { (now - offset - Int64($0), "1") })])
    }

    @Test("samples ingested over HTTP are written by the sample writer and read back through the series endpoint")
    func ingestAndReadBack() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let writer = SampleWriter(
            database: harness.database,
            configuration: StorageConfiguration(path: harness.database.path, flushInterval: .milliseconds(20)),
            logger: APIHarness.quietLogger
        )
        let router = Self.router(harness, writer: writer)
        let now = AuthService.now()
        let start = now - 1_200_000 - now % 10_000
        let temperatures = (0..<120).map { (start + Int64($0) * 10_000, Double($0) * 0.25 - 5) }
        let depths = (0..<60).map { (start + Int64($0) * 20_000, Double($0 * $0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            let app = Application(router: router, logger: APIHarness.quietLogger)
            try await app.test(.router) { client in
                let ids = try await client.execute(
                    uri: "/api/v1/series/ingest",
                    method: .post,
                    headers: harness.headers(.keyEditor, json: true),
                    body: Self.body([
                        Self.series(
                            harness.deviceID,
                            "custom_temperature",
                            temperatures.map { ($0.0, "\($0.1)") },
                            extra: #","unit":"celsius","instance":"inlet""#
                        ),
                        Self.series(
                            harness.deviceID,
                            "custom_queue_depth",
                            depths.map { ($0.0, "\($0.1)") },
                            extra: #","interface_id":\#(harness.interfaceID),"kind":"gauge""#
                        ),
                    ])
                ) { response -> [Int64] in
                    #expect(response.status == .accepted, "\(String(buffer: response.body))")
                    let body = jsonObject(response.body) ?? [:]
                    #expect(body["accepted"] as? Int == 180)
                    return ((body["series"] as? [[String: Any]]) ?? []).compactMap {
                        ($0["id"] as? NSNumber)?.int64Value
                    }
                }
                #expect(ids.count == 2)
                // The writer commits within its flush interval.
                let deadline = ContinuousClock.now + .seconds(20)
                while writer.statistics.written < 180, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(writer.statistics.written == 180)
                let uri = "/api/v1/series?ids=\(ids[0]),\(ids[1])&from=\(start)&to=\(now)&step=10s&agg=max,count"
                let body = try await client.execute(uri: uri, method: .get, headers: harness.headers(.viewer)) {
                    #expect($0.status == .ok)
                    return jsonObject($0.body) ?? [:]
                }
                let series = (body["series"] as? [[String: Any]]) ?? []
                #expect(series.first?["unit"] as? String == "celsius")
                #expect((series.first?["name"] as? String)?.contains("custom_temperature inlet") == true)
                let read = series.map { entry in
                    ((entry["points"] as? [[NSNumber]]) ?? []).map {
                        ($0[0].int64Value, $0[1].doubleValue, $0[2].intValue)
                    }
                }
                #expect(read.count == 2)
                #expect(read[0].map { "\($0.0) \($0.1)" } == temperatures.map { "\($0.0) \($0.1)" })
                #expect(read[1].map { "\($0.0) \($0.1)" } == depths.map { "\($0.0) \($0.1)" })
                #expect(read.joined().allSatisfy { $0.2 == 1 })
                // The series are the device's (and interface's): visible in its organisation only.
                try await client.execute(
                    uri: "/api/v1/series?ids=\(ids[0])",
                    method: .get,
                    headers: harness.headers(.otherAdmin)
                ) { #expect($0.status == .notFound) }
            }
            group.cancelAll()
        }
    }

    @Test("bad batches get 400/404/409/413 with a clear message and write nothing")
    func validation() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let now = AuthService.now()
        let device = harness.deviceID
        let ok = [(now - 1000, "1")]
        let many = (0..<10_001).map { (now - 60_000 + Int64($0), "1") }
        let cases: [(String, ByteBuffer, Int, String)] = [
            ("not JSON", ByteBuffer(string: "{"), 400, "JSON"),
            ("no series", ByteBuffer(string: #"{"series":[]}"#), 400, "1 to 100 series"),
            ("polled name", Self.body([Self.series(device, "if_in_octets", ok)]), 400, "custom_"),
            ("upper case", Self.body([Self.series(device, "custom_Temp", ok)]), 400, "custom_"),
            (
                "SQL in the name", Self.body([Self.series(device, "custom_x'; DROP TABLE samples; --", ok)]), 400,
                "custom_"
            ),
            ("infinite value", Self.body([Self.series(device, "custom_x", [(now, "1e999")])]), 400, "finite"),
            ("null value", Self.body([Self.series(device, "custom_x", [(now, "null")])]), 400, "finite"),
            ("string value", Self.body([Self.series(device, "custom_x", [(now, "\"NaN\"")])]), 400, "finite"),
            (
                "fractional time",
                Self.body([
                    Self.series(device, "custom_x", [(now, "1")]).replacingOccurrences(
                        of: "[\(now),",
                        with: "[\(now).5,"
                    )
                ]), 400, "integer timestamp_ms"
            ),
            ("too old", Self.body([Self.series(device, "custom_x", [(now - 2 * 86_400_000, "1")])]), 400, "window"),
            ("future", Self.body([Self.series(device, "custom_x", [(now + 600_000, "1")])]), 400, "window"),
            ("twice", Self.body([Self.series(device, "custom_x", [(now - 5, "1"), (now - 5, "2")])]), 400, "twice"),
            ("too many", Self.body([Self.series(device, "custom_x", many)]), 400, "10000 samples"),
            (
                "bad kind", Self.body([Self.series(device, "custom_x", ok, extra: #","kind":"histogram""#)]), 400,
                "kind"
            ),
            (
                "long unit",
                Self.body([
                    Self.series(device, "custom_x", ok, extra: #","unit":"\#(String(repeating: "u", count: 17))""#)
                ]),
                400, "unit"
            ),
            (
                "repeated series",
                Self.body([Self.series(device, "custom_x", ok), Self.series(device, "custom_x", ok)]),
                400, "repeats"
            ),
            ("other organisation", Self.body([Self.series(harness.otherDeviceID, "custom_x", ok)]), 404, "no device"),
            ("unknown device", Self.body([Self.series(999_999, "custom_x", ok)]), 404, "no device"),
            (
                "interface of another device",
                Self.body([
                    Self.series(
                        harness.otherDeviceID - 1,
                        "custom_x",
                        ok,
                        extra: #","interface_id":\#(harness.interfaceID)"#
                    )
                ]),
                404, "no interface"
            ),
            (
                "over 1 MiB",
                ByteBuffer(string: #"{"series":[],"pad":""# + String(repeating: "x", count: 1_100_000) + "\"}"), 413,
                "1 MiB"
            ),
        ]
        let samplesBefore = try await harness.count("samples")
        let seriesBefore = try await harness.count("series")
        try await harness.test { client in
            for (name, body, status, message) in cases {
                try await client.execute(
                    uri: "/api/v1/series/ingest",
                    method: .post,
                    headers: harness.headers(.editor, json: true),
                    body: body
                ) { response in
                    let text = String(buffer: response.body)
                    #expect(Int(response.status.code) == status, "\(name): \(text)")
                    #expect(text.contains(message), "\(name): \(text)")
                }
            }
            // Metacharacters in labels are data: stored as given.
            try await client.execute(
                uri: "/api/v1/series/ingest",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: Self.body([
                    Self.series(
                        device,
                        "custom_labels",
                        ok,
                        extra: #","instance":"'); DROP TABLE series; --","unit":"' OR 1=1""#
                    )
                ])
            ) { #expect($0.status == .accepted) }
            // The same series with another unit conflicts.
            try await client.execute(
                uri: "/api/v1/series/ingest",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: Self.body([
                    Self.series(
                        device,
                        "custom_labels",
                        ok,
                        extra: #","instance":"'); DROP TABLE series; --","unit":"W""#
                    )
                ])
            ) {
                #expect($0.status == .conflict)
                #expect(String(buffer: $0.body).contains("another unit"))
            }
        }
        #expect(try await harness.count("samples") == samplesBefore)
        #expect(try await harness.count("series") == seriesBefore + 1)
        let instance = try await harness.database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT instance FROM series WHERE metric = 'custom_labels'")
        }
        #expect(instance == "'); DROP TABLE series; --")
    }

    @Test("a batch beyond the writer queue's room gets 429 with Retry-After; without a writer, 503")
    func backPressure() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        // Not running: accepted samples stay queued. The API may fill half of the 100 places.
        let writer = SampleWriter(
            database: harness.database,
            configuration: StorageConfiguration(path: harness.database.path, queueCapacity: 100),
            logger: APIHarness.quietLogger
        )
        let now = AuthService.now()
        let device = harness.deviceID
        let app = Application(router: Self.router(harness, writer: writer), logger: APIHarness.quietLogger)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/series/ingest",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: Self.load(device, now: now, offset: 0)
            ) { #expect($0.status == .accepted) }
            try await client.execute(
                uri: "/api/v1/series/ingest",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: Self.load(device, now: now, offset: 100)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                #expect(String(buffer: response.body).contains("room for 10 more samples"))
            }
        }
        #expect(writer.statistics.queueDepth == 40)
        let none = Application(router: Self.router(harness, writer: nil), logger: APIHarness.quietLogger)
        try await none.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/series/ingest",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: Self.load(device, now: now, offset: 0)
            ) { #expect($0.status == .serviceUnavailable) }
        }
    }
}
