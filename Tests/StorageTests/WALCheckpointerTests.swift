import Foundation
import GRDB
import NetmonCore
import ServiceLifecycleTestKit
import Testing

@testable import Storage

@Suite("WALCheckpointer")
struct WALCheckpointerTests {
    /// The smallest threshold: 1,000 pages.
    static let thresholdBytes = 1_000 * 4_096
    /// The WAL file's largest size when the writer checkpoints at four thresholds: frames of a
    /// 4,096-byte page and a 24-byte header, the file header, and one transaction past the mark.
    static let backstopWALBytes = WALCheckpointer.backstopFactor * 1_000 * (4_096 + 24) + 32 + 128 * 1_024
    /// A transaction's payload: 64 KiB, 16 pages or so.
    static let blob = Data(repeating: 0xA5, count: 64 * 1_024)

    static func createTable(_ database: NetmonDatabase) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "CREATE TABLE wal_test (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        }
    }

    /// Commits `count` transactions of one 64 KiB row each.
    static func commit(_ count: Int, into database: NetmonDatabase) async throws {
        for _ in 0..<count {
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO wal_test (payload) VALUES (?)", arguments: [Self.blob])
            }
        }
    }

    static func walBytes(_ database: NetmonDatabase) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: database.path + "-wal")
        return (attributes?[.size] as? Int) ?? 0
    }

    static func rows(_ database: NetmonDatabase) async throws -> Int {
        try await database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM wal_test") ?? -1 }
    }

    @Test("checkpoints on its own thread while the writer commits; every row stays; the WAL stays bounded")
    func backgroundCheckpoints() async throws {
        try await withTemporaryDatabase(journalSizeLimit: Self.thresholdBytes) { database, _ in
            try await Self.createTable(database)
            let checkpointer = try WALCheckpointer(
                database: database,
                thresholdBytes: Self.thresholdBytes,
                logger: quietLogger
            )
            var largestWAL = 0
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await checkpointer.run() }
                    // 40 MiB in 640 transactions: ten times the threshold.
                    for _ in 0..<64 {
                        try await Self.commit(10, into: database)
                        largestWAL = max(largestWAL, Self.walBytes(database))
                    }
                    let deadline = ContinuousClock.now + .seconds(30)
                    while checkpointer.statistics.checkpoints == 0, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            let statistics = checkpointer.statistics
            #expect(statistics.checkpoints > 0)
            #expect(statistics.failures == 0)
            #expect(try await Self.rows(database) == 640)
            #expect(largestWAL <= Self.backstopWALBytes)

            // Stopped: SQLite's automatic checkpoint is back, the checkpointer hears of nothing.
            try await Self.commit(320, into: database)
            #expect(checkpointer.statistics == statistics)
            #expect(Self.walBytes(database) <= Self.backstopWALBytes)
            #expect(try await Self.rows(database) == 960)
        }
    }

    @Test("a checkpointer that does not run still bounds the WAL: the writer checkpoints at four thresholds")
    func writerBackstop() async throws {
        try await withTemporaryDatabase(journalSizeLimit: Self.thresholdBytes) { database, _ in
            try await Self.createTable(database)
            let checkpointer = try WALCheckpointer(
                database: database,
                thresholdBytes: Self.thresholdBytes,
                logger: quietLogger
            )
            try await checkpointer.installHook()
            var largestWAL = 0
            for _ in 0..<64 {
                try await Self.commit(10, into: database)
                largestWAL = max(largestWAL, Self.walBytes(database))
            }
            try await checkpointer.restoreAutomaticCheckpoint()
            #expect(checkpointer.statistics.writerCheckpoints >= 2)
            #expect(checkpointer.statistics.checkpoints == 0)
            #expect(largestWAL <= Self.backstopWALBytes)
            #expect(largestWAL > 2 * Self.thresholdBytes)
            #expect(try await Self.rows(database) == 640)
        }
    }
}
