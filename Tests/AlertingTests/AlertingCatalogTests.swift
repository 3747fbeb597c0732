import NetmonCore
import Storage
import Testing

@testable import Alerting

@Suite("Alerting catalog")
struct AlertingCatalogTests {
    func configuration(rules: [String]) -> AlertingConfiguration {
        var channel = AlertChannelSeed(name: "ops", type: "webhook")
        channel.url = "https://hooks.example.org/x"
        channel.secret = Secret("k")
        return AlertingConfiguration(
            rules: rules.map { name in
                var seed = AlertRuleSeed(name: name, kind: "threshold")
                seed.metric = "cpu_load_percent"
                seed.threshold = 90
                seed.clear = 80
                seed.forDuration = .seconds(120)
                seed.policy = "oncall"
                return seed
            },
            channels: [channel],
            policies: [AlertPolicySeed(name: "oncall", steps: [.init(after: .zero, channels: ["ops"])])]
        )
    }

    @Test("seeding writes config definitions by name, updates them, and removes seeded ones dropped from the file")
    func seeding() async throws {
        try await withTemporaryDatabase { database, _ in
            let catalog = AlertingCatalog(database: database)
            _ = try await catalog.add(AlertRule(name: "from api", condition: .interfaceDown), now: 0)
            try await catalog.seed(self.configuration(rules: ["a", "b"]), now: 1)
            var loaded = try await catalog.load()
            #expect(loaded.rules.map(\.name).sorted() == ["a", "b", "from api"])
            let a = try #require(loaded.rules.first { $0.name == "a" })
            #expect(a.forMilliseconds == 120_000)
            #expect(a.policy == "oncall")
            guard case .threshold(let condition) = a.condition else {
                Issue.record("not a threshold rule")
                return
            }
            #expect(condition.clear == 80)
            #expect(loaded.channels.first?.secret == "k")
            #expect(loaded.policies.first?.steps.first?.channels == ["ops"])

            try await catalog.seed(self.configuration(rules: ["a"]), now: 2)
            loaded = try await catalog.load()
            #expect(loaded.rules.map(\.name).sorted() == ["a", "from api"])
            #expect(loaded.problems.isEmpty)
        }
    }

    @Test("a test notification is recorded for the channel")
    func testNotification() async throws {
        try await withTemporaryDatabase { database, _ in
            let id = try await AlertingCatalog(database: database).add(
                AlertChannel(name: "c", kind: .slack, url: "https://hooks.example.org/y"),
                now: 0
            )
            #expect(try await TestNotification.send(channelID: id + 1, database: database, now: 5) == nil)
            let key = try #require(try await TestNotification.send(channelID: id, database: database, now: 5))
            let entry = try #require(try await AlertStore(database: database).notifications().first)
            #expect(entry.idempotencyKey == key)
            #expect(entry.event == "test")
            #expect(entry.payload.contains("TEST: test notification"))
        }
    }
}
