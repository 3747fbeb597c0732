import Foundation
import NetmonCore
import NetmonTesting
import Storage
import Testing

@testable import Alerting

/// Webhook delivery through the outbox to a real HTTP receiver on loopback.
@Suite("Webhook delivery", .serialized)
struct WebhookDeliveryTests {
    static let secret = "s3cret-key"
    static let farFuture: Int64 = 4_000_000_000_000

    /// Stores a webhook channel to `url` and one notification for it; returns the outbox key.
    func record(_ database: NetmonDatabase, url: String, event: String = "firing") async throws -> String {
        let now = AlertEvaluator.currentTime()
        let catalog = AlertingCatalog(database: database)
        let channel = AlertChannel(
            name: "hook-\(UUID().uuidString.prefix(6))",
            kind: .webhook,
            url: url,
            secret: Self.secret
        )
        var stored = channel
        stored.id = try await catalog.add(channel, now: now)
        let context = NotificationContext(
            event: event,
            alertID: nil,
            rule: "uplink down",
            ruleKind: "interface_down",
            severity: .major,
            state: "firing",
            device: "rtr1",
            interface: "ge-0/0/1",
            value: 2,
            summary: "interface ge-0/0/1 is down (admin up)",
            since: now - 60_000,
            time: now
        )
        let key = "test-\(UUID().uuidString)"
        let built = NotificationPayload.build(context, eventID: key, channel: stored)
        try await AlertStore(database: database).enqueue(
            [
                OutboxDraft(
                    idempotencyKey: key,
                    alertID: nil,
                    channelID: stored.id!,
                    event: event,
                    payload: built.payload
                )
            ],
            now: now
        )
        return key
    }

    func dispatcher(_ database: NetmonDatabase, allowPrivate: Bool = true, maxAttempts: Int = 8) -> AlertDispatcher {
        AlertDispatcher(
            database: database,
            configuration: AlertingConfiguration(
                allowPrivateDestinations: allowPrivate,
                deliveryTimeout: .seconds(3),
                maxAttempts: maxAttempts,
                retryInitial: .milliseconds(100),
                retryMax: .seconds(1)
            ),
            logger: quietLogger
        )
    }

    @Test("the receiver gets the documented body, a valid HMAC and the idempotency key, once")
    func delivered() async throws {
        try await withTemporaryDatabase { database, directory in
            let port = HTTPProbe.freePort()
            let receiver = try await PythonPeer(
                script: "webhook-receiver.py",
                port: port,
                directory: directory,
                arguments: ["--secret", Self.secret]
            )
            let key = try await self.record(database, url: "http://127.0.0.1:\(port)/hook?x=1")
            let dispatcher = self.dispatcher(database)
            #expect(try await dispatcher.dispatchDue(now: Self.farFuture) == 1)
            #expect(try await dispatcher.dispatchDue(now: Self.farFuture) == 0)
            await receiver.stop()

            let entries = receiver.entries
            try #require(entries.count == 1)
            let entry = entries[0]
            #expect(entry["path"] as? String == "/hook?x=1")
            #expect(entry["signature_valid"] as? Bool == true)
            let headers = try #require(entry["headers"] as? [String: String])
            #expect(headers["idempotency-key"] == key)
            #expect(headers["content-type"] == "application/json")
            #expect(headers["x-netmond-event"] == "firing")
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data((entry["body"] as? String ?? "").utf8)) as? [String: Any]
            )
            #expect(body["schema"] as? String == "netmond.alert.v1")
            #expect(body["id"] as? String == key)
            #expect(body["event"] as? String == "firing")
            #expect(body["time_ms"] is Int)
            let alert = try #require(body["alert"] as? [String: Any])
            #expect(alert["rule"] as? String == "uplink down")
            #expect(alert["severity"] as? String == "major")
            #expect(alert["device"] as? String == "rtr1")
            #expect(alert["interface"] as? String == "ge-0/0/1")
            #expect((body["subject"] as? String)?.contains("uplink down") == true)

            let outbox = try await AlertStore(database: database).notifications()
            #expect(outbox.map(\.state) == [.delivered])
            let log = try await AlertStore(database: database).deliveries(outboxID: outbox[0].id)
            #expect(log.map(\.outcome) == [.delivered])
            #expect(log.first?.status == 200)
        }
    }

    @Test("receiver down, then up: retried with backoff and delivered exactly once")
    func downThenUp() async throws {
        try await withTemporaryDatabase { database, directory in
            let port = HTTPProbe.freePort()
            _ = try await self.record(database, url: "http://127.0.0.1:\(port)/")
            let dispatcher = self.dispatcher(database)
            let store = AlertStore(database: database)
            // Nothing listens: two failed attempts, still pending, retry time in the future.
            #expect(try await dispatcher.dispatchDue(now: Self.farFuture) == 1)
            let before = AlertEvaluator.currentTime()
            #expect(try await dispatcher.dispatchDue(now: Self.farFuture) == 1)
            var pending = try await store.notifications()
            #expect(pending.first?.state == .pending)
            #expect(pending.first?.attempts == 2)
            #expect((pending.first?.nextAttemptAt ?? 0) >= before + 200)  // 100 ms doubled
            #expect(try await dispatcher.dispatchDue(now: AlertEvaluator.currentTime() - 1000) == 0)

            // A 503 answer is retried too.
            let failFlag = directory.path + "/failing"
            FileManager.default.createFile(atPath: failFlag, contents: nil)
            let receiver = try await PythonPeer(
                script: "webhook-receiver.py",
                port: port,
                directory: directory,
                arguments: ["--secret", Self.secret, "--fail-while", failFlag]
            )
            #expect(try await dispatcher.dispatchDue(now: Self.farFuture) == 1)
            try FileManager.default.removeItem(atPath: failFlag)
            #expect(try await dispatcher.dispatchDue(now: Self.farFuture) == 1)
            #expect(try await dispatcher.dispatchDue(now: Self.farFuture) == 0)
            await receiver.stop()

            #expect(receiver.entries.map { $0["status"] as? Int } == [503, 200])
            pending = try await store.notifications()
            #expect(pending.first?.state == .delivered)
            let log = try await store.deliveries(outboxID: pending[0].id).map(\.outcome)
            #expect(log == [.retry, .retry, .retry, .delivered])
        }
    }

    @Test("a receiver that always fails: dead after max_attempts, each attempt logged")
    func deadAfterAttempts() async throws {
        try await withTemporaryDatabase { database, directory in
            let port = HTTPProbe.freePort()
            let receiver = try await PythonPeer(
                script: "webhook-receiver.py",
                port: port,
                directory: directory,
                arguments: ["--status", "500"]
            )
            _ = try await self.record(database, url: "http://127.0.0.1:\(port)/")
            let dispatcher = self.dispatcher(database, maxAttempts: 3)
            for _ in 0..<5 { _ = try await dispatcher.dispatchDue(now: Self.farFuture) }
            await receiver.stop()
            #expect(receiver.entries.count == 3)
            let store = AlertStore(database: database)
            let entry = try #require(try await store.notifications().first)
            #expect(entry.state == .dead)
            #expect(entry.attempts == 3)
            #expect(try await store.deliveries(outboxID: entry.id).map(\.outcome) == [.retry, .retry, .dead])
        }
    }

    @Test("redirects are not followed: the notification is dead at once")
    func redirectRefused() async throws {
        try await withTemporaryDatabase { database, directory in
            let port = HTTPProbe.freePort()
            let receiver = try await PythonPeer(
                script: "webhook-receiver.py",
                port: port,
                directory: directory,
                arguments: ["--redirect", "http://169.254.169.254/latest/meta-data/"]
            )
            _ = try await self.record(database, url: "http://127.0.0.1:\(port)/")
            _ = try await self.dispatcher(database).dispatchDue(now: Self.farFuture)
            _ = try await self.dispatcher(database).dispatchDue(now: Self.farFuture)
            await receiver.stop()
            #expect(receiver.entries.count == 1)
            let entry = try #require(try await AlertStore(database: database).notifications().first)
            #expect(entry.state == .dead)
            #expect(entry.lastError?.contains("redirect") == true)
        }
    }

    @Test(
        "SSRF: loopback in every form is refused by default and nothing is sent",
        arguments: [
            "http://127.0.0.1:PORT/", "http://[::1]:PORT/", "http://[::ffff:127.0.0.1]:PORT/",
            "http://2130706433:PORT/",
            "http://0x7f000001:PORT/", "http://0177.0.0.1:PORT/", "http://localhost:PORT/", "http://169.254.169.254/",
        ]
    )
    func ssrfRefused(template: String) async throws {
        try await withTemporaryDatabase { database, directory in
            let port = HTTPProbe.freePort()
            let receiver = try await PythonPeer(
                script: "webhook-receiver.py",
                port: port,
                directory: directory,
                arguments: []
            )
            _ = try await self.record(database, url: template.replacingOccurrences(of: "PORT", with: "\(port)"))
            _ = try await self.dispatcher(database, allowPrivate: false).dispatchDue(now: Self.farFuture)
            await receiver.stop()
            #expect(receiver.entries.isEmpty)
            let entry = try #require(try await AlertStore(database: database).notifications().first)
            #expect(entry.state == .dead)
            #expect(entry.lastError?.contains("refused") == true)
        }
    }

    @Test("the same notification recorded twice is kept once (idempotency key)")
    func recordedOnce() async throws {
        try await withTemporaryDatabase { database, _ in
            let catalog = AlertingCatalog(database: database)
            let id = try await catalog.add(
                AlertChannel(name: "c", kind: .webhook, url: "http://example.invalid/"),
                now: 0
            )
            let draft = OutboxDraft(idempotencyKey: "k1", alertID: nil, channelID: id, event: "firing", payload: "{}")
            let store = AlertStore(database: database)
            #expect(try await store.enqueue([draft], now: 0) == 1)
            #expect(try await store.enqueue([draft, draft], now: 0) == 0)
            #expect(try await store.notifications().count == 1)
        }
    }
}
