import Dispatch
internal import GRDB
public import Logging
import Metrics
public import NetmonCore
public import ServiceLifecycle

/// The single writer of samples: a bounded queue that producers fill without waiting, drained by a
/// service into ordered, batched transactions.
///
/// ``submit(_:)`` never blocks and never awaits, so it can be called from a NIO receive path. When
/// a batch does not fit in the queue (`queueCapacity` samples, counting those being written) it is
/// dropped whole and counted. ``run()`` writes the queue in transactions of at most `batchSize`
/// samples, at least every `flushInterval`, in the order samples were accepted, and keeps
/// `series_latest` current. On graceful shutdown (or cancellation) it stops accepting, writes every
/// accepted sample and returns. A failed commit is logged, counted and retried a bounded number of
/// times; a batch that still fails is discarded and counted, never a crash.
public final class SampleWriter: Service, Sendable {
    /// Commit attempts per batch before it is discarded.
    static let maximumAttempts = 3

    private let database: NetmonDatabase
    private let configuration: StorageConfiguration
    private let logger: Logger
    private let queue: SampleQueue
    private let metrics = SampleWriterMetrics()
    private let onBatchCommitted: (@Sendable (CommittedBatch) -> Void)?
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates a writer into `database`, sized by `configuration` (`queueCapacity`, `batchSize`,
    /// `flushInterval`).
    ///
    /// - Parameter onBatchCommitted: called after each committed transaction, on the writer's task.
    public init(
        database: NetmonDatabase,
        configuration: StorageConfiguration,
        logger: Logger,
        onBatchCommitted: (@Sendable (CommittedBatch) -> Void)? = nil
    ) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.onBatchCommitted = onBatchCommitted
        let batchSize = max(1, configuration.batchSize)
        self.queue = SampleQueue(capacity: configuration.queueCapacity, wakeThreshold: batchSize)
        (self.wakeups, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.metrics.queueCapacity.record(self.queue.capacity)
        self.metrics.queueDepth.record(0)
    }

    // MARK: Producers

    /// Enqueues `samples` for writing, without blocking or waiting.
    ///
    /// - Returns: true if the whole batch was accepted; false if it was dropped (and counted)
    ///   because it did not fit in the queue or the writer is shutting down.
    @discardableResult
    public func submit(_ samples: [Sample]) -> Bool {
        guard !samples.isEmpty else {
            return true
        }
        switch self.queue.offer(samples) {
        case .accepted(let depth, let wakeWriter):
            self.metrics.accepted.increment(by: Int64(samples.count))
            self.metrics.queueDepth.record(depth)
            if wakeWriter {
                self.wake.yield()
            }
            return true
        case .dropped:
            self.metrics.dropped.increment(by: Int64(samples.count))
            return false
        }
    }

    /// A snapshot of the writer's counters.
    public var statistics: SampleWriterStatistics {
        self.queue.statistics
    }

    // MARK: Service

    /// Writes accepted samples until graceful shutdown or cancellation, then writes every sample
    /// still queued and returns.
    public func run() async throws {
        self.logger.info(
            "storage: sample writer started",
            metadata: [
                "storage.queue_capacity": "\(self.queue.capacity)",
                "storage.batch_size": "\(self.configuration.batchSize)",
            ]
        )
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        await self.tickEveryFlushInterval()
                    }
                    await self.writeUntilClosed()
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                self.stopAccepting()
            }
        } onCancel: {
            self.stopAccepting()
        }
        self.stopAccepting()
        await self.writePending()
        let statistics = self.statistics
        self.logger.info(
            "storage: sample writer stopped",
            metadata: [
                "storage.written": "\(statistics.written)",
                "storage.dropped": "\(statistics.dropped)",
                "storage.discarded": "\(statistics.discarded)",
            ]
        )
    }

    /// Refuses further samples and wakes the run loop so it writes what is queued and returns.
    private func stopAccepting() {
        if self.queue.close() {
            self.wake.yield()
        }
    }

    private func tickEveryFlushInterval() async {
        let interval = max(self.configuration.flushInterval, .milliseconds(1))
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            self.wake.yield()
        }
    }

    private func writeUntilClosed() async {
        for await _ in self.wakeups {
            await self.writePending()
            if self.queue.isClosed {
                return
            }
        }
    }

    /// Writes everything pending, in transactions of at most `batchSize` samples.
    private func writePending() async {
        let batchSize = max(1, self.configuration.batchSize)
        while let taken = self.queue.takeAll() {
            var start = 0
            while start < taken.samples.count {
                let end = min(start + batchSize, taken.samples.count)
                let lastSequence = taken.firstSequence + UInt64(end) - 1
                await self.writeBatch(taken.samples[start..<end], lastSequence: lastSequence)
                start = end
            }
        }
    }

    private func writeBatch(_ batch: ArraySlice<Sample>, lastSequence: UInt64) async {
        // In index order (time bucket, series, time): each index page is visited once per batch.
        let bucket = NetmonDatabase.sampleBucketMilliseconds
        var sorted = Array(batch)
        sorted.sort {
            ($0.timestamp / bucket, $0.seriesID, $0.timestamp) < ($1.timestamp / bucket, $1.seriesID, $1.timestamp)
        }
        for attempt in 1...Self.maximumAttempts {
            let clock = ContinuousClock()
            let start = clock.now
            do {
                try await self.commit(sorted)
                let duration = clock.now - start
                let depth = self.queue.finish(count: sorted.count, committed: true)
                self.metrics.written.increment(by: Int64(sorted.count))
                self.metrics.batchesCommitted.increment()
                self.metrics.commitDuration.record(duration: duration)
                self.metrics.queueDepth.record(depth)
                self.onBatchCommitted?(
                    CommittedBatch(sampleCount: sorted.count, lastSequence: lastSequence, duration: duration)
                )
                return
            } catch {
                self.queue.countCommitError()
                self.metrics.commitErrors.increment()
                self.logger.error(
                    "storage: sample batch commit failed",
                    metadata: [
                        "storage.path": "\(self.database.path)",
                        "storage.batch_samples": "\(sorted.count)",
                        "storage.attempt": "\(attempt)",
                        "error": "\(error)",
                    ]
                )
                if attempt < Self.maximumAttempts {
                    // Back off without observing cancellation: accepted samples are still owed.
                    await Self.pause(milliseconds: 100 * attempt)
                }
            }
        }
        let depth = self.queue.finish(count: sorted.count, committed: false)
        self.metrics.queueDepth.record(depth)
        self.logger.error(
            "storage: sample batch discarded after repeated commit failures",
            metadata: ["storage.batch_samples": "\(sorted.count)", "storage.last_sequence": "\(lastSequence)"]
        )
    }

    /// Commits one sorted batch on GRDB's writer queue. Not cancellable: once taken, samples are
    /// written even while the task is being cancelled.
    private func commit(_ sorted: [Sample]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.database.pool.asyncWriteWithoutTransaction { db in
                do {
                    try db.inTransaction(.immediate) {
                        try SampleBatchInserter.insert(sorted: sorted[...], db: db)
                        return .commit
                    }
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func pause(milliseconds: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                continuation.resume()
            }
        }
    }
}
