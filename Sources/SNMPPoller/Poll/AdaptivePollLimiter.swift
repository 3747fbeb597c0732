import Synchronization

/// Admits polls while fewer than the `PollWindow`'s limit are in flight, and adapts that limit to
/// the outcome of every request (it is the `SNMPRequestObserver` of the clients it admits polls
/// for). Waiters are admitted in order; a limit that shrinks below the polls in flight lets them
/// finish and admits nobody until they have; a limit that grows admits waiters at once. Waiting
/// suspends (no busy wait) and ends with `CancellationError` when the waiting task is cancelled.
package final class AdaptivePollLimiter: SNMPRequestObserver, Sendable {
    /// The window's state, for /metrics and benchmarks.
    package struct Snapshot: Sendable, Hashable {
        package var limit: Int
        package var inFlight: Int
        package var waiting: Int
        package var decreases: Int
        /// The smallest limit the window has had.
        package var lowestLimit: Int
        /// Congestion signals seen (acted on or not), by kind: first-try answers slower than
        /// half the timeout, answers after a retransmission, timeouts right after an answer.
        package var slowAnswers: Int
        package var lateAnswers: Int
        package var timeoutsAfterAnswer: Int
    }

    private struct State {
        var window: PollWindow<ContinuousClock.Instant>
        var inFlight = 0
        var lowestLimit: Int
        var signals: [PollWindow<ContinuousClock.Instant>.Outcome: Int] = [:]
        var nextWaiterID = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []

        /// Admits waiters while the window has room; returns them, to be resumed outside the lock.
        mutating func admitWaiters() -> [CheckedContinuation<Void, any Error>] {
            var admitted: [CheckedContinuation<Void, any Error>] = []
            while self.inFlight < self.window.limit, !self.waiters.isEmpty {
                self.inFlight += 1
                admitted.append(self.waiters.removeFirst().continuation)
            }
            return admitted
        }
    }

    private let state: Mutex<State>
    private let onChange: @Sendable (PollWindow<ContinuousClock.Instant>.Change) -> Void

    /// - Parameters:
    ///   - window: the window to start from (normally at its ceiling).
    ///   - onChange: called (outside the lock) whenever the limit changes, e.g. to update /metrics.
    package init(
        window: PollWindow<ContinuousClock.Instant>,
        onChange: @escaping @Sendable (PollWindow<ContinuousClock.Instant>.Change) -> Void = { _ in }
    ) {
        self.state = Mutex(State(window: window, lowestLimit: window.limit))
        self.onChange = onChange
    }

    package var snapshot: Snapshot {
        self.state.withLock { state in
            Snapshot(
                limit: state.window.limit,
                inFlight: state.inFlight,
                waiting: state.waiters.count,
                decreases: state.window.decreases,
                lowestLimit: state.lowestLimit,
                slowAnswers: state.signals[.answeredSlowly, default: 0],
                lateAnswers: state.signals[.answeredAfterRetransmission, default: 0],
                timeoutsAfterAnswer: state.signals[.timedOutAfterAnswer, default: 0]
            )
        }
    }

    /// Waits until the window admits one more poll. Every successful call must be matched by one
    /// `release()`.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting (nothing to release).
    package func acquire() async throws {
        let id = self.state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let admitted: Bool? = self.state.withLock { state in
                    // Checked under the lock: a cancellation handler that ran before the waiter is
                    // queued finds nothing to remove, so the waiter must not be queued at all.
                    if Task.isCancelled { return nil }
                    if state.waiters.isEmpty, state.inFlight < state.window.limit {
                        state.inFlight += 1
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return false
                }
                switch admitted {
                case nil: continuation.resume(throwing: CancellationError())
                case true?: continuation.resume()
                case false?: break
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Ends one admitted poll and admits the next waiters the window has room for.
    package func release() {
        let admitted = self.state.withLock { state in
            state.inFlight = max(0, state.inFlight - 1)
            return state.admitWaiters()
        }
        for waiter in admitted { waiter.resume() }
    }

    /// What one request's completion tells the window.
    static func windowOutcome(_ completion: SNMPRequestCompletion) -> PollWindow<ContinuousClock.Instant>.Outcome {
        switch completion.outcome {
        case .answered:
            completion.completedAt - completion.sentAt > completion.timeout / 2 ? .answeredSlowly : .answered
        case .answeredAfterRetransmission: .answeredAfterRetransmission
        case .timedOut: completion.followsAnswer ? .timedOutAfterAnswer : .unanswered
        case .rejected, .failed: .unanswered
        }
    }

    /// Adapts the window to one request's outcome.
    package func completed(_ completion: SNMPRequestCompletion) {
        let outcome = Self.windowOutcome(completion)
        let (change, admitted) = self.state.withLock { state in
            let change = state.window.record(
                outcome,
                sentAt: completion.sentAt,
                now: completion.completedAt,
                inFlight: state.inFlight
            )
            state.lowestLimit = min(state.lowestLimit, state.window.limit)
            if outcome.isCongestion { state.signals[outcome, default: 0] += 1 }
            return (change, change == nil ? [] : state.admitWaiters())
        }
        for waiter in admitted { waiter.resume() }
        if let change { self.onChange(change) }
    }
}
