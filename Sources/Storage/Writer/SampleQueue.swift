import NetmonCore
import Synchronization

/// The bounded queue between producers and the ``SampleWriter``'s run loop.
///
/// Capacity counts samples waiting *and* samples taken by the writer but not yet committed, so
/// memory stays bounded however slow the disk is. Producers never wait: a batch that does not fit
/// is refused whole.
final class SampleQueue: Sendable {
    /// Samples taken by the writer in one go, with the sequence number of the first.
    struct Taken: Sendable {
        var samples: [Sample]
        var firstSequence: UInt64
    }

    enum Admission {
        case accepted(depth: Int, wakeWriter: Bool)
        case dropped
    }

    private struct State {
        var pending: [Sample] = []
        var inFlight = 0
        var closed = false
        var statistics: SampleWriterStatistics
        /// The sequence number of the last sample taken by the writer.
        var takenThrough: UInt64 = 0
    }

    let capacity: Int
    private let wakeThreshold: Int
    private let state: Mutex<State>

    /// Creates a queue holding at most `capacity` samples, asking for a write once `wakeThreshold`
    /// samples are pending.
    init(capacity: Int, wakeThreshold: Int) {
        self.capacity = max(0, capacity)
        self.wakeThreshold = max(1, wakeThreshold)
        self.state = Mutex(State(statistics: SampleWriterStatistics(queueCapacity: max(0, capacity))))
    }

    /// Appends `samples` if all fit and the queue is open.
    func offer(_ samples: [Sample]) -> Admission {
        let count = samples.count
        return self.state.withLock { state in
            let depth = state.pending.count + state.inFlight
            guard !state.closed, depth + count <= self.capacity else {
                state.statistics.dropped += count
                return .dropped
            }
            let wasBelowThreshold = state.pending.count < self.wakeThreshold
            state.pending.append(contentsOf: samples)
            state.statistics.accepted += count
            return .accepted(
                depth: depth + count,
                wakeWriter: wasBelowThreshold && state.pending.count >= self.wakeThreshold
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

    /// Takes every pending sample, or nil if none.
    func takeAll() -> Taken? {
        self.state.withLock { state in
            guard !state.pending.isEmpty else {
                return nil
            }
            var samples: [Sample] = []
            swap(&samples, &state.pending)
            state.pending.reserveCapacity(min(samples.count, self.capacity))
            state.inFlight += samples.count
            let first = state.takenThrough + 1
            state.takenThrough += UInt64(samples.count)
            return Taken(samples: samples, firstSequence: first)
        }
    }

    /// Records the end of one transaction of `count` taken samples; returns the queue depth.
    func finish(count: Int, committed: Bool) -> Int {
        self.state.withLock { state in
            state.inFlight -= count
            if committed {
                state.statistics.written += count
                state.statistics.batchesCommitted += 1
            } else {
                state.statistics.discarded += count
            }
            return state.pending.count + state.inFlight
        }
    }

    /// Counts one failed commit attempt.
    func countCommitError() {
        self.state.withLock { $0.statistics.commitErrors += 1 }
    }

    /// A snapshot of the counters.
    var statistics: SampleWriterStatistics {
        self.state.withLock { state in
            var statistics = state.statistics
            statistics.queueDepth = state.pending.count + state.inFlight
            return statistics
        }
    }
}
