import Testing

@testable import Alerting

@Suite("Rule evaluation")
struct RuleEvaluatorTests {
    let now: Int64 = 1_800_000_000_000

    func snapshot() -> EvaluationSnapshot {
        var snapshot = EvaluationSnapshot(
            now: self.now,
            devices: [
                DeviceFacts(id: 1, name: "rtr1", tags: ["core"], reachable: true),
                DeviceFacts(id: 2, name: "sw1", tags: ["access"], reachable: false),
            ],
            interfaces: [
                InterfaceFacts(id: 10, deviceID: 1, name: "ge-0/0/1", adminStatus: 1, operStatus: 1),
                InterfaceFacts(id: 11, deviceID: 1, name: "ge-0/0/2", adminStatus: 2, operStatus: 2),
                InterfaceFacts(id: 12, deviceID: 1, name: "xe-1/0/0", adminStatus: 1, operStatus: 1),
            ],
            series: [
                SeriesFacts(id: 100, deviceID: 1, interfaceID: nil, metric: "cpu_load_percent", instance: "0"),
                SeriesFacts(id: 101, deviceID: 2, interfaceID: nil, metric: "cpu_load_percent", instance: "0"),
                SeriesFacts(id: 110, deviceID: 1, interfaceID: 10, metric: "if_oper_status"),
                SeriesFacts(id: 111, deviceID: 1, interfaceID: 11, metric: "if_oper_status"),
                SeriesFacts(id: 112, deviceID: 1, interfaceID: 12, metric: "if_oper_status"),
                SeriesFacts(id: 120, deviceID: 1, interfaceID: 10, metric: "if_in_utilization_percent"),
                SeriesFacts(id: 121, deviceID: 1, interfaceID: 10, metric: "if_out_utilization_percent"),
            ]
        )
        // cpu of rtr1: 20 samples 10 s apart, values 1...20; sw1 flat 50.
        snapshot.samples[100] = (1...20).map { TimedValue(time: self.now - Int64(20 - $0) * 10_000, value: Double($0)) }
        snapshot.samples[101] = (1...20).map { TimedValue(time: self.now - Int64(20 - $0) * 10_000, value: 50) }
        snapshot.latest[100] = TimedValue(time: self.now, value: 20)
        snapshot.latest[101] = TimedValue(time: self.now - 600_000, value: 50)
        // Interface 10 went down (sampled), 11 is admin-down and down, 12 is up.
        snapshot.latest[110] = TimedValue(time: self.now, value: 2)
        snapshot.latest[111] = TimedValue(time: self.now, value: 2)
        snapshot.latest[112] = TimedValue(time: self.now, value: 1)
        snapshot.samples[120] = [TimedValue(time: self.now - 1000, value: 40)]
        snapshot.samples[121] = [TimedValue(time: self.now - 1000, value: 97)]
        return snapshot
    }

    @Test("threshold aggregates over the window: avg, max, min, p95")
    func aggregates() {
        let evaluator = RuleEvaluator(snapshot: self.snapshot())
        func value(_ aggregate: WindowAggregate, window: Int64 = 200_000) -> Double? {
            let rule = AlertRule(
                name: "cpu",
                condition: .threshold(
                    ThresholdCondition(
                        metric: "cpu_load_percent",
                        aggregate: aggregate,
                        windowMilliseconds: window,
                        threshold: 15
                    )
                ),
                scope: RuleScope(device: "rtr1")
            )
            return evaluator.evaluate(rule).first?.value
        }
        #expect(value(.avg) == 10.5)
        #expect(value(.max) == 20)
        #expect(value(.min) == 1)
        #expect(value(.p95) == 19)
        #expect(value(.avg, window: 50_000) == 18)  // the last 5 samples: 16...20
    }

    @Test("scope by tag and device selects targets; one finding per series")
    func scopes() {
        let evaluator = RuleEvaluator(snapshot: self.snapshot())
        let condition = RuleCondition.threshold(
            ThresholdCondition(metric: "cpu_load_percent", aggregate: .max, windowMilliseconds: 300_000, threshold: 40)
        )
        let all = evaluator.evaluate(AlertRule(name: "a", condition: condition))
        #expect(all.map(\.targetKey).sorted() == ["s:100", "s:101"])
        #expect(all.first { $0.targetKey == "s:101" }?.observation == .breaching)
        #expect(all.first { $0.targetKey == "s:100" }?.observation == .clear)
        let core = evaluator.evaluate(AlertRule(name: "b", condition: condition, scope: RuleScope(tag: "core")))
        #expect(core.map(\.targetKey) == ["s:100"])
    }

    @Test("interface down only where admin-up; interface pattern scope")
    func interfaceDown() {
        let evaluator = RuleEvaluator(snapshot: self.snapshot())
        let findings = evaluator.evaluate(AlertRule(name: "down", condition: .interfaceDown))
        let byKey = Dictionary(uniqueKeysWithValues: findings.map { ($0.targetKey, $0.observation) })
        #expect(byKey == ["i:10": .breaching, "i:11": .clear, "i:12": .clear])
        let scoped = evaluator.evaluate(
            AlertRule(name: "down", condition: .interfaceDown, scope: RuleScope(interfacePattern: "xe-*"))
        )
        #expect(scoped.map(\.targetKey) == ["i:12"])
    }

    @Test("utilisation takes the larger direction; unreachable and absence")
    func otherKinds() {
        let evaluator = RuleEvaluator(snapshot: self.snapshot())
        let utilisation = evaluator.evaluate(
            AlertRule(name: "u", condition: .utilization(ThresholdCondition(aggregate: .max, threshold: 90)))
        )
        #expect(utilisation.count == 1)
        #expect(utilisation.first?.value == 97)
        #expect(utilisation.first?.observation == .breaching)
        let unreachable = evaluator.evaluate(AlertRule(name: "r", condition: .deviceUnreachable))
        #expect(unreachable.filter { $0.observation == .breaching }.map(\.targetKey) == ["d:2"])
        let absence = evaluator.evaluate(
            AlertRule(name: "x", condition: .absence(metric: "cpu_load_percent", windowMilliseconds: 300_000))
        )
        #expect(absence.filter { $0.observation == .breaching }.map(\.targetKey) == ["s:101"])
    }

    @Test("rate of change per minute and anomaly against seasons")
    func rateAndAnomaly() {
        var snapshot = self.snapshot()
        let evaluator = RuleEvaluator(snapshot: snapshot)
        let rate = evaluator.evaluate(
            AlertRule(
                name: "r",
                condition: .rateOfChange(
                    ThresholdCondition(metric: "cpu_load_percent", windowMilliseconds: 300_000, threshold: 5)
                ),
                scope: RuleScope(device: "rtr1")
            )
        )
        #expect(rate.first?.value == 6)  // +1 per 10 s
        #expect(rate.first?.observation == .breaching)
        let anomaly = AnomalyCondition(
            metric: "cpu_load_percent",
            windowMilliseconds: 300_000,
            seasons: 3,
            deviations: 3
        )
        snapshot.baselines[anomaly] = [100: [10, 11, 9], 101: [10, 11, 9]]
        let findings = RuleEvaluator(snapshot: snapshot).evaluate(AlertRule(name: "a", condition: .anomaly(anomaly)))
        let byKey = Dictionary(uniqueKeysWithValues: findings.map { ($0.targetKey, $0.observation) })
        #expect(byKey["s:100"] == .clear)  // mean 10.5 vs baseline 10 ± 1
        #expect(byKey["s:101"] == .breaching)  // 50 vs 10 ± 1
    }

    @Test("what a rule set needs from storage")
    func needs() {
        let needs = EvaluationNeeds(rules: [
            AlertRule(
                name: "a",
                condition: .threshold(ThresholdCondition(metric: "m", windowMilliseconds: 60_000, threshold: 1))
            ),
            AlertRule(
                name: "b",
                condition: .threshold(ThresholdCondition(metric: "m", windowMilliseconds: 120_000, threshold: 1))
            ),
            AlertRule(name: "c", condition: .deviceReboot(windowMilliseconds: 600_000)),
            AlertRule(name: "d", condition: .interfaceDown),
        ])
        #expect(needs.windows == ["m": 120_000, "if_oper_status": 0])
        #expect(needs.restartWindow == 600_000)
    }
}
