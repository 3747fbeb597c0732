import NetmonCore
import Synchronization

/// The bounded queue between flow producers and the ``FlowWriter``'s run loop.
///
/// Capacity counts records waiting *and* records taken by the writer but not yet committed, so
/// memory stays bounded however slow the disk is. Producers never wait: a batch that does not fit
/// is refused whole. Batches are kept as they came (the arrays are shared, not copied): a
/// producer's array is handed to the writer without moving a record.
final class FlowQueue: Sendable {
    enum Admission {
        case accepted(depth: Int, wakeWriter: Bool)
        case dropped
    }

    private struct State {
        var pending: [[FlowRecord]] = []
        var pendingCount = 0
        var inFlight = 0
        var closed = false
        var statistics = FlowWriterStatistics()
    }

    let capacity: Int
    private let wakeThreshold: Int
    private let state: Mutex<State>

    /// Creates a queue holding at most `capacity` records, asking for a write once `wakeThreshold`
    /// records are pending.
    init(capacity: Int, wakeThreshold: Int) {
        self.capacity = max(0, capacity)
        self.wakeThreshold = max(1, wakeThreshold)
        var state = State()
        state.statistics.queueCapacity = self.capacity
        self.state = Mutex(state)
    }

    /// Appends `records` if all fit and the queue is open.
    func offer(_ records: [FlowRecord]) -> Admission {
        let count = records.count
        return self.state.withLock { state in
            let depth = state.pendingCount + state.inFlight
            guard !state.closed, depth + count <= self.capacity else {
                state.statistics.dropped += count
                return .dropped
            }
            let wasBelowThreshold = state.pendingCount < self.wakeThreshold
            state.pending.append(records)
            state.pendingCount += count
            state.statistics.accepted += count
            return .accepted(
                depth: depth + count,
                wakeWriter: wasBelowThreshold && state.pendingCount >= self.wakeThreshold
            )
        }
    }

    /// Refuses every later offer. Returns false if it was already closed.
    @discardableResult
    func close() -> Bool {
        self.state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool {
        self.state.withLock { $0.closed }
    }

    /// Takes every pending record, or nil if none.
    func takeAll() -> FlowQueueTake? {
        self.state.withLock { state in
            guard state.pendingCount > 0 else {
                return nil
            }
            var taken: [[FlowRecord]] = []
            swap(&taken, &state.pending)
            state.inFlight += state.pendingCount
            state.pendingCount = 0
            return FlowQueueTake(submissions: taken)
        }
    }

    /// Records the end of one transaction of `count` taken records; returns the queue depth.
    func finish(count: Int, committed: Bool) -> Int {
        self.state.withLock { state in
            state.inFlight -= count
            if committed {
                state.statistics.written += count
            } else {
                state.statistics.discarded += count
            }
            return state.pendingCount + state.inFlight
        }
    }

    /// Counts rows committed to `flows_minute`.
    func countMinuteRows(_ count: Int) {
        self.state.withLock { $0.statistics.minuteRowsWritten += count }
    }

    /// Counts one failed commit attempt.
    func countCommitError() {
        self.state.withLock { $0.statistics.commitErrors += 1 }
    }

    /// A snapshot of the counters.
    var statistics: FlowWriterStatistics {
        self.state.withLock { state in
            var statistics = state.statistics
            statistics.queueDepth = state.pendingCount + state.inFlight
            return statistics
        }
    }
}
