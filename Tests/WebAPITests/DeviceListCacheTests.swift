import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing

@testable import WebAPI

/// Device lists are served from encoded answers per query, organisation and inventory version:
/// every write that changes a list must show on the very next request.
@Suite("device list cache")
struct DeviceListCacheTests {
    @Test("a change to a device, its status or its interfaces shows on the next request")
    func invalidation() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let id = harness.deviceID
        try await harness.test { client in
            func device(_ caller: Caller = .viewer) async throws -> [String: Any]? {
                try await client.execute(uri: "/api/v1/devices", method: .get, headers: harness.headers(caller)) {
                    response in
                    #expect(response.status == .ok)
                    let items = jsonObject(response.body)?["items"] as? [[String: Any]]
                    return UncheckedBox(value: items?.first { ($0["id"] as? Int).map(Int64.init) == id })
                }.value
            }
            let before = try #require(try await device())
            let interfaces = try #require(before["interface_count"] as? Int)
            #expect(try await device()?["name"] as? String == before["name"] as? String)

            // Through the API.
            try await client.execute(
                uri: "/api/v1/devices/\(id)",
                method: .patch,
                headers: harness.headers(.editor, json: true),
                body: ByteBuffer(string: #"{"name":"renamed-by-api"}"#)
            ) { #expect($0.status == .ok) }
            #expect(try await device()?["name"] as? String == "renamed-by-api")

            // What the poller's store writes: the status of a poll, then a new interface.
            try await harness.database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO device_status (device_id, reachable, last_poll_at) VALUES (?, 1, 1234)
                        ON CONFLICT (device_id) DO UPDATE SET reachable = 1, last_poll_at = 1234
                        """,
                    arguments: [id]
                )
            }
            let polled = try await device()
            #expect(polled?["status"] as? String == "up")
            #expect(polled?["last_poll_at"] as? Int == 1234)
            try await harness.database.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO interfaces (device_id, if_index, if_name) VALUES (?, 9999, 'new0')",
                    arguments: [id]
                )
            }
            #expect(try await device()?["interface_count"] as? Int == interfaces + 1)

            // A rolled-back write changes nothing, and the list still answers.
            _ = try? await harness.database.pool.write { db in
                try db.execute(sql: "UPDATE devices SET name = 'never' WHERE id = ?", arguments: [id])
                throw CancellationError()
            }
            #expect(try await device()?["name"] as? String == "renamed-by-api")

            // The cache is per organisation: the other organisation never sees this device.
            #expect(try await device(.otherAdmin) == nil)
            try await client.execute(uri: "/api/v1/devices/\(id)", method: .delete, headers: harness.headers(.editor)) {
                #expect($0.status == .noContent)
            }
            #expect(try await device() == nil)
        }
    }

    @Test("the inventory version moves on commits to devices, status and interfaces only")
    func version() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let counter = harness.database.inventoryChanges
        let start = counter.value
        try await harness.database.pool.write { db in
            try db.execute(sql: "INSERT INTO series (device_id, metric, unit, kind) VALUES (NULL, 'x', 'B', 'gauge')")
        }
        #expect(counter.value == start)
        try await harness.database.pool.write { db in
            try db.execute(sql: "UPDATE devices SET sys_name = 'x' WHERE id = ?", arguments: [harness.deviceID])
            try db.execute(sql: "UPDATE devices SET sys_name = 'y' WHERE id = ?", arguments: [harness.deviceID])
        }
        #expect(counter.value == start + 1)
    }

    @Test("an entry serves only its version, its key and its age; failures are not kept")
    func entries() async throws {
        let cache = AnswerCache(capacity: 2, maximumAge: .seconds(1))
        var builds = 0
        func build(_ status: HTTPResponse.Status = .ok) -> Response {
            builds += 1
            return Response(status: status)
        }
        let key = AnswerCache.Key(query: "limit=5", organisation: 1, csv: false)
        let start = ContinuousClock.now
        _ = try await cache.answer(key, version: 1, now: start) { build() }
        _ = try await cache.answer(key, version: 1, now: start + .milliseconds(500)) { build() }
        #expect(builds == 1)
        _ = try await cache.answer(key, version: 2, now: start + .milliseconds(600)) { build() }
        #expect(builds == 2)
        _ = try await cache.answer(key, version: 2, now: start + .milliseconds(1700)) { build() }
        #expect(builds == 3)
        var other = key
        other.organisation = 2
        _ = try await cache.answer(other, version: 2, now: start + .milliseconds(1700)) { build() }
        other.csv = true
        _ = try await cache.answer(other, version: 2, now: start + .milliseconds(1700)) { build() }
        #expect(builds == 5)
        let failed = AnswerCache.Key(query: "bad", organisation: 1, csv: false)
        _ = try await cache.answer(failed, version: 2, now: start) { build(.badRequest) }
        _ = try await cache.answer(failed, version: 2, now: start) { build(.badRequest) }
        #expect(builds == 7)
        let long = AnswerCache.Key(query: String(repeating: "q", count: 600), organisation: 1, csv: false)
        _ = try await cache.answer(long, version: 2, now: start) { build() }
        _ = try await cache.answer(long, version: 2, now: start) { build() }
        #expect(builds == 9)
    }
}
