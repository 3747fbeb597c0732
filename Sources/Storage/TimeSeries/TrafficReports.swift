internal import GRDB
public import NetmonCore

/// 95th-percentile billing and capacity forecasts of interfaces, read through ``TimeSeriesEngine``.
///
/// Ports are identified by interface id; their traffic is the `if_in_octets` / `if_out_octets`
/// rate series (bytes per second) the SNMP poller writes, their utilization the
/// `if_in_utilization_percent` / `if_out_utilization_percent` series.
public struct TrafficReports: Sendable {
    private let database: NetmonDatabase
    private let engine: TimeSeriesEngine
    private let configuration: TimeSeriesConfiguration

    /// Creates reports over `database`.
    public init(database: NetmonDatabase, configuration: TimeSeriesConfiguration = .init()) {
        self.database = database
        self.engine = TimeSeriesEngine(database: database, configuration: configuration)
        self.configuration = configuration
    }

    /// The 95th-percentile bill of the ports `interfaceIDs` (one port, or a named group) over
    /// `[from, to)`, from the 5-minute data (see ``BillingReport``).
    public func billing(
        subject: String,
        interfaceIDs: [Int64],
        from: Int64,
        to: Int64,
        method: BillingMethod,
        now: Int64
    ) async throws -> BillingReport {
        guard from < to, from >= 0, to - from <= 400 * 86_400_000 else {
            throw TimeSeriesQueryError(message: "a billing period must be non-empty, after 1970 and at most 400 days")
        }
        let slot = BillingReport.slotMilliseconds
        let start = TimeSeriesResolution.floor(from, to: slot)
        let end = max(start, TimeSeriesResolution.floor(to + slot - 1, to: slot))
        var ports: [BillingPortData] = []
        for interfaceID in interfaceIDs {
            // One read transaction per port: the same values the engine gives for a 5-minute step
            // (stored rows before the watermark, raw samples after it), reading only `ts` and `avg`.
            let port = try await self.database.pool.read { db in
                let name = try Self.portName(interfaceID, db: db)
                let series = try Self.seriesIDs(interfaceID, metrics: ["if_in_octets", "if_out_octets"], db: db)
                let watermark = try TimeSeriesState.get(TimeSeriesState.rollupHour, db: db) ?? start
                let split = min(max(TimeSeriesResolution.floor(watermark, to: slot), start), end)
                var directions: [[Int64: Double]] = [[:], [:]]
                for (index, seriesID) in series.enumerated() {
                    guard let seriesID else { continue }
                    directions[index].reserveCapacity(Int((end - start) / slot))
                    let rows = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT ts, avg FROM rollups
                            WHERE resolution = ? AND series_id = ? AND ts >= ? AND ts < ?
                            """,
                        arguments: [TimeSeriesResolution.fiveMinutes.databaseValue, seriesID, start, split]
                    )
                    while let row = try rows.next() {
                        directions[index][row[0]] = row[1]
                    }
                    if split < end {
                        let raw = try RawSampleReader.series(seriesID, from: split, to: end, db: db)
                        for (slotStart, aggregate) in RollupTable.aggregates(raw, width: slot, from: split, to: end) {
                            directions[index][slotStart] = aggregate.average
                        }
                    }
                }
                return BillingPortData(
                    interfaceID: interfaceID,
                    name: name,
                    inbound: directions[0],
                    outbound: directions[1]
                )
            }
            ports.append(port)
        }
        return BillingReport(subject: subject, from: from, to: to, method: method, ports: ports)
    }

    /// The daily 95th-percentile utilization of a port over the `days` UTC days before `now` and
    /// the forecast of the days until it reaches `threshold` percent (default: `capacity_threshold`).
    public func capacity(
        interfaceID: Int64,
        days: Int = 90,
        threshold: Double? = nil,
        now: Int64
    ) async throws
        -> CapacityForecast
    {
        let day: Int64 = 86_400_000
        let end = TimeSeriesResolution.floor(now, to: day)
        let days = min(max(1, days), 36_600)
        let series = try await self.database.pool.read { db in
            try Self.seriesIDs(
                interfaceID,
                metrics: ["if_in_utilization_percent", "if_out_utilization_percent"],
                db: db
            )
        }
        var byDay: [Int64: Double] = [:]
        for seriesID in series.compactMap({ $0 }) {
            let response = try await self.engine.query(
                TimeSeriesQuery(
                    seriesIDs: [seriesID],
                    from: end - Int64(days) * day,
                    to: end,
                    step: day,
                    aggregations: [.p95],
                    resolution: .day
                ),
                now: now
            )
            for point in response.series.first?.points ?? [] {
                if let value = point.values[0] {
                    byDay[point.timestamp] = max(byDay[point.timestamp] ?? -.infinity, value)
                }
            }
        }
        return CapacityForecast(
            days: byDay.map { CapacityForecast.Day(day: $0.key, p95Percent: $0.value) },
            threshold: threshold ?? self.configuration.capacityThreshold
        )
    }

    /// The series ids of `metrics` on interface `interfaceID`, nil where there is none.
    static func seriesIDs(_ interfaceID: Int64, metrics: [String], db: Database) throws -> [Int64?] {
        try metrics.map { metric in
            try Int64.fetchOne(
                db,
                sql: "SELECT id FROM series WHERE interface_id = ? AND metric = ? AND instance = '' LIMIT 1",
                arguments: [interfaceID, metric]
            )
        }
    }

    /// "device interface" for reports, or the id when the interface is unknown.
    static func portName(_ interfaceID: Int64, db: Database) throws -> String {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT devices.name, coalesce(interfaces.if_name, interfaces.if_descr, interfaces.if_index)
                FROM interfaces JOIN devices ON devices.id = interfaces.device_id WHERE interfaces.id = ?
                """,
            arguments: [interfaceID]
        )
        guard let row else { return "interface \(interfaceID)" }
        return "\(row[0] as String) \(row[1] as String)"
    }
}
