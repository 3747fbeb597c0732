import Foundation
internal import GRDB

/// The rows of `sample_chunks` and the sets some of them belong to (schema v9): one place that
/// knows a row's samples are either its own chunk (``SampleChunkCodec``) or one member of a set
/// (``SampleChunkSetCodec``), and that a set goes when its last row goes.
enum SampleChunkStore {
    /// The columns a reader selects after its own: `data, set_id, set_member`.
    static let chunkColumns = "data, set_id, set_member"

    /// The samples of a chunk row, from `row[offset...]` = ``chunkColumns``.
    ///
    /// - Throws: ``SampleChunkError`` for a corrupt chunk or set, or a set that is missing.
    static func samples(of row: Row, at offset: Int, db: Database) throws -> RawSeries {
        let decoded: (timestamps: [Int64], values: [Double])
        if let setID = row[offset + 1] as Int64? {
            guard
                let data = try Data.fetchOne(
                    db,
                    sql: "SELECT data FROM sample_chunk_sets WHERE id = ?",
                    arguments: [setID]
                )
            else { throw SampleChunkError.corrupt("chunk set \(setID) is missing") }
            decoded = try SampleChunkSetCodec.decode(Array(data), member: row[offset + 2] ?? -1)
        } else {
            decoded = try SampleChunkCodec.decode(Array(row[offset] as Data))
        }
        return RawSeries(timestamps: decoded.timestamps, values: decoded.values)
    }

    /// Deletes the chunk row of `seriesID` starting at `firstTimestamp`, and its set when no other
    /// row refers to it.
    static func delete(seriesID: Int64, firstTimestamp: Int64, setID: Int64?, db: Database) throws {
        try db.execute(
            sql: "DELETE FROM sample_chunks WHERE series_id = ? AND first_ts = ?",
            arguments: [seriesID, firstTimestamp]
        )
        if let setID {
            try db.execute(
                sql: """
                    DELETE FROM sample_chunk_sets
                    WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM sample_chunks WHERE set_id = ?1)
                    """,
                arguments: [setID]
            )
        }
    }

    /// Inserts one chunk of `series` (non-empty, in time order) of its own.
    static func insert(seriesID: Int64, _ series: RawSeries, speed: UInt64, db: Database) throws {
        guard let first = series.timestamps.first, let last = series.timestamps.last else { return }
        let data = try SampleChunkCodec.encode(timestamps: series.timestamps, values: series.values, speed: speed)
        try db.execute(
            sql: "INSERT INTO sample_chunks (series_id, first_ts, last_ts, count, data) VALUES (?, ?, ?, ?, ?)",
            arguments: [seriesID, first, last, series.timestamps.count, Data(data)]
        )
    }

    /// Inserts the chunks of `members` (non-empty series, in time order) as one set.
    static func insertSet(_ members: [SampleChunkGroup.Member], db: Database) throws {
        let data = try SampleChunkSetCodec.encode(
            members.map { member in
                SampleChunkSetCodec.Member(
                    timestamps: member.series.timestamps,
                    values: member.series.values,
                    speed: member.speed,
                    utilizationOf: member.utilizationOf
                )
            }
        )
        try db.execute(sql: "INSERT INTO sample_chunk_sets (data) VALUES (?)", arguments: [Data(data)])
        let setID = db.lastInsertedRowID
        for (index, member) in members.enumerated() {
            guard let first = member.series.timestamps.first, let last = member.series.timestamps.last else { continue }
            try db.execute(
                sql: """
                    INSERT INTO sample_chunks (series_id, first_ts, last_ts, count, data, set_id, set_member)
                    VALUES (?, ?, ?, ?, x'', ?, ?)
                    """,
                arguments: [member.seriesID, first, last, member.series.timestamps.count, setID, index]
            )
        }
    }
}
