import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing

@testable import WebAPI

/// Authentication keeps users and API keys per account version, and series answers are kept per
/// series-data version: a change must show on the very next request, never after a delay.
@Suite("account lookups and series answers are cached, and every change shows at once")
struct AnswerCacheInvalidationTests {
    static func get(
        _ client: some TestClientProtocol,
        _ uri: String,
        _ headers: HTTPFields
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: uri, method: .get, headers: headers) { response in
            UncheckedBox(value: (response.status, jsonObject(response.body) ?? [:]))
        }.value
    }

    @Test("disabling a user, changing a role and revoking a key take effect on the next request")
    func accountChanges() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            // Warm the cache for the viewer, the editor and the editor's API key.
            for _ in 0..<3 {
                #expect(try await Self.get(client, "/api/v1/auth/me", harness.headers(.viewer)).0 == .ok)
                #expect(
                    try await Self.get(client, "/api/v1/auth/me", harness.headers(.editor)).1["role"] as? String
                        == "editor"
                )
                #expect(try await Self.get(client, "/api/v1/auth/me", harness.headers(.keyEditor)).0 == .ok)
            }

            try await client.execute(
                uri: "/api/v1/users/\(harness.users[.viewer]!)",
                method: .patch,
                headers: harness.headers(.admin, json: true),
                body: ByteBuffer(string: #"{"disabled":true}"#)
            ) { #expect($0.status == .ok) }
            #expect(try await Self.get(client, "/api/v1/auth/me", harness.headers(.viewer)).0 == .unauthorized)

            try await client.execute(
                uri: "/api/v1/users/\(harness.users[.editor]!)",
                method: .patch,
                headers: harness.headers(.admin, json: true),
                body: ByteBuffer(string: #"{"role":"viewer"}"#)
            ) { #expect($0.status == .ok) }
            #expect(
                try await Self.get(client, "/api/v1/auth/me", harness.headers(.editor)).1["role"] as? String == "viewer"
            )

            let keys =
                try await Self.get(client, "/api/v1/api-keys", harness.headers(.admin)).1["items"] as? [[String: Any]]
            let editorKey = try #require(keys?.first { $0["name"] as? String == "key editor" }?["id"] as? Int)
            try await client.execute(
                uri: "/api/v1/api-keys/\(editorKey)",
                method: .delete,
                headers: harness.headers(.admin)
            ) {
                #expect($0.status == .noContent)
            }
            #expect(try await Self.get(client, "/api/v1/auth/me", harness.headers(.keyEditor)).0 == .unauthorized)
            #expect(try await Self.get(client, "/api/v1/auth/me", harness.headers(.keyViewer)).0 == .ok)
        }
    }

    @Test("a sample written after a series answer shows in the next answer")
    func seriesChanges() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let minute: Int64 = 60_000
        let now = AuthService.now() / minute * minute
        let id = try await SeriesRegistry(database: harness.database).seriesID(
            for: SeriesKey(deviceID: harness.deviceID, metric: "custom_cache_probe", unit: "B/s", kind: .gauge)
        )
        try await TimeSeriesRoutesTests.writeMinutes(
            id,
            from: now - 30 * minute,
            to: now - 10 * minute,
            database: harness.database
        ) {
            _ in 1
        }
        let uri = "/api/v1/series?ids=\(id)&from=\(now - 30 * minute)&to=\(now)&step=60000&agg=max"
        try await harness.test { client in
            func maximum() async throws -> Double? {
                let body = try await Self.get(client, uri, harness.headers(.viewer)).1
                return TimeSeriesRoutesTests.points(body).first?.compactMap { $0.last ?? nil }.max()
            }
            #expect(try await maximum() == 1)
            #expect(try await maximum() == 1)
            // As the sample writer does: the sample and the series' latest point.
            try await harness.database.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO samples (series_id, ts, value) VALUES (?, ?, 42)",
                    arguments: [id, now - 5 * minute]
                )
                try db.execute(
                    sql: "UPDATE series_latest SET ts = ?, value = 42 WHERE series_id = ?",
                    arguments: [now - 5 * minute, id]
                )
            }
            #expect(try await maximum() == 42)
        }
    }
}
