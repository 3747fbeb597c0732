import Foundation
import GRDB
import Storage

/// Byte counts of the time-series tables.
struct TimeSeriesBenchSizes {
    var fileBytes: Int
    var chunkSamples: Int
    var chunkPayload: Int
    var chunkPages: Int?
    var rawRows: Int
    var rawPages: Int?
    var rollupRows: Int
    var rollupPages: Int?

    static func measure(_ database: NetmonDatabase) throws -> TimeSeriesBenchSizes {
        let queue = try DatabaseQueue(path: database.path)
        defer { try? queue.close() }
        return try queue.read { db in
            func pages(_ names: [String]) -> Int? {
                let list = names.map { "'\($0)'" }.joined(separator: ",")
                return try? Int.fetchOne(db, sql: "SELECT sum(pgsize) FROM dbstat WHERE name IN (\(list))")
            }
            let pageCount = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return TimeSeriesBenchSizes(
                fileBytes: pageCount * pageSize,
                chunkSamples: try Int.fetchOne(db, sql: "SELECT sum(count) FROM sample_chunks") ?? 0,
                chunkPayload: try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT ifnull(sum(length(data)), 0) FROM sample_chunks)
                             + (SELECT ifnull(sum(length(data)), 0) FROM sample_chunk_sets)
                        """
                ) ?? 0,
                chunkPages: pages([
                    "sample_chunks", "sample_chunks_by_last_ts", "sample_chunks_by_set", "sample_chunk_sets",
                ]),
                rawRows: try Int.fetchOne(db, sql: "SELECT count(*) FROM samples") ?? 0,
                rawPages: pages(["samples", "samples_by_bucket_series_ts"]),
                rollupRows: try Int.fetchOne(db, sql: "SELECT count(*) FROM rollups") ?? 0,
                rollupPages: pages(["rollups", "rollups_by_time"])
            )
        }
    }

    static func payload(_ database: NetmonDatabase, seriesIDs: [Int64]) throws -> String {
        let queue = try DatabaseQueue(path: database.path)
        defer { try? queue.close() }
        return try queue.read { db in
            let list = seriesIDs.map(String.init).joined(separator: ",")
            // A port's series share their sets: its chunks of its own plus every set it is in.
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT ifnull(sum(length(data)), 0) FROM sample_chunks WHERE series_id IN (\(list)))
                         + (SELECT ifnull(sum(length(data)), 0) FROM sample_chunk_sets WHERE id IN (
                                SELECT set_id FROM sample_chunks WHERE series_id IN (\(list)))),
                           (SELECT sum(count) FROM sample_chunks WHERE series_id IN (\(list)))
                    """
            )
            let bytes: Int = row?[0] ?? 0
            let count: Int = row?[1] ?? 0
            return count == 0 ? "no chunks" : "\(String(format: "%.2f", Double(bytes) / Double(count))) B/sample"
        }
    }

    func report() -> String {
        func perSample(_ bytes: Int?, _ count: Int) -> String {
            guard let bytes, count > 0 else { return "n/a" }
            return String(format: "%.2f", Double(bytes) / Double(count))
        }
        return """
            disk: file \(self.fileBytes) bytes
              compressed history: \(self.chunkSamples) samples, payload \(perSample(self.chunkPayload, self.chunkSamples)) B/sample, \
            table+index pages \(perSample(self.chunkPages, self.chunkSamples)) B/sample
              raw rows (not yet compressed): \(self.rawRows), table+index pages \(perSample(self.rawPages, self.rawRows)) B/sample
              rollups: \(self.rollupRows) rows, \(perSample(self.rollupPages, self.rollupRows)) B/row
            """
    }
}
