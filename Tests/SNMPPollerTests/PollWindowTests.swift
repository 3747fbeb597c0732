import Testing

@testable import SNMPPoller

/// The AIMD poll window, driven by synthetic request outcomes and a clock of plain integers.
@Suite("Poll window (AIMD)")
struct PollWindowTests {
    typealias Window = PollWindow<Int>

    /// Completes a window's worth of requests without growing it (nothing in flight), so the
    /// next late answer may shrink it again.
    private static func completeRound(_ window: inout Window, at time: Int) {
        for _ in 0...window.limit { _ = window.record(.answered, sentAt: time, now: time, inFlight: 0) }
    }

    @Test("starts at the ceiling and clamps its floor into 1...ceiling")
    func bounds() {
        #expect(Window(ceiling: 200, floor: 4).limit == 200)
        #expect(Window(ceiling: 3, floor: 4).floor == 3)
        #expect(Window(ceiling: 0, floor: 0).limit == 1)
        #expect(Window(ceiling: 10, floor: 0).floor == 1)
    }

    @Test("a late answer shrinks the window multiplicatively")
    func lateAnswerShrinks() {
        var window = Window(ceiling: 200, floor: 4)
        let change = window.record(.answeredAfterRetransmission, sentAt: 1, now: 5, inFlight: 200)
        #expect(change == .init(limit: 140, decreased: true))
        #expect(window.decreases == 1)
        #expect(window.lastDecrease == 5)
    }

    @Test("late answers to requests sent before the last decrease do not shrink it again")
    func oneDecreasePerRound() {
        var window = Window(ceiling: 200, floor: 4)
        _ = window.record(.answeredAfterRetransmission, sentAt: 1, now: 10, inFlight: 200)
        // A burst: everything queued with the old window comes back late.
        for sent in 2...10 {
            #expect(window.record(.answeredAfterRetransmission, sentAt: sent, now: 11, inFlight: 190) == nil)
        }
        #expect(window.limit == 140)
        #expect(window.decreases == 1)
        // A request sent after the decrease, late again once a window's worth has completed: a new signal.
        for _ in 0..<131 { _ = window.record(.answered, sentAt: 11, now: 12, inFlight: 140) }
        #expect(window.record(.answeredAfterRetransmission, sentAt: 12, now: 20, inFlight: 140)?.limit == 98)
        #expect(window.decreases == 2)
    }

    @Test("no further decrease until the polls in flight fit in the smaller window")
    func drainFirst() {
        var window = Window(ceiling: 200, floor: 4)
        _ = window.record(.answeredAfterRetransmission, sentAt: 0, now: 1, inFlight: 200)
        Self.completeRound(&window, at: 2)
        // 180 polls still in flight (admitted under the old window): late answers are expected.
        #expect(window.record(.answeredAfterRetransmission, sentAt: 2, now: 3, inFlight: 180) == nil)
        #expect(window.limit == 140)
        // Drained to the window: a late answer now means the window is still too large.
        #expect(window.record(.answeredAfterRetransmission, sentAt: 3, now: 4, inFlight: 140)?.limit == 98)
    }

    @Test("one agent that always answers late shrinks the window once per round, not once per request")
    func oneSlowAgent() {
        var window = Window(ceiling: 100, floor: 4)
        var time = 0
        // Its requests go one after the other, each sent right after the previous late answer;
        // meanwhile the other agents complete 10 requests: 5 late answers within one round of 70.
        for _ in 0..<5 {
            time += 1
            _ = window.record(.answeredAfterRetransmission, sentAt: time - 1, now: time, inFlight: 100)
            for _ in 0..<10 { _ = window.record(.answered, sentAt: time, now: time, inFlight: 70) }
        }
        #expect(window.decreases == 1)
        #expect(window.limit == 70)
    }

    @Test("one late agent among many quick ones keeps the window near the ceiling")
    func oneSlowAgentInAFastFleet() {
        // 100 polls in flight, 0.1 s round trips: ~3,000 first-try answers between two late
        // answers of an agent that answers 1 s after its 2 s timeout.
        var window = Window(ceiling: 100, floor: 4)
        var time = 0
        for _ in 0..<50 {
            time += 1
            _ = window.record(.answeredAfterRetransmission, sentAt: time - 1, now: time, inFlight: window.limit)
            for _ in 0..<3000 { _ = window.record(.answered, sentAt: time, now: time, inFlight: window.limit) }
        }
        #expect(window.limit == 100)
    }

    @Test("slow first-try answers and timeouts right after an answer are congestion too")
    func otherSignals() {
        for signal in [Window.Outcome.answeredSlowly, .timedOutAfterAnswer] {
            var window = Window(ceiling: 100, floor: 4)
            #expect(window.record(signal, sentAt: 0, now: 1, inFlight: 100) == .init(limit: 70, decreased: true))
        }
        #expect(!Window.Outcome.answered.isCongestion)
        #expect(!Window.Outcome.unanswered.isCongestion)
    }

    @Test("requests that time out on every try (a dead device) leave the window alone")
    func timeoutsAreNoSignal() {
        var window = Window(ceiling: 50, floor: 4)
        for time in 0..<1000 {
            #expect(window.record(.unanswered, sentAt: time, now: time + 4, inFlight: 50) == nil)
        }
        #expect(window.limit == 50)
        #expect(window.decreases == 0)
    }

    @Test("never below the floor, whatever the late answers")
    func floor() {
        var window = Window(ceiling: 200, floor: 4)
        for round in 0..<50 {
            Self.completeRound(&window, at: round * 10)
            _ = window.record(.answeredAfterRetransmission, sentAt: round * 10 + 1, now: round * 10 + 5, inFlight: 4)
        }
        #expect(window.limit == 4)
        #expect(window.size == 4)
        // At the floor a late answer is no change (and not counted as a decrease).
        let decreases = window.decreases
        #expect(window.record(.answeredAfterRetransmission, sentAt: 1000, now: 1001, inFlight: 4) == nil)
        #expect(window.decreases == decreases)
    }

    @Test("answers on the first try grow the window by one per window's worth of answers")
    func additiveIncrease() {
        var window = Window(ceiling: 200, floor: 4)
        _ = window.record(.answeredAfterRetransmission, sentAt: 0, now: 1, inFlight: 200)
        Self.completeRound(&window, at: 2)
        _ = window.record(.answeredAfterRetransmission, sentAt: 2, now: 3, inFlight: 140)
        #expect(window.limit == 98)
        var changes: [Window.Change] = []
        // One round: as many clean answers as the window holds.
        for _ in 0..<98 {
            if let change = window.record(.answered, sentAt: 4, now: 5, inFlight: 98) { changes.append(change) }
        }
        #expect(window.limit == 98 || window.limit == 99)
        for _ in 0..<150 {
            if let change = window.record(.answered, sentAt: 4, now: 5, inFlight: 98) { changes.append(change) }
        }
        #expect(window.limit == 100)
        #expect(changes == [.init(limit: 99, decreased: false), .init(limit: 100, decreased: false)])
    }

    @Test("grows back to the ceiling, never above it")
    func ceiling() {
        var window = Window(ceiling: 10, floor: 2)
        _ = window.record(.answeredAfterRetransmission, sentAt: 0, now: 1, inFlight: 10)
        #expect(window.limit == 7)
        for _ in 0..<1000 { _ = window.record(.answered, sentAt: 2, now: 3, inFlight: 10) }
        #expect(window.limit == 10)
        #expect(window.size == 10)
    }

    @Test("a window less than half used does not grow")
    func applicationLimited() {
        var window = Window(ceiling: 100, floor: 4)
        _ = window.record(.answeredAfterRetransmission, sentAt: 0, now: 1, inFlight: 100)
        #expect(window.limit == 70)
        for _ in 0..<1000 { _ = window.record(.answered, sentAt: 2, now: 3, inFlight: 34) }
        #expect(window.limit == 70)
        for _ in 0..<200 { _ = window.record(.answered, sentAt: 2, now: 3, inFlight: 36) }
        #expect(window.limit > 70)
    }

    @Test("whatever the outcomes, the limit stays within floor...ceiling and changes are reported")
    func invariants() {
        let outcomes: [Window.Outcome] = [
            .answered, .answeredSlowly, .answeredAfterRetransmission, .timedOutAfterAnswer, .unanswered,
        ]
        var generator = SplitMix(seed: 42)
        for (ceiling, floor) in [(1, 1), (2, 1), (10, 4), (200, 4), (5000, 5000)] {
            var window = Window(ceiling: ceiling, floor: floor)
            for time in 0..<20_000 {
                let outcome = outcomes[Int(generator.nextDouble() * Double(outcomes.count))]
                let inFlight = Int(generator.nextDouble() * Double(ceiling + 1))
                let sentAt = time - Int(generator.nextDouble() * 50)
                let before = window.limit
                let change = window.record(outcome, sentAt: sentAt, now: time, inFlight: inFlight)
                #expect((window.floor...window.ceiling).contains(window.limit))
                if let change {
                    #expect(change.limit == window.limit)
                    #expect(change.decreased == outcome.isCongestion)
                } else {
                    #expect(window.limit == before)
                }
            }
        }
    }

    @Test("a congested fleet settles well below the ceiling and stays above the floor")
    func settles() {
        // Agents that can serve 30 requests in flight in time: above that, a share of the
        // answers comes late (after a retransmission), more the more is queued.
        var window = Window(ceiling: 200, floor: 4)
        var generator = SplitMix(seed: 7)
        var time = 0
        var limits: [Int] = []
        for _ in 0..<200 {
            let inFlight = window.limit
            let lateShare = inFlight > 30 ? Double(inFlight - 30) / Double(inFlight) : 0.001
            for _ in 0..<inFlight {
                time += 1
                let late = generator.nextDouble() < lateShare
                _ = window.record(
                    late ? .answeredAfterRetransmission : .answered,
                    sentAt: time - inFlight,
                    now: time,
                    inFlight: inFlight
                )
            }
            limits.append(window.limit)
        }
        let settled = limits.suffix(100)
        #expect(settled.max()! <= 45)
        #expect(settled.min()! >= 10)
    }
}

/// A small deterministic generator, so the simulation is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }

    mutating func nextDouble() -> Double {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
