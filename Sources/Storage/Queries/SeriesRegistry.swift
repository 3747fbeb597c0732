internal import GRDB
import Synchronization

/// Gets or creates the database id of a series, caching ids in memory.
///
/// Safe to use from many tasks at once: a miss is resolved in one write transaction (the single
/// writer serialises concurrent creators, and a unique index on the identity backs it up).
public final class SeriesRegistry: Sendable {
    private struct Identity: Hashable {
        var deviceID: Int64?
        var interfaceID: Int64?
        var metric: String
        var instance: String

        init(_ key: SeriesKey) {
            self.deviceID = key.deviceID
            self.interfaceID = key.interfaceID
            self.metric = key.metric
            self.instance = key.instance
        }
    }

    private let database: NetmonDatabase
    private let cache = Mutex<[Identity: SeriesRecord]>([:])

    /// Creates a registry over `database`.
    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// The number of series cached in memory.
    public var cachedCount: Int {
        self.cache.withLock { $0.count }
    }

    /// The id of the series `key`, created if it does not exist.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code/seriesConflict`` when a series with
    ///   the same device, interface and metric exists with another unit or kind; database errors.
    public func seriesID(for key: SeriesKey) async throws -> Int64 {
        let identity = Identity(key)
        if let cached = self.cache.withLock({ $0[identity] }) {
            return try self.checked(cached, for: key)
        }
        let record = try await self.database.pool.write { db in
            try Self.fetchOrInsert(key, db: db)
        }
        self.cache.withLock { $0[identity] = record }
        return try self.checked(record, for: key)
    }

    private func checked(_ record: SeriesRecord, for key: SeriesKey) throws -> Int64 {
        guard record.unit == key.unit, record.kind == key.kind, let id = record.id else {
            throw StorageError(
                code: .seriesConflict,
                path: self.database.path,
                message: "series \(key.metric) (device \(key.deviceID.map(String.init) ?? "-"), interface "
                    + "\(key.interfaceID.map(String.init) ?? "-")) exists as \(record.kind.rawValue) in "
                    + "'\(record.unit)', not \(key.kind.rawValue) in '\(key.unit)'"
            )
        }
        return id
    }

    private static func fetchOrInsert(_ key: SeriesKey, db: Database) throws -> SeriesRecord {
        let existing = try SeriesRecord.fetchOne(
            db,
            sql: """
                SELECT * FROM series
                WHERE ifnull(device_id, 0) = ifnull(?, 0) AND ifnull(interface_id, 0) = ifnull(?, 0)
                    AND metric = ? AND instance = ?
                """,
            arguments: [key.deviceID, key.interfaceID, key.metric, key.instance]
        )
        if let existing {
            return existing
        }
        var record = SeriesRecord(key: key)
        try record.insert(db)
        return record
    }
}
