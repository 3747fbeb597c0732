import Foundation
import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("NetmonDatabase")
struct NetmonDatabaseTests {
    @Test("migrates an empty database, and re-opening is a no-op")
    func migratesFromEmpty() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = StorageConfiguration(path: directory.path + "/netmond.db")

        let first = try NetmonDatabase.open(configuration: configuration, logger: quietLogger)
        let tables = try await first.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in [
            "devices", "interfaces", "samples", "series", "series_latest", "events", "device_status",
            "flows_raw_packed", "flows_minute",
        ] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        let pragmas = try await first.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA journal_size_limit")
            )
        }
        #expect(pragmas.0 == "wal")
        #expect(pragmas.1 == 1)  // NORMAL
        #expect(pragmas.2 == 1)
        #expect(pragmas.3 == configuration.journalSizeLimit)
        try await first.pool.write { db in
            try db.execute(sql: "INSERT INTO samples (series_id, ts, value) VALUES (1, 1000, 1.5)")
        }
        try await first.checkHealth()
        try first.close()

        let second = try NetmonDatabase.open(configuration: configuration, logger: quietLogger)
        defer { try? second.close() }
        let (migrations, samples) = try await second.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM samples")
            )
        }
        #expect(migrations == NetmonDatabase.migrator.migrations.count)
        #expect(samples == 1)
        try await second.checkHealth()
    }

    @Test("a missing directory gives an error naming the path and what to do")
    func missingDirectory() throws {
        let path = "/nonexistent-netmond-\(UUID().uuidString)/netmond.db"
        let configuration = StorageConfiguration(path: path)
        let error = #expect(throws: StorageError.self) {
            try NetmonDatabase.open(configuration: configuration, logger: quietLogger)
        }
        #expect(error?.code == .directoryMissing)
        #expect(error?.path == path)
        #expect(error?.description.contains("create it") == true)
        #expect(error?.description.contains("storage.path") == true)
    }

    @Test("a file where the directory should be gives the directory error")
    func directoryIsAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/plain-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        let configuration = StorageConfiguration(path: file + "/netmond.db")
        let error = #expect(throws: StorageError.self) {
            try NetmonDatabase.open(configuration: configuration, logger: quietLogger)
        }
        #expect(error?.code == .directoryMissing)
    }

    @Test("the health check fails once the database is closed")
    func healthCheckFails() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try NetmonDatabase.open(
            configuration: StorageConfiguration(path: directory.path + "/netmond.db"),
            logger: quietLogger
        )
        try await database.checkHealth()
        try database.close()
        await #expect(throws: StorageError.self) {
            try await database.checkHealth()
        }
    }
}
