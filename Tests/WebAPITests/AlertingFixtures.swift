import Alerting
import Foundation
import Storage

@testable import WebAPI

/// Alerting definitions and alerts of the default organisation, made directly in the database
/// for the route tests (names are fixed, so each is made once per harness).
extension APIHarness {
    static let channelSecret = "hmac-SECRET-key-7f3a"
    static let slackPath = "/services/T000/B000/SECRETslackTOKEN"

    private var alertingCatalog: AlertingCatalog { AlertingCatalog(database: self.database) }

    private func existing(_ kind: AlertDefinitionKind, _ name: String) async throws -> Int64? {
        try await AlertDefinitionStore(database: self.database).all(kind).first { $0.name == name }?.id
    }

    /// A webhook channel with a signing secret.
    func fixtureChannelID() async throws -> Int64 {
        if let id = try await self.existing(.channel, "matrix channel") { return id }
        return try await self.alertingCatalog.add(
            AlertChannel(
                name: "matrix channel",
                kind: .webhook,
                url: "https://hooks.example.net/netmond",
                secret: Self.channelSecret
            ),
            now: AuthService.now()
        )
    }

    func fixturePolicyID() async throws -> Int64 {
        if let id = try await self.existing(.policy, "matrix policy") { return id }
        _ = try await self.fixtureChannelID()
        return try await self.alertingCatalog.add(
            EscalationPolicy(
                name: "matrix policy",
                steps: [EscalationStep(afterMilliseconds: 0, channels: ["matrix channel"])]
            ),
            now: AuthService.now()
        )
    }

    func fixtureRuleID() async throws -> Int64 {
        if let id = try await self.existing(.rule, "matrix rule") { return id }
        return try await self.alertingCatalog.add(
            AlertRule(
                name: "matrix rule",
                condition: .threshold(ThresholdCondition(metric: "if_in_octets", threshold: 10)),
                severity: .major
            ),
            now: AuthService.now()
        )
    }

    func fixtureSilenceID() async throws -> Int64 {
        if let id = try await self.existing(.silence, "matrix silence") { return id }
        let now = AuthService.now()
        return try await self.alertingCatalog.add(
            Silence(device: "core-1", schedule: .once(start: now, end: now + 3_600_000)),
            name: "matrix silence",
            now: now
        )
    }

    /// A firing alert of the fixture rule on core-1 (target `t:<n>`), acknowledged if asked.
    func fixtureAlertID(_ n: Int, acknowledged: Bool = false) async throws -> Int64 {
        let ruleID = try await self.fixtureRuleID()
        let store = AlertStore(database: self.database)
        let now = AuthService.now()
        let ids = try await store.ensure([(ruleID, "t:\(n)", self.deviceID, self.interfaceID)], now: now)
        let id = ids["\(ruleID)|t:\(n)"]!
        try await store.commit(
            alerts: [
                StoredAlert(
                    id: id,
                    ruleID: ruleID,
                    targetKey: "t:\(n)",
                    deviceID: self.deviceID,
                    interfaceID: self.interfaceID,
                    state: "firing",
                    machine: "{\"state\":\"firing\",\"since\":\(now - 60_000),\"firedAt\":\(now - 60_000),"
                        + "\"changes\":[],\"isFlapping\":false}",
                    escalation: "{}",
                    value: 42,
                    summary: "if_in_octets avg over 5m = 42 (threshold > 10)",
                    suppressed: nil,
                    silenced: false,
                    ackedAt: nil,
                    ackBy: nil,
                    ackComment: nil,
                    eventSequence: 0,
                    updatedAt: now
                )
            ],
            history: [AlertHistoryEntry(alertID: id, time: now, kind: "fired")],
            outbox: [],
            now: now
        )
        if acknowledged { try await store.acknowledge(id: id, by: "alice", comment: nil, now: now) }
        return id
    }

    /// A notification of the fixture channel with one failed delivery attempt.
    func fixtureNotificationID() async throws -> Int64 {
        let channelID = try await self.fixtureChannelID()
        let store = AlertStore(database: self.database)
        let key = "matrix-notification"
        if let found = try await AlertListStore(database: self.database).notification(
            idempotencyKey: key,
            organisationID: nil
        ) {
            return found.entry.id
        }
        let now = AuthService.now()
        try await store.enqueue(
            [OutboxDraft(idempotencyKey: key, alertID: nil, channelID: channelID, event: "test", payload: "{}")],
            now: now
        )
        let entry = try await AlertListStore(database: self.database).notification(
            idempotencyKey: key,
            organisationID: nil
        )!
        try await store.recordAttempt(
            DeliveryAttempt(
                outboxID: entry.entry.id,
                attempt: 1,
                time: now,
                outcome: .retry,
                status: 503,
                error: "HTTP 503",
                durationMilliseconds: 3.5
            ),
            retryAt: now + 5000
        )
        return entry.entry.id
    }
}
