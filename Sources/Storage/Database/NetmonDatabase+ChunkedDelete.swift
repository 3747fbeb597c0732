internal import GRDB

extension NetmonDatabase {
    /// Runs a `DELETE ... LIMIT n` statement in its own transaction until it deletes fewer than
    /// `rowsPerTransaction` rows, so retention never holds the writer or grows the WAL for long.
    /// Returns the rows deleted.
    func deleteInChunks(sql: String, arguments: StatementArguments, rowsPerTransaction: Int) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await self.pool.write { db in
                try db.execute(sql: sql, arguments: arguments)
                return db.changesCount
            }
            total += deleted
            if deleted < rowsPerTransaction {
                return total
            }
        }
    }
}
