import GRDB
import NetmonCore
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import Storage

@Suite("SampleWriter")
struct SampleWriterTests {
    /// `count` samples over `seriesCount` series, 60 s apart per series, starting at sequence `offset`.
    static func samples(_ range: Range<Int>, seriesCount: Int) -> [Sample] {
        range.map { n in
            Sample(
                seriesID: Int64(n % seriesCount + 1),
                timestamp: 1_700_000_000_000 + Int64(n / seriesCount) * 60_000,
                value: Double(n)
            )
        }
    }

    @Test("writes 1,000,000 samples, all present and counted")
    func millionSamples() async throws {
        try await withTemporaryDatabase(queueCapacity: 200_000, batchSize: 20_000) { database, configuration in
            let writer = SampleWriter(database: database, configuration: configuration, logger: quietLogger)
            let total = 1_000_000
            let chunk = 1_000
            var refused = 0
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    var start = 0
                    while start < total {
                        let batch = Self.samples(start..<(start + chunk), seriesCount: 1_000)
                        if writer.submit(batch) {
                            start += chunk
                        } else {
                            refused += 1
                            try await Task.sleep(for: .milliseconds(2))
                        }
                    }
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            let statistics = writer.statistics
            #expect(statistics.accepted == total)
            #expect(statistics.written == total)
            #expect(statistics.dropped == refused * chunk)
            #expect(statistics.queueDepth == 0)
            #expect(statistics.commitErrors == 0)
            #expect(statistics.batchesCommitted >= total / configuration.batchSize)
            let (count, distinct, sum, latest) = try await database.pool.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM samples")!,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT DISTINCT series_id, ts FROM samples)")!,
                    try Double.fetchOne(db, sql: "SELECT sum(value) FROM samples")!,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM series_latest")!
                )
            }
            #expect(count == total)
            #expect(distinct == total)
            #expect(sum == Double(total - 1) * Double(total) / 2)
            #expect(latest == 1_000)
        }
    }

    @Test("a full queue drops whole batches and counts them; accepted samples all land")
    func queueFullDrops() async throws {
        try await withTemporaryDatabase(queueCapacity: 1_000, batchSize: 400) { database, configuration in
            let writer = SampleWriter(database: database, configuration: configuration, logger: quietLogger)
            var accepted: [Sample] = []
            var results: [Bool] = []
            for round in 0..<5 {
                let batch = Self.samples((round * 300)..<(round * 300 + 300), seriesCount: 7)
                let ok = writer.submit(batch)
                results.append(ok)
                if ok { accepted += batch }
            }
            let small = Self.samples(10_000..<10_100, seriesCount: 7)
            results.append(writer.submit(small))
            accepted += small
            #expect(results == [true, true, true, false, false, true])
            #expect(writer.submit(Self.samples(20_000..<20_001, seriesCount: 7)) == false)

            var statistics = writer.statistics
            #expect(statistics.accepted == 1_000)
            #expect(statistics.dropped == 601)
            #expect(statistics.queueDepth == 1_000)
            #expect(statistics.written == 0)

            try await testGracefulShutdown { trigger in
                trigger.triggerGracefulShutdown()
                try await writer.run()
            }
            statistics = writer.statistics
            #expect(statistics.written == 1_000)
            #expect(statistics.queueDepth == 0)
            #expect(statistics.batchesCommitted == 3)
            let stored = try await database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT series_id, ts, value FROM samples").map {
                    Sample(seriesID: $0[0], timestamp: $0[1], value: $0[2])
                }
            }
            #expect(Set(stored) == Set(accepted))
            #expect(stored.count == accepted.count)
        }
    }

    @Test("graceful shutdown writes every accepted sample, then refuses more")
    func gracefulShutdownFlushes() async throws {
        // A long flush interval and a large batch: only the shutdown can flush these samples.
        try await withTemporaryDatabase(batchSize: 100_000, flushInterval: .seconds(3_600)) { database, configuration in
            let committed = CommitLog()
            let writer = SampleWriter(
                database: database,
                configuration: configuration,
                logger: quietLogger,
                onBatchCommitted: { committed.append($0) }
            )
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    for start in stride(from: 0, to: 12_345, by: 15) {
                        #expect(writer.submit(Self.samples(start..<min(start + 15, 12_345), seriesCount: 10)))
                    }
                    try await Task.sleep(for: .milliseconds(100))
                    #expect(writer.statistics.written == 0)
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            #expect(writer.submit(Self.samples(0..<1, seriesCount: 1)) == false)
            #expect(writer.statistics.written == 12_345)
            #expect(committed.batches.last?.lastSequence == 12_345)
            let count = try await SampleStore(database: database).sampleCount()
            #expect(count == 12_345)
        }
    }

    @Test("the flush interval bounds how long a sample waits")
    func flushInterval() async throws {
        try await withTemporaryDatabase(batchSize: 100_000, flushInterval: .milliseconds(50)) {
            database,
            configuration in
            let writer = SampleWriter(database: database, configuration: configuration, logger: quietLogger)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    #expect(writer.submit(Self.samples(0..<10, seriesCount: 2)))
                    let clock = ContinuousClock()
                    // Without the flush interval nothing would be written before shutdown (the batch
                    // size is never reached); the generous deadline only absorbs a loaded machine.
                    let deadline = clock.now + .seconds(20)
                    while writer.statistics.written < 10, clock.now < deadline {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(writer.statistics.written == 10)
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
    }
}

/// Collects committed-batch reports from the writer's task.
final class CommitLog: Sendable {
    private let storage = Mutex<[CommittedBatch]>([])

    func append(_ batch: CommittedBatch) {
        self.storage.withLock { $0.append(batch) }
    }

    var batches: [CommittedBatch] {
        self.storage.withLock { $0 }
    }
}

@Suite("SampleWriter failures")
struct SampleWriterFailureTests {
    @Test("a batch that never commits is retried, then discarded and counted; later batches still land")
    func failingBatch() async throws {
        try await withTemporaryDatabase(batchSize: 100) { database, configuration in
            try await database.pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TEMP TRIGGER refuse_negative BEFORE INSERT ON samples WHEN NEW.value < 0
                        BEGIN SELECT RAISE(ABORT, 'refused by test'); END
                        """
                )
            }
            let writer = SampleWriter(database: database, configuration: configuration, logger: quietLogger)
            let good = SampleWriterTests.samples(0..<100, seriesCount: 5)
            var bad = SampleWriterTests.samples(100..<200, seriesCount: 5)
            bad[50].value = -1
            let later = SampleWriterTests.samples(200..<300, seriesCount: 5)
            #expect(writer.submit(good) && writer.submit(bad) && writer.submit(later))
            try await testGracefulShutdown { trigger in
                trigger.triggerGracefulShutdown()
                try await writer.run()
            }
            let statistics = writer.statistics
            #expect(statistics.commitErrors == SampleWriter.maximumAttempts)
            #expect(statistics.discarded == 100)
            #expect(statistics.written == 200)
            #expect(statistics.batchesCommitted == 2)
            #expect(statistics.queueDepth == 0)
            let stored = try await SampleStore(database: database).sampleCount()
            #expect(stored == 200)
        }
    }
}
