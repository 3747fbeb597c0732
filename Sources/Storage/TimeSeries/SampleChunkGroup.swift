internal import GRDB

/// Which series of a day are compressed together (``SampleChunkSetCodec``): those of one interface,
/// or a device's own series (polled together, so they usually share every timestamp), rates first,
/// each utilization linked to the octet rate it is computed from.
enum SampleChunkGroup {
    /// One series of a set, in the set's order.
    struct Member: Sendable, Hashable {
        var seriesID: Int64
        var series: RawSeries
        /// The link speed of a utilization series (bits/s), else 0.
        var speed: UInt64
        /// The index of the member holding the octet rate this utilization is computed from.
        var utilizationOf: Int?
    }

    /// What grouping needs to know of a series.
    struct SeriesInfo: Sendable, Hashable {
        var device: Int64?
        var interface: Int64?
        var metric: String
        /// The interface's speed (bits/s), 0 when unknown.
        var speed: UInt64
    }

    /// The largest set: a device's or an interface's series, far fewer in practice.
    static let maximumMembers = 256

    /// The octet rate a utilization metric is computed from (`DevicePoller`).
    static let rateOfUtilization = [
        "if_in_utilization_percent": "if_in_octets", "if_out_utilization_percent": "if_out_octets",
    ]

    /// Groups the non-empty series of `raw` by device and interface (series without `info` form
    /// groups of their own), in a stable order.
    static func groups(_ raw: [Int64: RawSeries], info: [Int64: SeriesInfo]) -> [[Member]] {
        var byOwner: [String: [Int64]] = [:]
        for (seriesID, series) in raw where !series.timestamps.isEmpty {
            let key = info[seriesID].map { "\($0.device ?? 0)/\($0.interface ?? 0)" } ?? "series/\(seriesID)"
            byOwner[key, default: []].append(seriesID)
        }
        var groups: [[Member]] = []
        for ids in byOwner.values {
            // Rates (and everything else) before utilizations, then by id.
            let ordered = ids.sorted { left, right in
                let leftDerived = Self.rateOfUtilization[info[left]?.metric ?? ""] != nil
                let rightDerived = Self.rateOfUtilization[info[right]?.metric ?? ""] != nil
                return (leftDerived ? 1 : 0, left) < (rightDerived ? 1 : 0, right)
            }
            for slice in stride(from: 0, to: ordered.count, by: Self.maximumMembers).map({
                ordered[$0..<min(ordered.count, $0 + Self.maximumMembers)]
            }) {
                var members: [Member] = []
                var indexOfMetric: [String: Int] = [:]
                for seriesID in slice {
                    guard let series = raw[seriesID] else { continue }
                    let metric = info[seriesID]?.metric ?? ""
                    let rate = Self.rateOfUtilization[metric]
                    members.append(
                        Member(
                            seriesID: seriesID,
                            series: series,
                            speed: rate == nil ? 0 : info[seriesID]?.speed ?? 0,
                            utilizationOf: rate.flatMap { indexOfMetric[$0] }
                        )
                    )
                    indexOfMetric[metric] = members.count - 1
                }
                groups.append(members)
            }
        }
        return groups.sorted { ($0.first?.seriesID ?? 0) < ($1.first?.seriesID ?? 0) }
    }

    /// The grouping facts of the series with ids in `range`.
    static func info(seriesRange range: ClosedRange<Int64>, db: Database) throws -> [Int64: SeriesInfo] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT s.id, s.device_id, s.interface_id, s.metric, i.speed_bps
                FROM series s LEFT JOIN interfaces i ON i.id = s.interface_id
                WHERE s.id BETWEEN ? AND ?
                """,
            arguments: [range.lowerBound, range.upperBound]
        )
        var result: [Int64: SeriesInfo] = [:]
        while let row = try rows.next() {
            let speed: Int64? = row[4]
            result[row[0]] = SeriesInfo(
                device: row[1],
                interface: row[2],
                metric: row[3],
                speed: UInt64(clamping: max(0, speed ?? 0))
            )
        }
        return result
    }
}
