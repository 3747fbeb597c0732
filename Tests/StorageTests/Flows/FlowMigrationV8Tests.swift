import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("Migration v8: packed raw flows")
struct FlowMigrationV8Tests {
    @Test("raw rows of a v6 database are converted to packs that answer every query as before")
    func convertsRawRows() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/netmond.db"
        let records = FlowRawEquivalenceTests.records(count: 3_000, seed: 5)
        let receivedAt = FlowRawEquivalenceTests.receivedAt
        let (from, to) = (flowBaseTime + 30_000, flowBaseTime + 25 * 60_000)
        let filters = [FlowFilter(), FlowFilter(exporter: .v6(high: 0, low: 1)), FlowFilter(port: 443)]
        var expected: [[FlowTrafficEntry]] = []
        do {
            let pool = try DatabasePool(path: path)
            try NetmonDatabase.migrator.migrate(pool, upTo: "v6")
            expected = try await pool.write { db in
                try LegacyRawFlows.insert(records, receivedAt: receivedAt, into: "flows_raw", db: db)
                var answers: [[FlowTrafficEntry]] = []
                for dimension in FlowDimension.allCases {
                    for filter in filters {
                        answers.append(
                            try LegacyRawFlows.top(
                                dimension,
                                from: from,
                                to: to,
                                filter: filter,
                                limit: 1_000,
                                table: "flows_raw",
                                db: db
                            )
                        )
                    }
                }
                return answers
            }
            try pool.close()
        }
        let database = try NetmonDatabase.open(configuration: StorageConfiguration(path: path), logger: quietLogger)
        defer { try? database.close() }
        let (actual, tables, stored) = try await database.pool.read { db in
            var answers: [[FlowTrafficEntry]] = []
            for dimension in FlowDimension.allCases {
                for filter in filters {
                    answers.append(
                        try FlowQueries.rawTop(dimension, from: from, to: to, filter: filter, limit: 1_000, in: db)
                    )
                }
            }
            return (
                answers,
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'flows_raw%'"),
                try Int.fetchOne(db, sql: "SELECT sum(records) FROM flows_raw_packed")
            )
        }
        #expect(actual == expected)
        #expect(Set(tables) == ["flows_raw_packed", "flows_raw_packed_by_minute_exporter"])
        #expect(stored == records.count)
        let exported = try await FlowQueries(database: database).rawFlows(from: .min, to: .max, limit: 10_000)
        #expect(
            FlowRawEquivalenceTests.multiset(exported)
                == FlowRawEquivalenceTests.multiset(records.map(FlowRawEquivalenceTests.stored))
        )
    }
}
