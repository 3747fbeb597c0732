import Foundation
import GRDB
import NetmonCore
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import Storage

/// A wall clock that tests move by hand.
final class ManualClock: Sendable {
    private let milliseconds: Mutex<Int64>

    init(_ start: Int64) {
        self.milliseconds = Mutex(start)
    }

    var now: Int64 { self.milliseconds.withLock { $0 } }

    func set(_ value: Int64) {
        self.milliseconds.withLock { $0 = value }
    }
}

@Suite("FlowWriter")
struct FlowWriterTests {
    static func sums(_ database: NetmonDatabase, table: String) async throws -> FlowCounters {
        try await database.pool.read { db in
            let flows = table == "flows_raw_packed" ? "sum(records)" : "sum(flows)"
            let row = try Row.fetchOne(db, sql: "SELECT sum(packets), sum(bytes), \(flows) FROM \(table)")!
            return FlowCounters(
                packets: UInt64((row[0] as Int64?) ?? 0),
                bytes: UInt64((row[1] as Int64?) ?? 0),
                flows: UInt64((row[2] as Int64?) ?? 0)
            )
        }
    }

    @Test("records submitted land as raw rows and minute rows; graceful shutdown flushes everything")
    func endToEnd() async throws {
        try await withTemporaryDatabase { database, _ in
            let configuration = FlowStorageConfiguration(
                topKeysPerMinute: 20,
                queueCapacity: 100_000,
                batchSize: 1_000,
                flushInterval: .milliseconds(20)
            )
            let clock = ManualClock(flowBaseTime)
            let writer = FlowWriter(
                database: database,
                configuration: configuration,
                logger: quietLogger,
                now: { clock.now }
            )
            let records = FlowFixtures.records(count: 10_000, minutes: 5)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    for start in stride(from: 0, to: records.count, by: 500) {
                        #expect(writer.submit(Array(records[start..<(start + 500)])))
                    }
                    // Minutes 0 and 1 close once the clock is 2 minutes past their end.
                    clock.set(flowBaseTime + 4 * 60_000)
                    var closedMinutes = 0
                    for _ in 0..<500 where closedMinutes < 2 {
                        try await Task.sleep(for: .milliseconds(10))
                        closedMinutes = try await database.pool.read { db in
                            try Int.fetchOne(db, sql: "SELECT count(DISTINCT minute) FROM flows_minute")!
                        }
                    }
                    #expect(closedMinutes == 2)
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            let statistics = writer.statistics
            #expect(statistics.accepted == records.count)
            #expect(statistics.written == records.count)
            #expect(statistics.dropped == 0)
            #expect(statistics.queueDepth == 0)
            #expect(statistics.commitErrors == 0)
            let expected = FlowCounters.of(records)
            #expect(try await Self.sums(database, table: "flows_raw_packed") == expected)
            #expect(try await Self.sums(database, table: "flows_minute") == expected)
            let (minutes, rows, otherRows) = try await database.pool.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(DISTINCT minute) FROM flows_minute")!,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM flows_minute")!,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM flows_minute WHERE src_addr IS NULL")!
                )
            }
            #expect(minutes == 5)
            #expect(statistics.minuteRowsWritten == rows)
            // 5 minutes × 3 exporters, at most 20 keys + 20 "other" rows + 1 per closing; a minute
            // closed while the writer had taken only part of the records closes twice.
            #expect(rows <= 2 * 5 * 3 * 41)
            #expect(otherRows > 0)
            // The raw store keeps every field as exported (but next hop, ToS and sampling source).
            let stored = try await FlowQueries(database: database).rawFlows(from: .min, to: .max, limit: 100_000)
            #expect(
                FlowRawEquivalenceTests.multiset(stored)
                    == FlowRawEquivalenceTests.multiset(records.map(FlowRawEquivalenceTests.stored))
            )
        }
    }

    @Test("a full queue drops whole batches and counts them; accepted records all land")
    func queueFullDrops() async throws {
        try await withTemporaryDatabase { database, _ in
            let configuration = FlowStorageConfiguration(queueCapacity: 1_000, batchSize: 400)
            let writer = FlowWriter(
                database: database,
                configuration: configuration,
                logger: quietLogger,
                now: { flowBaseTime }
            )
            let records = FlowFixtures.records(count: 1_500)
            var results: [Bool] = []
            for start in stride(from: 0, to: 1_500, by: 300) {
                results.append(writer.submit(Array(records[start..<(start + 300)])))
            }
            #expect(results == [true, true, true, false, false])
            #expect(writer.statistics.dropped == 600)
            #expect(writer.statistics.queueDepth == 900)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            #expect(!writer.submit(Array(records[0..<1])))
            let statistics = writer.statistics
            #expect(statistics.accepted == 900)
            #expect(statistics.written == 900)
            #expect(statistics.dropped == 601)
            #expect(try await Self.sums(database, table: "flows_raw_packed") == FlowCounters.of(records[0..<900]))
            #expect(try await Self.sums(database, table: "flows_minute") == FlowCounters.of(records[0..<900]))
        }
    }

    @Test("sampling scales exactly: rate-4 records count four times in the aggregates")
    func samplingScaling() async throws {
        try await withTemporaryDatabase { database, _ in
            let writer = FlowWriter(
                database: database,
                configuration: FlowStorageConfiguration(),
                logger: quietLogger,
                now: { flowBaseTime }
            )
            let record = FlowRecord(
                origin: .sflow,
                exporter: .v4(0x7F00_0001),
                sourceAddress: .v4(0x0A00_0001),
                destinationAddress: .v4(0x0A00_0002),
                packets: 1,
                bytes: 1_514,
                lastSwitched: flowBaseTime,
                samplingRate: 4,
                samplingSource: .sflowSample
            )
            #expect(writer.submit(Array(repeating: record, count: 4)))
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            let top = try await FlowQueries(database: database).topTalkers(
                by: .source,
                from: flowBaseTime,
                to: flowBaseTime + 60_000
            )
            #expect(top == [FlowTrafficEntry(sourceAddress: .v4(0x0A00_0001), packets: 16, bytes: 24_224, flows: 4)])
            let raw = try await FlowQueries(database: database).topTalkers(
                by: .source,
                from: flowBaseTime,
                to: flowBaseTime + 60_000,
                source: .raw
            )
            #expect(raw == top)
        }
    }
}

extension FlowWriterTests {
    @Test("the running writer applies retention to raw flows and minute rows")
    func writerRunsRetention() async throws {
        try await withTemporaryDatabase { database, _ in
            let now = flowBaseTime + 2 * 86_400_000
            try await database.pool.write { db in
                let old = FlowRecord(origin: .netflow5, exporter: .v4(1), bytes: 1, lastSwitched: flowBaseTime)
                let recent = FlowRecord(origin: .netflow5, exporter: .v4(1), bytes: 1, lastSwitched: now - 1_000)
                try FlowBatchInserter.insertRaw([old, old, recent][...], receivedAt: now, db: db)
                let rows = [
                    FlowMinuteRow(minute: now - 31 * 86_400_000, exporter: "0.0.0.1", counters: FlowCounters(flows: 1)),
                    FlowMinuteRow(minute: flowBaseTime, exporter: "0.0.0.1", counters: FlowCounters(flows: 1)),
                ]
                try FlowBatchInserter.insertMinutes(rows[...], db: db)
            }
            let writer = FlowWriter(
                database: database,
                configuration: FlowStorageConfiguration(flushInterval: .milliseconds(10)),
                logger: quietLogger,
                now: { now }
            )
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    var remaining = (0, 0)
                    for _ in 0..<500 {
                        try await Task.sleep(for: .milliseconds(10))
                        remaining = try await database.pool.read { db in
                            (
                                try Int.fetchOne(db, sql: "SELECT coalesce(sum(records), 0) FROM flows_raw_packed")!,
                                try Int.fetchOne(db, sql: "SELECT count(*) FROM flows_minute")!
                            )
                        }
                        if remaining == (1, 1) { break }
                    }
                    #expect(remaining == (1, 1))
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
    }
}
