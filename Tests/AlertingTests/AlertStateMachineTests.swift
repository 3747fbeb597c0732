import Foundation
import Testing

@testable import Alerting

@Suite("Alert state machine")
struct AlertStateMachineTests {
    let noFlapping = AlertStateMachine.Settings(forMilliseconds: 60_000, flapThreshold: 0)

    @Test("pending until `for` has passed, then firing once, then resolved")
    func pendingFiringResolved() {
        var clock = TestClock()
        var machine = AlertStateMachine()
        #expect(machine.observe(.breaching, at: clock.now, settings: self.noFlapping) == [])
        #expect(machine.state == .pending)
        let started = clock.now
        clock.advance(seconds: 30)
        #expect(machine.observe(.breaching, at: clock.now, settings: self.noFlapping) == [])
        #expect(machine.state == .pending)
        clock.advance(seconds: 29)
        #expect(machine.observe(.breaching, at: clock.now, settings: self.noFlapping) == [])
        clock.advance(seconds: 1)
        #expect(machine.observe(.breaching, at: clock.now, settings: self.noFlapping) == [.fire])
        #expect(machine.state == .firing)
        #expect(machine.since == started)
        clock.advance(seconds: 30)
        #expect(machine.observe(.breaching, at: clock.now, settings: self.noFlapping) == [])
        #expect(machine.observe(.holding, at: clock.now, settings: self.noFlapping) == [])
        #expect(machine.state == .firing)
        clock.advance(seconds: 30)
        #expect(machine.observe(.clear, at: clock.now, settings: self.noFlapping) == [.resolve])
        #expect(machine.state == .resolved)
        #expect(machine.resolvedAt == clock.now)
    }

    @Test("a condition that clears before `for` never fires")
    func shortBreachDoesNotFire() {
        var clock = TestClock()
        var machine = AlertStateMachine()
        _ = machine.observe(.breaching, at: clock.now, settings: self.noFlapping)
        clock.advance(seconds: 50)
        #expect(machine.observe(.clear, at: clock.now, settings: self.noFlapping) == [])
        #expect(machine.state == .ok)
        // The next breach starts a new pending period: 59 s later it has not fired.
        clock.advance(seconds: 5)
        _ = machine.observe(.breaching, at: clock.now, settings: self.noFlapping)
        clock.advance(seconds: 59)
        #expect(machine.observe(.breaching, at: clock.now, settings: self.noFlapping) == [])
        clock.advance(seconds: 1)
        #expect(machine.observe(.breaching, at: clock.now, settings: self.noFlapping) == [.fire])
    }

    @Test("for 0 fires at the first breach")
    func immediateFire() {
        var machine = AlertStateMachine()
        let settings = AlertStateMachine.Settings(forMilliseconds: 0, flapThreshold: 0)
        #expect(machine.observe(.breaching, at: 1000, settings: settings) == [.fire])
        #expect(machine.isFiring)
    }

    @Test("hysteresis: between threshold and clear keeps firing; below clear resolves")
    func hysteresis() {
        let condition = ThresholdCondition(metric: "cpu", threshold: 90, clear: 80)
        #expect(condition.observe(95) == .breaching)
        #expect(condition.observe(85) == .holding)
        #expect(condition.observe(79) == .clear)
        let below = ThresholdCondition(metric: "free", comparison: .below, threshold: 10, clear: 20)
        #expect(below.observe(5) == .breaching)
        #expect(below.observe(15) == .holding)
        #expect(below.observe(25) == .clear)

        var machine = AlertStateMachine()
        let settings = AlertStateMachine.Settings(forMilliseconds: 0, flapThreshold: 0)
        var clock = TestClock()
        #expect(machine.observe(condition.observe(95), at: clock.now, settings: settings) == [.fire])
        for value in [89.0, 85, 81, 80.5] {
            clock.advance(seconds: 30)
            #expect(machine.observe(condition.observe(value), at: clock.now, settings: settings) == [])
            #expect(machine.isFiring)
        }
        clock.advance(seconds: 30)
        #expect(machine.observe(condition.observe(79.9), at: clock.now, settings: settings) == [.resolve])
    }

    @Test("flapping: one notice when changes reach the threshold, single changes muted, one when it settles")
    func flapping() {
        let settings = AlertStateMachine.Settings(forMilliseconds: 0, flapWindowMilliseconds: 600_000, flapThreshold: 4)
        var machine = AlertStateMachine()
        var clock = TestClock()
        var all: [AlertStateMachine.Action] = []
        for index in 0..<8 {
            clock.advance(seconds: 30)
            all += machine.observe(index % 2 == 0 ? .breaching : .clear, at: clock.now, settings: settings)
        }
        // fire, resolve, fire, then the 4th change starts flapping; the rest are muted.
        #expect(all == [.fire, .resolve, .fire, .startFlapping])
        #expect(machine.isFlapping)
        // Stable (firing) for longer than the window: it stops flapping.
        var settled: [AlertStateMachine.Action] = []
        for _ in 0..<25 {
            clock.advance(seconds: 30)
            settled += machine.observe(.breaching, at: clock.now, settings: settings)
        }
        #expect(settled == [.stopFlapping])
        #expect(!machine.isFlapping)
        #expect(machine.isFiring)
    }

    @Test("restart: a stored pending machine fires on time after decoding")
    func restartRecovery() throws {
        var clock = TestClock()
        var machine = AlertStateMachine()
        _ = machine.observe(.breaching, at: clock.now, settings: self.noFlapping)
        let stored = try JSONEncoder().encode(machine)
        // The process restarts 45 s later.
        clock.advance(seconds: 45)
        var restored = try JSONDecoder().decode(AlertStateMachine.self, from: stored)
        #expect(restored == machine)
        #expect(restored.observe(.breaching, at: clock.now, settings: self.noFlapping) == [])
        clock.advance(seconds: 15)
        #expect(restored.observe(.breaching, at: clock.now, settings: self.noFlapping) == [.fire])
        // A firing alert restored does not fire again.
        let firing = try JSONEncoder().encode(restored)
        var again = try JSONDecoder().decode(AlertStateMachine.self, from: firing)
        clock.advance(seconds: 30)
        #expect(again.observe(.breaching, at: clock.now, settings: self.noFlapping) == [])
    }
}
