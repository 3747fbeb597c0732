import Foundation
import NetmonCore
import NetmonTesting
import Storage
import Testing

@testable import Alerting

/// The evaluator over a real database: state changes, escalation, acknowledgement, silences,
/// correlation and restart, with explicit evaluation times.
@Suite("Alert evaluator")
struct AlertEvaluatorTests {
    static let start: Int64 = 1_800_000_000_000

    struct Lab {
        var database: NetmonDatabase
        var router: Int64
        var access: Int64
        var uplink: Int64
        var operSeries: Int64
        var cpuSeries: Int64
    }

    /// Two devices (access behind router), one admin-up interface with an oper-status series,
    /// and a cpu series; a webhook channel "chat" (step 1, at once) and "pager" (step 2, 10 min).
    func makeLab(_ database: NetmonDatabase) async throws -> Lab {
        let inventory = InventoryStore(database: database)
        let router = try await inventory.upsertDevice(
            DeviceRecord(name: "rtr1", address: "192.0.2.1", tags: ["core"], createdAt: 0)
        ).id!
        let access = try await inventory.upsertDevice(
            DeviceRecord(name: "sw1", address: "192.0.2.2", tags: ["access"], createdAt: 0)
        ).id!
        let interfaces = try await inventory.syncInterfaces(
            deviceID: router,
            [InterfaceRecord(deviceID: router, ifIndex: 1, ifName: "ge-0/0/1", adminStatus: 1, operStatus: 1)],
            now: 0
        )
        let uplink = interfaces[0].id!
        let registry = SeriesRegistry(database: database)
        let oper = try await registry.seriesID(
            for: SeriesKey(deviceID: router, interfaceID: uplink, metric: "if_oper_status", unit: "", kind: .gauge)
        )
        let cpu = try await registry.seriesID(
            for: SeriesKey(deviceID: router, metric: "cpu_load_percent", instance: "0", unit: "%", kind: .gauge)
        )
        let catalog = AlertingCatalog(database: database)
        _ = try await catalog.add(AlertChannel(name: "chat", kind: .slack, url: "http://127.0.0.1:9/"), now: 0)
        _ = try await catalog.add(AlertChannel(name: "pager", kind: .webhook, url: "http://127.0.0.1:9/"), now: 0)
        _ = try await catalog.add(
            EscalationPolicy(
                name: "oncall",
                steps: [
                    EscalationStep(afterMilliseconds: 0, channels: ["chat"]),
                    EscalationStep(afterMilliseconds: 600_000, channels: ["pager"]),
                ]
            ),
            now: 0
        )
        return Lab(database: database, router: router, access: access, uplink: uplink, operSeries: oper, cpuSeries: cpu)
    }

    func evaluator(_ database: NetmonDatabase, parents: [DeviceParent] = []) -> AlertEvaluator {
        AlertEvaluator(
            database: database,
            configuration: AlertingConfiguration(flapThreshold: 0, deviceParents: parents),
            logger: quietLogger
        )
    }

    func setOper(_ lab: Lab, _ status: Double, at time: Int64) async throws {
        try await lab.database.insertSamples([Sample(seriesID: lab.operSeries, timestamp: time, value: status)])
    }

    func events(_ database: NetmonDatabase) async throws -> [String] {
        try await AlertStore(database: database).notifications().reversed().map { entry in
            "\(entry.event)"
        }
    }

    @Test("interface down: fires after `for`, escalates, resolves; acknowledgement stops escalation")
    func interfaceDownLifecycle() async throws {
        try await withTemporaryDatabase { database, _ in
            let lab = try await self.makeLab(database)
            _ = try await AlertingCatalog(database: database).add(
                AlertRule(name: "uplink down", condition: .interfaceDown, forMilliseconds: 60_000, policy: "oncall"),
                now: 0
            )
            let evaluator = self.evaluator(database)
            var now = Self.start
            try await self.setOper(lab, 1, at: now)
            #expect(try await evaluator.evaluate(now: now).fired == 0)
            now += 30_000
            try await self.setOper(lab, 2, at: now)
            #expect(try await evaluator.evaluate(now: now).fired == 0)  // pending
            now += 30_000
            #expect(try await evaluator.evaluate(now: now).fired == 0)  // 30 s of 60
            now += 30_000
            let fired = try await evaluator.evaluate(now: now)
            #expect(fired.fired == 1)
            #expect(fired.notifications == 1)  // step 1: chat
            let store = AlertStore(database: database)
            let alert = try #require(try await store.alerts(states: ["firing"]).first)
            #expect(alert.targetKey == "i:\(lab.uplink)")
            let chat = try #require(try await store.notifications().first)
            #expect(chat.payload.contains("uplink down"))
            #expect(chat.payload.contains("ge-0/0/1"))

            // A restart (a new evaluator) continues: nothing new until step 2 is due.
            let restarted = self.evaluator(database)
            now += 300_000
            #expect(try await restarted.evaluate(now: now).notifications == 0)
            now += 300_000
            #expect(try await restarted.evaluate(now: now).notifications == 1)  // step 2: pager
            #expect(try await self.events(database) == ["firing", "firing"])

            // Resolution notifies every channel reached.
            now += 30_000
            try await self.setOper(lab, 1, at: now)
            let resolved = try await restarted.evaluate(now: now)
            #expect(resolved.resolved == 1)
            #expect(resolved.notifications == 2)
            #expect(try await self.events(database) == ["firing", "firing", "resolved", "resolved"])

            // It fires again; acknowledged before step 2, step 2 never comes.
            now += 30_000
            try await self.setOper(lab, 2, at: now)
            _ = try await restarted.evaluate(now: now)
            now += 60_000
            #expect(try await restarted.evaluate(now: now).notifications == 1)
            #expect(try await store.acknowledge(id: alert.id, by: "alice", comment: "on it", now: now))
            now += 900_000
            #expect(try await restarted.evaluate(now: now).notifications == 0)
            let history = try await store.history(alertID: alert.id).map(\.kind)
            #expect(history == ["fired", "resolved", "fired", "acknowledged"])
            // Unacknowledged: escalation resumes with the overdue step.
            #expect(try await store.unacknowledge(id: alert.id, by: "alice", comment: "handing over", now: now))
            now += 30_000
            #expect(try await restarted.evaluate(now: now).notifications == 1)
        }
    }

    @Test("a silence records the alert but notifies nothing")
    func silenced() async throws {
        try await withTemporaryDatabase { database, _ in
            let lab = try await self.makeLab(database)
            let catalog = AlertingCatalog(database: database)
            _ = try await catalog.add(
                AlertRule(name: "uplink down", condition: .interfaceDown, policy: "oncall"),
                now: 0
            )
            _ = try await catalog.add(
                Silence(
                    device: "rtr1",
                    schedule: .once(start: Self.start, end: Self.start + 600_000),
                    comment: "maint"
                ),
                name: "maintenance",
                now: 0
            )
            let evaluator = self.evaluator(database)
            try await self.setOper(lab, 2, at: Self.start)
            let report = try await evaluator.evaluate(now: Self.start + 1000)
            #expect(report.fired == 1)
            #expect(report.notifications == 0)
            let alert = try #require(try await AlertStore(database: database).alerts(states: ["firing"]).first)
            #expect(alert.silenced)
            // After the window the still-firing alert is notified: both steps are overdue by then.
            #expect(try await evaluator.evaluate(now: Self.start + 700_000).notifications == 2)
        }
    }

    @Test("an unreachable parent suppresses its child's unreachable alert and says so")
    func parentSuppressesChild() async throws {
        try await withTemporaryDatabase { database, _ in
            let lab = try await self.makeLab(database)
            _ = try await AlertingCatalog(database: database).add(
                AlertRule(name: "unreachable", condition: .deviceUnreachable, policy: "oncall"),
                now: 0
            )
            let events = EventStore(database: database)
            for device in [lab.router, lab.access] {
                try await events.recordPoll(
                    PollReport(
                        deviceID: device,
                        startedAt: Self.start,
                        duration: .milliseconds(5),
                        error: "timeout",
                        requests: 1,
                        varBinds: 0,
                        gaps: 0
                    ),
                    reachable: false
                )
            }
            let evaluator = self.evaluator(database, parents: [DeviceParent(device: "sw1", parent: "rtr1")])
            let report = try await evaluator.evaluate(now: Self.start + 1000)
            #expect(report.fired == 2)
            #expect(report.notifications == 1)
            let store = AlertStore(database: database)
            let child = try #require(try await store.alerts().first { $0.deviceID == lab.access })
            #expect(child.suppressed == "parent device rtr1 is unreachable")
            let notification = try #require(try await store.notifications().first)
            #expect(notification.payload.contains("sw1"))
            #expect(notification.payload.contains("rtr1"))
        }
    }

    @Test("threshold with hysteresis over stored samples")
    func thresholdHysteresis() async throws {
        try await withTemporaryDatabase { database, _ in
            let lab = try await self.makeLab(database)
            _ = try await AlertingCatalog(database: database).add(
                AlertRule(
                    name: "cpu high",
                    condition: .threshold(
                        ThresholdCondition(
                            metric: "cpu_load_percent",
                            aggregate: .avg,
                            windowMilliseconds: 60_000,
                            threshold: 90,
                            clear: 70
                        )
                    ),
                    policy: "oncall"
                ),
                now: 0
            )
            let evaluator = self.evaluator(database)
            var now = Self.start
            var fired = 0
            var resolved = 0
            for value in [95.0, 95, 80, 75, 72, 60, 60] {
                now += 60_000
                try await database.insertSamples([Sample(seriesID: lab.cpuSeries, timestamp: now - 1, value: value)])
                let report = try await evaluator.evaluate(now: now)
                fired += report.fired
                resolved += report.resolved
                if value == 72 { #expect(resolved == 0) }
            }
            #expect(fired == 1)
            #expect(resolved == 1)
        }
    }
}
