import Foundation
package import GRDB
import Logging
public import NetmonCore

/// The netmond SQLite database: one WAL-mode connection pool, migrated to the current schema.
///
/// Open it once at start with ``open(configuration:logger:)`` and share the value: it is cheap to
/// copy and safe to use from any task. Writes of samples go through ``SampleWriter``; reads through
/// ``SampleStore``, ``InventoryStore`` and ``SeriesRegistry``.
public struct NetmonDatabase: Sendable {
    /// The GRDB pool: one writer connection and several concurrent WAL readers.
    package let pool: DatabasePool
    /// The path of the database file.
    public let path: String
    /// Changes of the device inventory (`devices`, `device_status`, `interfaces`): the version of
    /// cached device lists.
    public let inventoryChanges: TableChangeCounter
    /// Moves on every committed change to users, organisations or API keys: what authentication's
    /// cached account lookups are checked against.
    public let accountChanges: TableChangeCounter
    /// Moves on every committed change to metric series, their samples, rollups and chunks, or the
    /// devices and interfaces that label them: the version of cached series answers.
    public let seriesChanges: TableChangeCounter

    /// Opens (creating if needed) the database at `configuration.path` and migrates its schema.
    ///
    /// The connection uses WAL, `synchronous=NORMAL`, the configured busy timeout and
    /// `journal_size_limit` (also the WAL size that triggers a checkpoint in the writer's commit, unless a
    /// ``WALCheckpointer`` runs), with foreign keys enforced.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code/directoryMissing`` or
    ///   ``StorageError/Code/directoryNotWritable`` when the file's directory is unusable,
    ///   ``StorageError/Code/openFailed`` or ``StorageError/Code/migrationFailed`` otherwise.
    public static func open(configuration: StorageConfiguration, logger: Logger) throws -> NetmonDatabase {
        try Self.checkDirectory(of: configuration.path)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: configuration.path, configuration: Self.grdbConfiguration(configuration))
        } catch {
            throw StorageError(
                code: .openFailed,
                path: configuration.path,
                message: "SQLite could not open the database file; check its permissions and that it is a netmond "
                    + "database (storage.path)",
                underlying: error
            )
        }
        do {
            try Self.migrator.migrate(pool)
        } catch {
            throw StorageError(
                code: .migrationFailed,
                path: configuration.path,
                message: "the schema could not be migrated; the file may be from a newer netmond or damaged",
                underlying: error
            )
        }
        logger.info(
            "storage: database open",
            metadata: ["storage.path": "\(configuration.path)", "storage.schema": "\(Self.currentSchemaVersion)"]
        )
        return NetmonDatabase(pool: pool, path: configuration.path)
    }

    package init(pool: DatabasePool, path: String) {
        self.pool = pool
        self.path = path
        self.inventoryChanges = TableChangeCounter(tables: ["devices", "device_status", "interfaces"])
        self.inventoryChanges.observe(pool)
        self.accountChanges = TableChangeCounter(tables: ["users", "organisations", "api_keys"])
        self.accountChanges.observe(pool)
        self.seriesChanges = TableChangeCounter(tables: [
            "series", "samples", "series_latest", "rollups", "sample_chunks", "sample_chunk_sets", "devices",
            "interfaces",
        ])
        self.seriesChanges.observe(pool)
    }

    /// Performs a cheap read that fails when the database is unusable (for `/healthz`).
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code/unhealthy``.
    public func checkHealth() async throws {
        do {
            try await self.pool.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT 1 FROM series_latest LIMIT 1")
            }
        } catch {
            throw StorageError(
                code: .unhealthy,
                path: self.path,
                message: "the database can not be read",
                underlying: error
            )
        }
    }

    /// Checkpoints the WAL into the main file and truncates it (used by benchmarks and maintenance).
    public func checkpoint() throws {
        _ = try self.pool.writeWithoutTransaction { db in
            try db.checkpoint(.truncate)
        }
    }

    /// Closes every connection. The value must not be used afterwards.
    public func close() throws {
        try self.pool.close()
    }

    // MARK: Configuration

    static func grdbConfiguration(_ configuration: StorageConfiguration) -> Configuration {
        var grdb = Configuration()
        grdb.foreignKeysEnabled = true
        grdb.journalMode = .wal
        grdb.busyMode = .timeout(Self.seconds(configuration.busyTimeout))
        grdb.label = "netmond.storage"
        let journalSizeLimit = configuration.journalSizeLimit
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA journal_size_limit = \(journalSizeLimit)")
            // Checkpoint when the WAL reaches the size it is truncated to, not every 1,000 pages:
            // each checkpoint syncs the database file, and ingest commits often.
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(1_000, journalSizeLimit / max(512, pageSize)))")
        }
        return grdb
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let components = duration.components
        return TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }

    /// Throws a clear error when the directory of `path` is missing or not writable.
    static func checkDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let effectiveDirectory = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: effectiveDirectory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw StorageError(
                code: .directoryMissing,
                path: path,
                message: "the directory \(effectiveDirectory) does not exist; create it (owned by the netmond "
                    + "user) or set storage.path to a file in an existing directory"
            )
        }
        guard FileManager.default.isWritableFile(atPath: effectiveDirectory) else {
            throw StorageError(
                code: .directoryNotWritable,
                path: path,
                message: "the directory \(effectiveDirectory) is not writable by this process; SQLite needs to "
                    + "create the -wal and -shm files next to the database: fix its owner or permissions, or set "
                    + "storage.path elsewhere"
            )
        }
    }
}
