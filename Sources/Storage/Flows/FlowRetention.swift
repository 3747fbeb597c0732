internal import GRDB
public import NetmonCore

/// What one pass of ``FlowRetention`` deleted.
public struct FlowRetentionResult: Sendable, Hashable {
    /// Raw flow records deleted (in whole packs of `flows_raw_packed`).
    public var rawDeleted: Int
    /// Rows deleted from `flows_minute`.
    public var minuteRowsDeleted: Int

    /// Creates a result.
    public init(rawDeleted: Int = 0, minuteRowsDeleted: Int = 0) {
        self.rawDeleted = rawDeleted
        self.minuteRowsDeleted = minuteRowsDeleted
    }
}

/// Deletes flows older than their retention: raw records whose minute of `last_ms` ended by `now -
/// rawRetention` (whole packs: a pack holds one minute, so raw flows are kept for the retention
/// rounded up to the minute), and minute aggregates whose minute starts before `now -
/// aggregateRetention`.
///
/// Deletes run in small transactions (``rowsPerTransaction`` rows, ``packsPerTransaction`` packs)
/// so the WAL stays bounded and the writer's inserts interleave. The ``FlowWriter`` calls it
/// periodically; it can also be called directly.
public struct FlowRetention: Sendable {
    private let database: NetmonDatabase
    private let configuration: FlowStorageConfiguration
    /// Rows deleted per transaction at most.
    public let rowsPerTransaction: Int
    /// Packs deleted per transaction at most: a hundredth of ``rowsPerTransaction`` (a pack holds
    /// up to 4,096 records, so a transaction still frees at most a few megabytes).
    public var packsPerTransaction: Int { max(1, self.rowsPerTransaction / 100) }

    /// Creates a retention pass over `database` with the windows of `configuration`.
    public init(database: NetmonDatabase, configuration: FlowStorageConfiguration, rowsPerTransaction: Int = 10_000) {
        self.database = database
        self.configuration = configuration
        self.rowsPerTransaction = max(1, rowsPerTransaction)
    }

    /// Deletes everything older than the retention windows at `now` (UTC epoch milliseconds).
    public func deleteExpired(now: Int64) async throws -> FlowRetentionResult {
        let rawCutoff = now - self.configuration.rawRetention.wholeMilliseconds
        let minuteCutoff = now - self.configuration.aggregateRetention.wholeMilliseconds
        // Whole packs whose minute ended by the cutoff, through the (minute, exporter) index.
        let rawSQL = """
            DELETE FROM flows_raw_packed WHERE rowid IN (
                SELECT rowid FROM flows_raw_packed WHERE minute <= ? LIMIT ?
            ) RETURNING records
            """
        let minuteSQL = """
            DELETE FROM flows_minute WHERE rowid IN (
                SELECT rowid FROM flows_minute WHERE minute < ? LIMIT ?
            )
            """
        var result = FlowRetentionResult()
        result.rawDeleted = try await self.deletePacksInChunks(
            sql: rawSQL,
            arguments: [rawCutoff - FlowPacker.minuteMilliseconds, self.packsPerTransaction]
        )
        result.minuteRowsDeleted = try await self.deleteInChunks(
            sql: minuteSQL,
            arguments: [minuteCutoff, self.rowsPerTransaction]
        )
        return result
    }

    /// Deletes packs a transaction at a time; returns the records they held.
    private func deletePacksInChunks(sql: String, arguments: StatementArguments) async throws -> Int {
        var records = 0
        while true {
            let counts = try await self.database.pool.write { db in
                try Int.fetchAll(db, sql: sql, arguments: arguments)
            }
            records += counts.reduce(0, +)
            if counts.count < self.packsPerTransaction {
                return records
            }
        }
    }

    private func deleteInChunks(sql: String, arguments: StatementArguments) async throws -> Int {
        try await self.database.deleteInChunks(
            sql: sql,
            arguments: arguments,
            rowsPerTransaction: self.rowsPerTransaction
        )
    }
}
