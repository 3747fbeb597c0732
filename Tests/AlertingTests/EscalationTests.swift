import Testing

@testable import Alerting

@Suite("Escalation and silences")
struct EscalationTests {
    let policy = EscalationPolicy(
        name: "oncall",
        steps: [
            EscalationStep(afterMilliseconds: 0, channels: ["chat"]),
            EscalationStep(afterMilliseconds: 15 * 60_000, channels: ["pager"]),
        ],
        repeatMilliseconds: 30 * 60_000
    )

    @Test("steps fire at their times, then repeats; acknowledgement stops them")
    func stepsAndRepeat() {
        var clock = TestClock()
        let since = clock.now
        var progress = EscalationProgress()
        var due = self.policy.due(firingSince: since, acknowledged: false, progress: &progress, now: clock.now)
        #expect(due == [EscalationNotice(step: 0, channels: ["chat"])])
        clock.advance(seconds: 14 * 60)
        #expect(self.policy.due(firingSince: since, acknowledged: false, progress: &progress, now: clock.now).isEmpty)
        clock.advance(seconds: 60)
        due = self.policy.due(firingSince: since, acknowledged: false, progress: &progress, now: clock.now)
        #expect(due == [EscalationNotice(step: 1, channels: ["pager"])])
        clock.advance(seconds: 29 * 60)
        #expect(self.policy.due(firingSince: since, acknowledged: false, progress: &progress, now: clock.now).isEmpty)
        clock.advance(seconds: 60)
        due = self.policy.due(firingSince: since, acknowledged: false, progress: &progress, now: clock.now)
        #expect(due == [EscalationNotice(step: nil, channels: ["pager"])])
        clock.advance(seconds: 3600)
        #expect(self.policy.due(firingSince: since, acknowledged: true, progress: &progress, now: clock.now).isEmpty)
        #expect(self.policy.reachedChannels(progress) == ["chat", "pager"])
    }

    @Test("acknowledged before the second step: the second step never fires")
    func acknowledgementStops() {
        var progress = EscalationProgress()
        _ = self.policy.due(firingSince: 0, acknowledged: false, progress: &progress, now: 0)
        #expect(self.policy.due(firingSince: 0, acknowledged: true, progress: &progress, now: 3_600_000).isEmpty)
        #expect(progress.stepsDone == 1)
    }

    @Test("one-off silence covers its interval only, by device, tag and rule")
    func oneOffSilence() {
        let router = DeviceFacts(id: 1, name: "rtr1", tags: ["core"])
        let silence = Silence(device: "rtr1", schedule: .once(start: 1000, end: 2000))
        #expect(silence.silences(rule: "any", device: router, at: 1000))
        #expect(silence.silences(rule: "any", device: router, at: 1999))
        #expect(!silence.silences(rule: "any", device: router, at: 2000))
        #expect(!silence.silences(rule: "any", device: DeviceFacts(id: 2, name: "sw1"), at: 1500))
        let byTag = Silence(tag: "core", rule: "cpu high", schedule: .once(start: 0, end: 10_000))
        #expect(byTag.silences(rule: "cpu high", device: router, at: 5))
        #expect(!byTag.silences(rule: "other", device: router, at: 5))
        #expect(!byTag.silences(rule: "cpu high", device: nil, at: 5))
    }

    @Test("weekly silence: Sundays 23:00 for 2 hours, running past midnight")
    func weeklySilence() {
        // 2026-11-29 is a Sunday; 23:30 UTC that day, and 00:30 Monday.
        let sunday2330: Int64 = 1_795_995_000_000
        let schedule = SilenceSchedule.weekly(weekdays: [0], startMinute: 23 * 60, durationMinutes: 120)
        #expect(schedule.isActive(at: sunday2330))
        #expect(schedule.isActive(at: sunday2330 + 3_600_000))  // Monday 00:30
        #expect(!schedule.isActive(at: sunday2330 + 5_400_000))  // Monday 01:00
        #expect(!schedule.isActive(at: sunday2330 - 3_600_000))  // Sunday 22:30
        #expect(!schedule.isActive(at: sunday2330 + 86_400_000))  // Monday 23:30
        #expect(schedule.isActive(at: sunday2330 + 7 * 86_400_000))  // next Sunday
    }

    @Test("correlation: an unreachable device suppresses its interface alerts; a parent its children")
    func correlation() {
        let devices = [
            DeviceFacts(id: 1, name: "core", reachable: false),
            DeviceFacts(id: 2, name: "access", reachable: false),
            DeviceFacts(id: 3, name: "edge", reachable: true),
        ]
        let correlator = Correlator(devices: devices, parents: [2: 1, 3: 1])
        #expect(
            correlator.suppression(of: .interfaceDown, deviceID: 1, interfaceID: 10) == "device core is unreachable"
        )
        #expect(correlator.suppression(of: .interfaceDown, deviceID: 3, interfaceID: 30) == nil)
        #expect(
            correlator.suppression(of: .deviceUnreachable, deviceID: 2, interfaceID: nil)
                == "parent device core is unreachable"
        )
        #expect(correlator.suppression(of: .deviceUnreachable, deviceID: 1, interfaceID: nil) == nil)
        #expect(correlator.suppressedChildren(of: 1) == ["access"])
    }
}
