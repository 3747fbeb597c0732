import Dispatch
import Foundation
internal import GRDB
public import Logging
import Metrics
public import NetmonCore
public import ServiceLifecycle
import Synchronization

/// The single writer of flows: a bounded queue that collectors fill without waiting, drained by a
/// service into batched transactions of raw records, with the per-minute top-key aggregates kept
/// in memory and written as each minute closes.
///
/// ``submit(_:)`` never blocks and never awaits, so a NIO receive path can call it. When a batch
/// does not fit in the queue (`queueCapacity` records, counting those being written) it is dropped
/// whole and counted. ``run()`` writes the queue in transactions of at most `batchSize` records, at
/// least every `flushInterval`; it feeds a ``FlowMinuteAggregator`` and writes each minute's rows
/// two minutes after the minute ends (by the wall clock); about once a minute it runs
/// ``FlowRetention``. On graceful shutdown (or cancellation) it stops accepting, writes every
/// accepted record, closes every open minute, writes its rows and returns. A failed commit is
/// logged, counted and retried a bounded number of times, then discarded and counted.
public final class FlowWriter: Service, Sendable {
    /// Commit attempts per batch before it is discarded.
    static let maximumAttempts = 3

    private let database: NetmonDatabase
    private let configuration: FlowStorageConfiguration
    private let logger: Logger
    private let queue: FlowQueue
    private let metrics = FlowWriterMetrics()
    private let aggregator: Mutex<FlowMinuteAggregator>
    private let retention: FlowRetention
    private let retentionInterval: Int64
    private let lastRetention = Mutex<Int64?>(nil)
    private let now: @Sendable () -> Int64
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates a writer into `database`, sized by `configuration`.
    ///
    /// - Parameters:
    ///   - retentionInterval: how often retention runs (default one minute).
    ///   - now: the wall clock in UTC epoch milliseconds; it closes minutes, stands in for a
    ///     missing `lastSwitched` and sets the retention cutoffs.
    public init(
        database: NetmonDatabase,
        configuration: FlowStorageConfiguration,
        logger: Logger,
        retentionInterval: Duration = .seconds(60),
        now: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down)) }
    ) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.queue = FlowQueue(capacity: configuration.queueCapacity, wakeThreshold: max(1, configuration.batchSize))
        self.aggregator = Mutex(FlowMinuteAggregator(topKeys: configuration.topKeysPerMinute))
        self.retention = FlowRetention(database: database, configuration: configuration)
        self.retentionInterval = retentionInterval.wholeMilliseconds
        (self.wakeups, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.metrics.queueDepth.record(0)
    }

    // MARK: Producers

    /// Enqueues `records` for writing, without blocking or waiting.
    ///
    /// - Returns: true if the whole batch was accepted; false if it was dropped (and counted)
    ///   because it did not fit in the queue or the writer is shutting down.
    @discardableResult
    public func submit(_ records: [FlowRecord]) -> Bool {
        guard !records.isEmpty else {
            return true
        }
        switch self.queue.offer(records) {
        case .accepted(let depth, let wakeWriter):
            self.metrics.accepted.increment(by: Int64(records.count))
            self.metrics.queueDepth.record(depth)
            if wakeWriter {
                self.wake.yield()
            }
            return true
        case .dropped:
            self.metrics.dropped.increment(by: Int64(records.count))
            return false
        }
    }

    /// A snapshot of the writer's counters.
    public var statistics: FlowWriterStatistics {
        self.queue.statistics
    }

    // MARK: Service

    /// Writes accepted records until graceful shutdown or cancellation, then writes every record
    /// still queued and every open minute, and returns.
    public func run() async throws {
        self.logger.info(
            "storage: flow writer started",
            metadata: [
                "flow.queue_capacity": "\(self.queue.capacity)",
                "flow.batch_size": "\(self.configuration.batchSize)",
                "flow.top_keys_per_minute": "\(self.configuration.topKeysPerMinute)",
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
        let rows = self.aggregator.withLock { $0.closeAll() }
        await self.writeMinuteRows(rows)
        let statistics = self.statistics
        self.logger.info(
            "storage: flow writer stopped",
            metadata: [
                "flow.written": "\(statistics.written)",
                "flow.minute_rows_written": "\(statistics.minuteRowsWritten)",
                "flow.dropped": "\(statistics.dropped)",
                "flow.discarded": "\(statistics.discarded)",
            ]
        )
    }

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
            let now = self.now()
            let rows = self.aggregator.withLock { $0.closeMinutes(now: now) }
            await self.writeMinuteRows(rows)
            if self.queue.isClosed {
                return
            }
            await self.runRetentionIfDue(now: now)
        }
    }

    /// Writes everything pending, in transactions of at most `batchSize` records, and adds it to
    /// the open minutes. Each batch is aggregated and committed before the next is looked at, so
    /// the records taken but not yet committed (which count against the queue's capacity) are
    /// released a batch at a time rather than after the whole take was aggregated.
    private func writePending() async {
        let batchSize = max(1, self.configuration.batchSize)
        while let taken = self.queue.takeAll() {
            let receivedAt = self.now()
            for batch in taken.batches(size: batchSize) {
                await self.aggregate(batch, receivedAt: receivedAt)
                let committed = await self.commitWithRetries(what: "flow batch", count: batch.count) { db in
                    try FlowBatchInserter.insertRaw(batch.records, receivedAt: receivedAt, db: db)
                }
                let depth = self.queue.finish(count: batch.count, committed: committed)
                if committed {
                    self.metrics.written.increment(by: Int64(batch.count))
                }
                self.metrics.queueDepth.record(depth)
            }
        }
    }

    /// Records folded into the open minutes per turn on the cooperative pool: the pool has one
    /// thread per core, and a second's flows at 15,000 records/s take milliseconds to fold, which
    /// the API's requests would otherwise wait behind.
    static let aggregationSlice = 2_048

    /// Adds `batch` to the open minutes about ``aggregationSlice`` records at a time (whole
    /// submissions), yielding between slices.
    private func aggregate(_ batch: FlowBatch, receivedAt: Int64) async {
        var start = 0
        while start < batch.parts.count {
            var end = start
            var records = 0
            while end < batch.parts.count && records < Self.aggregationSlice {
                records += batch.parts[end].count
                end += 1
            }
            let slice = batch.parts[start..<end]
            self.aggregator.withLock { $0.add(slice.joined(), receivedAt: receivedAt) }
            start = end
            if start < batch.parts.count { await Task.yield() }
        }
    }

    private func writeMinuteRows(_ rows: [FlowMinuteRow]) async {
        let batchSize = max(1, self.configuration.batchSize)
        var start = 0
        while start < rows.count {
            let end = min(start + batchSize, rows.count)
            let batch = rows[start..<end]
            let committed = await self.commitWithRetries(what: "flow minute rows", count: batch.count) { db in
                try FlowBatchInserter.insertMinutes(batch, db: db)
            }
            if committed {
                self.queue.countMinuteRows(batch.count)
                self.metrics.minuteRowsWritten.increment(by: Int64(batch.count))
            }
            start = end
        }
    }

    private func runRetentionIfDue(now: Int64) async {
        let due = self.lastRetention.withLock { last in
            guard let previous = last, now - previous < self.retentionInterval else {
                last = now
                return true
            }
            return false
        }
        guard due else { return }
        do {
            let result = try await self.retention.deleteExpired(now: now)
            let deleted = result.rawDeleted + result.minuteRowsDeleted
            if deleted > 0 {
                self.metrics.retentionDeleted.increment(by: Int64(deleted))
                self.logger.debug(
                    "storage: flow retention",
                    metadata: [
                        "flow.raw_deleted": "\(result.rawDeleted)",
                        "flow.minute_rows_deleted": "\(result.minuteRowsDeleted)",
                    ]
                )
            }
        } catch {
            self.logger.error("storage: flow retention failed", metadata: ["error": "\(error)"])
        }
    }

    /// Commits `body` in one immediate transaction, retrying; returns whether it committed.
    private func commitWithRetries(
        what: String,
        count: Int,
        _ body: @escaping @Sendable (Database) throws -> Void
    ) async -> Bool {
        for attempt in 1...Self.maximumAttempts {
            do {
                try await self.commit(body)
                return true
            } catch {
                self.queue.countCommitError()
                self.metrics.commitErrors.increment()
                self.logger.error(
                    "storage: \(what) commit failed",
                    metadata: [
                        "storage.path": "\(self.database.path)",
                        "flow.batch_rows": "\(count)",
                        "storage.attempt": "\(attempt)",
                        "error": "\(error)",
                    ]
                )
                if attempt < Self.maximumAttempts {
                    await Self.pause(milliseconds: 100 * attempt)
                }
            }
        }
        self.logger.error(
            "storage: \(what) discarded after repeated commit failures",
            metadata: ["flow.batch_rows": "\(count)"]
        )
        return false
    }

    /// Commits on GRDB's writer queue. Not cancellable: once taken, records are written even while
    /// the task is being cancelled.
    private func commit(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.database.pool.asyncWriteWithoutTransaction { db in
                do {
                    try db.inTransaction(.immediate) {
                        try body(db)
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
