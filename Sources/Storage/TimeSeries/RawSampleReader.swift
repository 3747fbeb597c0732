import Foundation
internal import GRDB

/// The raw samples of one series, in time order.
struct RawSeries: Sendable, Hashable {
    var timestamps: [Int64] = []
    var values: [Double] = []

    mutating func append(_ timestamp: Int64, _ value: Double) {
        self.timestamps.append(timestamp)
        self.values.append(value)
    }

    /// Sorts by time (stable), after merging chunks with late raw rows.
    mutating func sortByTime() {
        guard zip(self.timestamps, self.timestamps.dropFirst()).contains(where: { $0 > $1 }) else { return }
        let order = self.timestamps.indices.sorted { (self.timestamps[$0], $0) < (self.timestamps[$1], $1) }
        self.timestamps = order.map { self.timestamps[$0] }
        self.values = order.map { self.values[$0] }
    }
}

/// Reads raw samples from `samples` (through its time-bucketed index) and from compressed chunks.
enum RawSampleReader {
    static let bucket = NetmonDatabase.sampleBucketMilliseconds

    /// The index buckets covering `[from, to)`, as SQL list text, in groups of at most 500.
    static func bucketLists(from: Int64, to: Int64) -> [String] {
        guard from < to else { return [] }
        var lists: [String] = []
        var first = TimeSeriesResolution.floor(from, to: Self.bucket) / Self.bucket
        let last = TimeSeriesResolution.floor(to - 1, to: Self.bucket) / Self.bucket
        while first <= last {
            let end = min(last, first + 499)
            lists.append((first...end).map(String.init).joined(separator: ","))
            first = end + 1
        }
        return lists
    }

    /// One series' samples with `from <= ts < to`, from chunks and from `samples`, in time order.
    ///
    /// - Throws: ``SampleChunkError`` for a corrupt chunk; database errors.
    static func series(_ seriesID: Int64, from: Int64, to: Int64, db: Database) throws -> RawSeries {
        var result = RawSeries()
        // Clamp to the series' known extent (series_latest and its chunks), so a range far wider
        // than the data seeks no empty index buckets.
        let extent = try Row.fetchOne(
            db,
            sql: """
                SELECT min(lo), max(hi) FROM (
                    SELECT first_ts AS lo, ts AS hi FROM series_latest WHERE series_id = ?1
                    UNION ALL
                    SELECT min(first_ts), max(last_ts) FROM sample_chunks WHERE series_id = ?1)
                """,
            arguments: [seriesID]
        )
        guard let extent, let low = extent[0] as Int64?, let high = extent[1] as Int64? else { return result }
        let from = max(from, low)
        let to = min(to, high + 1)
        guard from < to else { return result }
        // Chunks hold one UTC day each: those that can overlap start after the day before `from`.
        let chunks = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(SampleChunkStore.chunkColumns) FROM sample_chunks
                WHERE series_id = ? AND first_ts >= ? AND first_ts < ? AND last_ts >= ?
                ORDER BY first_ts
                """,
            arguments: [seriesID, from - 86_400_000, to, from]
        )
        while let row = try chunks.next() {
            let decoded = try SampleChunkStore.samples(of: row, at: 0, db: db)
            for (timestamp, value) in zip(decoded.timestamps, decoded.values) where timestamp >= from && timestamp < to
            {
                result.append(timestamp, value)
            }
        }
        let chunkCount = result.timestamps.count
        for buckets in Self.bucketLists(from: from, to: to) {
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT ts, value FROM samples
                    WHERE ts / 600000 IN (\(buckets)) AND series_id = ? AND ts >= ? AND ts < ?
                    ORDER BY ts, rowid
                    """,
                arguments: [seriesID, from, to]
            )
            while let row = try rows.next() {
                let value: Double? = row[1]
                result.append(row[0], value ?? .nan)
            }
        }
        if chunkCount > 0 && result.timestamps.count > chunkCount {
            result.sortByTime()
        }
        return result
    }

    /// Every series' samples in `samples` with `from <= ts < to` (not chunks), keyed by series.
    ///
    /// Optionally only series ids in `seriesRange`. The index is visited bucket by bucket, so each
    /// series' samples arrive in time order.
    static func allSeries(
        from: Int64,
        to: Int64,
        seriesRange: ClosedRange<Int64>? = nil,
        db: Database
    ) throws -> [Int64: RawSeries] {
        var result: [Int64: RawSeries] = [:]
        for buckets in Self.bucketLists(from: from, to: to) {
            var sql =
                "SELECT series_id, ts, value FROM samples WHERE ts / 600000 IN (\(buckets)) AND ts >= ? AND ts < ?"
            var arguments: StatementArguments = [from, to]
            if let seriesRange {
                sql += " AND series_id BETWEEN ? AND ?"
                _ = arguments.append(contentsOf: [seriesRange.lowerBound, seriesRange.upperBound])
            }
            sql += " ORDER BY ts / 600000, series_id, ts, rowid"
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let value: Double? = row[2]
                result[row[0], default: RawSeries()].append(row[1], value ?? .nan)
            }
        }
        return result
    }

    /// The ids of every series with samples (from `series_latest`), in ranges of consecutive ids of
    /// about `size` series (see ``ranges(of:size:)``).
    static func seriesRanges(size: Int, db: Database) throws -> [ClosedRange<Int64>] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT l.series_id, s.device_id, s.interface_id
                FROM series_latest l LEFT JOIN series s ON s.id = l.series_id
                ORDER BY l.series_id
                """
        )
        return Self.ranges(of: rows.map { ($0[0], SeriesOwner(device: $0[1], interface: $0[2])) }, size: size)
    }

    /// The device and interface a series belongs to (nil for a device-level series, or both nil for
    /// a series no longer in `series`).
    struct SeriesOwner: Hashable {
        var device: Int64?
        var interface: Int64?
    }

    /// Cuts `series` (in id order) into ranges of at least `size` series that end where the owner
    /// changes, so an interface's series are compressed in one transaction and one chunk set; a
    /// range is cut anyway at `4 × size` series.
    static func ranges(of series: [(id: Int64, owner: SeriesOwner)], size: Int) -> [ClosedRange<Int64>] {
        let size = max(1, size)
        var ranges: [ClosedRange<Int64>] = []
        var start: (id: Int64, index: Int)? = nil
        for (index, entry) in series.enumerated() {
            if let first = start, index - first.index >= size,
                entry.owner != series[index - 1].owner || index - first.index >= 4 * size
            {
                ranges.append(first.id...series[index - 1].id)
                start = nil
            }
            if start == nil { start = (entry.id, index) }
        }
        if let first = start, let last = series.last {
            ranges.append(first.id...last.id)
        }
        return ranges
    }
}
