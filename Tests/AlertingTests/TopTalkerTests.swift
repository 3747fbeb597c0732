import Foundation
import NetmonCore
import NetmonTesting
import Storage
import Synchronization
import Testing

@testable import Alerting

/// "A new top talker above a share of the link": the pure evaluation with a test clock, and the
/// evaluator over flows written through the real flow writer.
@Suite("Top-talker rules")
struct TopTalkerTests {
    static let speed: Int64 = 100_000_000  // 100 Mbit/s

    /// Bytes that make `percent` of the link over five minutes.
    static func bytes(percent: Double) -> UInt64 {
        UInt64(percent / 100 * Double(Self.speed) / 8 * 300)
    }

    static func snapshot(now: Int64, _ talkers: [InterfaceTalker]) -> EvaluationSnapshot {
        EvaluationSnapshot(
            now: now,
            devices: [DeviceFacts(id: 1, name: "edge", tags: ["wan"]), DeviceFacts(id: 2, name: "core")],
            talkers: [300_000: talkers]
        )
    }

    static func talker(_ address: String, percent: Double, speed: Int64? = speed, device: Int64 = 1) -> InterfaceTalker
    {
        InterfaceTalker(
            exporter: "192.0.2.10",
            ifIndex: 3,
            direction: .inbound,
            address: address,
            bytes: Self.bytes(percent: percent),
            deviceID: device,
            interfaceName: "ge-0/0/3",
            speedBitsPerSecond: speed
        )
    }

    @Test("share of the link, hysteresis, `for` and resolution with a test clock")
    func stateOverTime() {
        let rule = AlertRule(
            id: 1,
            name: "hog",
            condition: .topTalker(TopTalkerCondition(windowMilliseconds: 300_000, sharePercent: 50, clearPercent: 40)),
            forMilliseconds: 120_000
        )
        let settings = AlertStateMachine.Settings(forMilliseconds: rule.forMilliseconds, flapThreshold: 0)
        var clock = TestClock()
        var machine = AlertStateMachine()
        var fired: Int64?
        var resolved: Int64?
        // (share of the hog, expected state after the observation)
        for (percent, expected) in [
            (60.0, AlertStateMachine.State.pending), (61, .pending), (62, .firing), (45, .firing), (30, .resolved),
        ] {
            let findings = RuleEvaluator(
                snapshot: Self.snapshot(now: clock.now, [Self.talker("10.0.0.5", percent: percent)])
            ).evaluate(rule, tracked: ["tt:192.0.2.10|in|3|10.0.0.5"])
            #expect(findings.count == 1)
            let finding = findings[0]
            #expect(finding.targetKey == "tt:192.0.2.10|in|3|10.0.0.5" && finding.deviceID == 1)
            #expect(abs((finding.value ?? 0) - percent) < 0.01)
            #expect(finding.summary.contains("10.0.0.5 sends into ge-0/0/3 of 192.0.2.10"))
            for action in machine.observe(finding.observation, at: clock.now, settings: settings) {
                if action == .fire { fired = clock.now }
                if action == .resolve { resolved = clock.now }
            }
            #expect(machine.state == expected, "at \(percent)%")
            clock.advance(seconds: 60)
        }
        let start = TestClock().now
        #expect(fired == start + 120_000)
        #expect(resolved == start + 240_000)
    }

    @Test("quiet addresses, unknown speeds and other scopes make no finding")
    func targets() {
        let now = TestClock().now
        let talkers = [
            Self.talker("10.0.0.5", percent: 80), Self.talker("10.0.0.6", percent: 10),
            Self.talker("10.0.0.7", percent: 90, speed: nil), Self.talker("10.0.0.8", percent: 95, device: 2),
        ]
        let evaluator = RuleEvaluator(snapshot: Self.snapshot(now: now, talkers))
        var rule = AlertRule(
            id: 1,
            name: "hog",
            condition: .topTalker(TopTalkerCondition(sharePercent: 50)),
            scope: RuleScope(tag: "wan", interfacePattern: "ge-*")
        )
        #expect(evaluator.evaluate(rule, tracked: []).map(\.targetKey) == ["tt:192.0.2.10|in|3|10.0.0.5"])
        // A tracked quiet address still reports (so its alert can resolve).
        #expect(evaluator.evaluate(rule, tracked: ["tt:192.0.2.10|in|3|10.0.0.6"]).count == 2)
        rule.scope = RuleScope(interfacePattern: "xe-*")
        #expect(evaluator.evaluate(rule, tracked: []).isEmpty)
        rule.scope = .all
        #expect(Set(evaluator.evaluate(rule, tracked: []).map(\.targetKey)).count == 2)
        // Windows are whole minutes, the current one left out.
        let range = TopTalkerCondition(windowMilliseconds: 300_000, sharePercent: 50).minuteRange(
            now: 1_800_000_030_000
        )
        #expect(range.to == 1_800_000_000_000 && range.from == 1_799_999_700_000)
    }

    @Test("flows written through the flow writer make an address above 50% of a 10 Mbit/s link fire")
    func endToEndWithFlowWriter() async throws {
        try await withTemporaryDatabase { database, _ in
            let inventory = InventoryStore(database: database)
            let edge = try await inventory.upsertDevice(
                DeviceRecord(name: "edge", address: "192.0.2.10", tags: [], createdAt: 0)
            ).id!
            _ = try await inventory.syncInterfaces(
                deviceID: edge,
                [
                    InterfaceRecord(
                        deviceID: edge,
                        ifIndex: 3,
                        ifName: "ge-0/0/3",
                        speedBps: 10_000_000,
                        adminStatus: 1,
                        operStatus: 1
                    )
                ],
                now: 0
            )
            // Five minutes of flows: 10.0.0.5 at 80% of the link, 10.0.0.6 at 1%.
            let base: Int64 = 1_800_000_000_000 / 60_000 * 60_000
            let clock = ManualTime(base)
            let writer = FlowWriter(
                database: database,
                configuration: FlowStorageConfiguration(batchSize: 100, flushInterval: .milliseconds(20)),
                logger: quietLogger,
                now: { clock.now }
            )
            var records: [FlowRecord] = []
            for minute in 0..<5 {
                let last = base + Int64(minute) * 60_000 + 30_000
                for (source, bytes) in [("10.0.0.5", UInt64(60_000_000)), ("10.0.0.6", UInt64(750_000))] {
                    records.append(
                        FlowRecord(
                            origin: .ipfix,
                            exporter: IPAddress(parsing: "192.0.2.10")!,
                            ipVersion: 4,
                            sourceAddress: IPAddress(parsing: source)!,
                            destinationAddress: IPAddress(parsing: "198.51.100.7")!,
                            sourcePort: 40_000,
                            destinationPort: 443,
                            ipProtocol: 6,
                            packets: bytes / 1500,
                            bytes: bytes,
                            firstSwitched: last - 20_000,
                            lastSwitched: last,
                            inputInterface: 3,
                            outputInterface: 4
                        )
                    )
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                #expect(writer.submit(records))
                clock.set(base + 8 * 60_000)  // every minute closed
                // Wait until all five minutes of the hog are in flows_minute.
                var landed: UInt64 = 0
                for _ in 0..<1000 where landed < 300_000_000 {
                    try await Task.sleep(for: .milliseconds(10))
                    landed =
                        try await AlertingDataStore(database: database).talkers(from: base, to: base + 300_000)
                        .first { $0.address.description == "10.0.0.5" && $0.inbound }?.bytes ?? 0
                }
                #expect(landed == 300_000_000)
                group.cancelAll()
            }

            let catalog = AlertingCatalog(database: database)
            _ = try await catalog.add(
                AlertRule(name: "link hog", condition: .topTalker(TopTalkerCondition(sharePercent: 50))),
                now: 0
            )
            let evaluator = AlertEvaluator(
                database: database,
                configuration: AlertingConfiguration(flapThreshold: 0),
                logger: quietLogger
            )
            let report = try await evaluator.evaluate(now: base + 5 * 60_000 + 10_000)
            #expect(report.fired == 1, "\(report)")
            let alerts = try await AlertStore(database: database).alerts(states: ["firing"])
            #expect(alerts.count == 1)
            #expect(alerts.first?.targetKey == "tt:192.0.2.10|in|3|10.0.0.5")
            #expect(alerts.first?.deviceID == edge)
            #expect(abs((alerts.first?.value ?? 0) - 80) < 0.5, "\(alerts.first?.value ?? -1)")
            #expect(alerts.first?.summary.contains("ge-0/0/3") == true)
        }
    }
}

/// A wall clock the flow writer reads, moved by the test.
final class ManualTime: Sendable {
    private let value: Mutex<Int64>

    init(_ start: Int64) { self.value = Mutex(start) }

    var now: Int64 { self.value.withLock { $0 } }

    func set(_ time: Int64) { self.value.withLock { $0 = time } }
}
