internal import GRDB
public import NetmonCore

/// What one pass of ``FlowRetention`` deleted.
public struct FlowRetentionResult: Sendable, Hashable {
    /// Rows deleted from `flows_raw`.
    public var rawDeleted: Int
    /// Rows deleted from `flows_minute`.
    public var minuteRowsDeleted: Int

    /// Creates a result.
    public init(rawDeleted: Int = 0, minuteRowsDeleted: Int = 0) {
        self.rawDeleted = rawDeleted
        self.minuteRowsDeleted = minuteRowsDeleted
    }
}

/// Deletes flows older than their retention: raw records whose `last_ms` is before `now -
/// rawRetention`, and minute aggregates whose minute starts before `now - aggregateRetention`.
///
/// Deletes run in small transactions (``rowsPerTransaction`` rows each) so the WAL stays bounded
/// and the writer's inserts interleave. The ``FlowWriter`` calls it periodically; it can also be
/// called directly.
public struct FlowRetention: Sendable {
    private let database: NetmonDatabase
    private let configuration: FlowStorageConfiguration
    /// Rows deleted per transaction at most.
    public let rowsPerTransaction: Int

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
        let bucket = NetmonDatabase.flowBucketMilliseconds
        // Seek through the time-bucketed index (SQLite's `/` truncates like Swift's): every row
        // before the cutoff is in a bucket up to the cutoff's.
        let rawSQL = """
            DELETE FROM flows_raw WHERE rowid IN (
                SELECT rowid FROM flows_raw WHERE last_ms / 600000 <= ? AND last_ms < ? LIMIT ?
            )
            """
        let minuteSQL = """
            DELETE FROM flows_minute WHERE rowid IN (
                SELECT rowid FROM flows_minute WHERE minute < ? LIMIT ?
            )
            """
        var result = FlowRetentionResult()
        result.rawDeleted = try await self.deleteInChunks(
            sql: rawSQL,
            arguments: [rawCutoff / bucket, rawCutoff, self.rowsPerTransaction]
        )
        result.minuteRowsDeleted = try await self.deleteInChunks(
            sql: minuteSQL,
            arguments: [minuteCutoff, self.rowsPerTransaction]
        )
        return result
    }

    private func deleteInChunks(sql: String, arguments: StatementArguments) async throws -> Int {
        try await self.database.deleteInChunks(
            sql: sql,
            arguments: arguments,
            rowsPerTransaction: self.rowsPerTransaction
        )
    }
}
