internal import GRDB

/// Reads and writes rows of the `rollups` table.
enum RollupTable {
    static let insertSQL = """
        INSERT OR REPLACE INTO rollups (resolution, series_id, ts, count, sum, min, max, avg, covered_ms, p95, p99)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Writes one bucket's aggregate (replacing an existing row).
    static func insert(
        _ aggregate: RollupAggregate,
        resolution: TimeSeriesResolution,
        seriesID: Int64,
        start: Int64,
        db: Database
    ) throws {
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        try statement.execute(arguments: [
            resolution.databaseValue, seriesID, start, aggregate.count, aggregate.sum, aggregate.minimum,
            aggregate.maximum, aggregate.average, aggregate.coveredMilliseconds, aggregate.p95, aggregate.p99,
        ])
    }

    /// The aggregates of one series at `resolution` with `from <= start < to`, by bucket start.
    static func read(
        seriesID: Int64,
        resolution: TimeSeriesResolution,
        from: Int64,
        to: Int64,
        db: Database
    ) throws -> [(start: Int64, aggregate: RollupAggregate)] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT ts, count, sum, min, max, avg, covered_ms, p95, p99 FROM rollups
                WHERE resolution = ? AND series_id = ? AND ts >= ? AND ts < ? ORDER BY ts
                """,
            arguments: [resolution.databaseValue, seriesID, from, to]
        )
        var result: [(start: Int64, aggregate: RollupAggregate)] = []
        while let row = try rows.next() {
            result.append(
                (
                    row[0],
                    RollupAggregate(
                        count: row[1],
                        sum: row[2],
                        minimum: row[3],
                        maximum: row[4],
                        average: row[5],
                        coveredMilliseconds: row[6],
                        p95: row[7],
                        p99: row[8]
                    )
                )
            )
        }
        return result
    }

    /// Computes and writes the aggregates of every bucket of `resolution` in `[from, to)` of `series`.
    static func rollUp(
        _ series: RawSeries,
        seriesID: Int64,
        resolution: TimeSeriesResolution,
        from: Int64,
        to: Int64,
        db: Database
    ) throws -> Int {
        var written = 0
        guard let width = resolution.bucketMilliseconds else { return 0 }
        for (start, aggregate) in Self.aggregates(series, width: width, from: from, to: to) {
            try Self.insert(aggregate, resolution: resolution, seriesID: seriesID, start: start, db: db)
            written += 1
        }
        return written
    }

    /// The aggregates of the buckets of `width` ms (epoch-aligned) in `[from, to)` that hold samples
    /// of `series`.
    static func aggregates(
        _ series: RawSeries,
        width: Int64,
        from: Int64,
        to: Int64
    ) -> [(start: Int64, aggregate: RollupAggregate)] {
        var result: [(start: Int64, aggregate: RollupAggregate)] = []
        var index = series.timestamps.startIndex
        while index < series.timestamps.endIndex {
            let timestamp = series.timestamps[index]
            guard timestamp < to else { break }
            guard timestamp >= from else {
                index += 1
                continue
            }
            let start = TimeSeriesResolution.floor(timestamp, to: width)
            var end = index
            while end < series.timestamps.endIndex, series.timestamps[end] < start + width {
                end += 1
            }
            if let aggregate = RollupAggregate.of(
                timestamps: series.timestamps[index..<end],
                values: series.values[index..<end],
                start: start,
                end: start + width
            ) {
                result.append((start, aggregate))
            }
            index = end
        }
        return result
    }
}
