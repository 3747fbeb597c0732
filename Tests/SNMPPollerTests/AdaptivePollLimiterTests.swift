import Synchronization
import Testing

@testable import SNMPPoller

/// The gate in front of the polls: admits while the window has room, follows the window as it
/// shrinks and grows, admits waiters in order, and lets cancelled waiters go.
@Suite("Adaptive poll limiter")
struct AdaptivePollLimiterTests {
    /// A value tasks share (a `Mutex` local cannot be captured by a task).
    final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        var current: Value { self.value.withLock { $0 } }
        func update(_ body: @Sendable (inout Value) -> Void) { self.value.withLock { body(&$0) } }
    }

    private static func completion(
        _ outcome: SNMPRequestCompletion.Outcome,
        took elapsed: Duration = .milliseconds(10),
        followsAnswer: Bool = false
    ) -> SNMPRequestCompletion {
        let now = ContinuousClock.now
        return SNMPRequestCompletion(
            outcome: outcome,
            sentAt: now - elapsed,
            completedAt: now,
            timeout: .seconds(2),
            followsAnswer: followsAnswer
        )
    }

    /// Waits (bounded) until `condition` holds.
    private static func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition() {
            guard ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("admits up to the limit; the next waits until a release, in order")
    func admitsInOrder() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 2, floor: 1))
        try await limiter.acquire()
        try await limiter.acquire()
        #expect(limiter.snapshot.inFlight == 2)
        let order = Shared<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    try await limiter.acquire()
                    order.update { $0.append(index) }
                }
                // Queue them one after the other, so the order is known.
                try await Self.eventually { limiter.snapshot.waiting == index + 1 }
            }
            #expect(order.current.isEmpty)
            limiter.release()
            try await Self.eventually { order.current.count == 1 }
            limiter.release()
            try await Self.eventually { order.current.count == 2 }
            limiter.release()
            try await group.waitForAll()
        }
        #expect(order.current == [0, 1, 2])
        #expect(limiter.snapshot.inFlight == 2)
    }

    @Test("a late answer shrinks the limit: polls in flight finish, nobody new is admitted until below it")
    func shrinks() async throws {
        let changes = Shared<[Int]>([])
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 10, floor: 2)) { change in
            changes.update { $0.append(change.limit) }
        }
        for _ in 0..<10 { try await limiter.acquire() }
        limiter.completed(Self.completion(.answeredAfterRetransmission(retransmissions: 1)))
        #expect(limiter.snapshot.limit == 7)
        #expect(changes.current == [7])
        let admitted = Shared(false)
        let waiter = Task {
            try await limiter.acquire()
            admitted.update { $0 = true }
        }
        try await Self.eventually { limiter.snapshot.waiting == 1 }
        for _ in 0..<3 { limiter.release() }  // 7 in flight: still no room
        try await Task.sleep(for: .milliseconds(50))
        #expect(!admitted.current)
        limiter.release()  // 6 in flight
        try await waiter.value
        #expect(admitted.current)
        #expect(limiter.snapshot.inFlight == 7)
    }

    @Test("a growing limit admits waiters at once")
    func growthAdmits() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 4, floor: 1))
        for _ in 0..<4 { try await limiter.acquire() }
        limiter.completed(Self.completion(.answeredAfterRetransmission(retransmissions: 1)))
        #expect(limiter.snapshot.limit == 2)  // 4 × 0.7 = 2.8
        for _ in 0..<2 { limiter.release() }
        let waiter = Task { try await limiter.acquire() }
        try await Self.eventually { limiter.snapshot.waiting == 1 }
        // Clean answers while the window is full grow it back: 2.8 → 3 admits the waiter.
        for _ in 0..<2 { limiter.completed(Self.completion(.answered)) }
        try await waiter.value
        #expect(limiter.snapshot.limit == 3)
        #expect(limiter.snapshot.inFlight == 3)
    }

    @Test("timeouts and failures leave the limit alone")
    func noSignal() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 8, floor: 1))
        for _ in 0..<8 { try await limiter.acquire() }
        for _ in 0..<100 {
            limiter.completed(Self.completion(.timedOut))
            limiter.completed(Self.completion(.failed))
        }
        #expect(limiter.snapshot.limit == 8)
        #expect(limiter.snapshot.decreases == 0)
    }

    @Test("what a request's completion tells the window")
    func signals() {
        let outcome = AdaptivePollLimiter.windowOutcome
        #expect(outcome(Self.completion(.answered)) == .answered)
        #expect(outcome(Self.completion(.answered, took: .milliseconds(1_100))) == .answeredSlowly)
        #expect(
            outcome(Self.completion(.answeredAfterRetransmission(retransmissions: 1))) == .answeredAfterRetransmission
        )
        // Every try timed out: a dead device unless the same agent answered just before.
        #expect(outcome(Self.completion(.timedOut, took: .seconds(4))) == .unanswered)
        #expect(outcome(Self.completion(.timedOut, took: .seconds(4), followsAnswer: true)) == .timedOutAfterAnswer)
        #expect(outcome(Self.completion(.rejected)) == .unanswered)
        #expect(outcome(Self.completion(.failed)) == .unanswered)
        #expect(outcome(Self.completion(.failed, followsAnswer: true)) == .unanswered)
    }

    @Test("a cancelled waiter leaves the queue with CancellationError and takes no slot")
    func cancellation() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 1, floor: 1))
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        try await Self.eventually { limiter.snapshot.waiting == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(limiter.snapshot.waiting == 0)
        #expect(limiter.snapshot.inFlight == 1)
        // Already cancelled before waiting: refused at once.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await limiter.acquire()
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        limiter.release()
        try await limiter.acquire()  // the slot is free again
        #expect(limiter.snapshot.inFlight == 1)
    }
}
