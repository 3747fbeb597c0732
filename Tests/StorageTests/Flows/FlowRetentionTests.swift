import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("FlowRetention")
struct FlowRetentionTests {
    @Test("deletes exactly the raw flows and minute rows older than their windows, in small transactions")
    func deletesExactly() async throws {
        try await withTemporaryDatabase { database, _ in
            let now = flowBaseTime + 40 * 86_400_000
            // Raw flows every 7 minutes over the 3 days before now (one pack each); minute rows every
            // hour over 40 days.
            let rawTimes = stride(from: now - 3 * 86_400_000, to: now, by: 7 * 60_000).map { $0 }
            let minuteTimes = stride(from: now - 40 * 86_400_000, to: now, by: 3_600_000).map { $0 }
            try await database.pool.write { db in
                let records = rawTimes.map { time in
                    FlowRecord(origin: .netflow5, exporter: .v4(1), bytes: 1, lastSwitched: time)
                }
                try FlowBatchInserter.insertRaw(records[...], receivedAt: now, db: db)
                let rows = minuteTimes.map { minute in
                    FlowMinuteRow(minute: minute, exporter: "0.0.0.1", counters: FlowCounters(bytes: 1, flows: 1))
                }
                try FlowBatchInserter.insertMinutes(rows[...], db: db)
            }
            let configuration = FlowStorageConfiguration(
                rawRetention: .seconds(86_400),
                aggregateRetention: .seconds(30 * 86_400)
            )
            let retention = FlowRetention(database: database, configuration: configuration, rowsPerTransaction: 7)
            let result = try await retention.deleteExpired(now: now)
            let rawCutoff = now - 86_400_000
            let minuteCutoff = now - 30 * 86_400_000
            #expect(result.rawDeleted == rawTimes.filter { $0 < rawCutoff }.count)
            #expect(result.minuteRowsDeleted == minuteTimes.filter { $0 < minuteCutoff }.count)
            let (raw, minutes) = try await database.pool.read { db in
                (
                    try Int64.fetchAll(db, sql: "SELECT minute FROM flows_raw_packed ORDER BY minute"),
                    try Int64.fetchAll(db, sql: "SELECT minute FROM flows_minute ORDER BY minute")
                )
            }
            #expect(raw == rawTimes.filter { $0 >= rawCutoff })
            #expect(minutes == minuteTimes.filter { $0 >= minuteCutoff })
            #expect(try await retention.deleteExpired(now: now) == FlowRetentionResult())
        }
    }

    @Test("raw flows are deleted in whole packs, once their minute has ended by the cutoff")
    func deletesWholePacks() async throws {
        try await withTemporaryDatabase { database, _ in
            let now = flowBaseTime + 86_400_000 + 30_000
            let cutoff = now - 86_400_000
            // Two records in the cutoff's minute (one before the cutoff), one in the minute before.
            let times = [cutoff - 10_000, cutoff + 10_000, cutoff - 40_000]
            try await database.pool.write { db in
                let records = times.map { FlowRecord(origin: .ipfix, exporter: .v4(1), bytes: 1, lastSwitched: $0) }
                try FlowBatchInserter.insertRaw(records[...], receivedAt: now, db: db)
            }
            let retention = FlowRetention(
                database: database,
                configuration: FlowStorageConfiguration(rawRetention: .seconds(86_400))
            )
            #expect(try await retention.deleteExpired(now: now).rawDeleted == 1)
            let left = try await FlowQueries(database: database).rawFlows(from: .min, to: .max).map(\.lastSwitched)
            #expect(left == [cutoff - 10_000, cutoff + 10_000])
            #expect(try await retention.deleteExpired(now: now + 30_000).rawDeleted == 2)
        }
    }

    @Test("the raw delete seeks through the minute index")
    func usesIndex() async throws {
        try await withTemporaryDatabase { database, _ in
            let details = try await database.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "EXPLAIN QUERY PLAN SELECT rowid FROM flows_raw_packed WHERE minute <= ? LIMIT ?",
                    arguments: [1, 2]
                ).map { $0["detail"] as String }
            }
            #expect(details.contains { $0.contains("flows_raw_packed_by_minute_exporter") }, "\(details)")
        }
    }
}
