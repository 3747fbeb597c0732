import Storage

/// JSON and CSV of the time-series reports: a 95th-percentile bill (``BillingReport``; its CSV is
/// the report's own ``BillingReport/renderCSV()``, the same as `netmond billing`) and capacity
/// forecasts (``CapacityForecast``).
enum ReportEncoding {
    /// A bill as the `BillingReport` schema; the same numbers as its CSV.
    static func billing(_ report: BillingReport) -> JSONValue {
        .object([
            ("subject", .string(report.subject)),
            ("from", .int(report.from)),
            ("to", .int(report.to)),
            ("method", .string(report.method.rawValue)),
            ("slots_in_period", .int(report.slotsInPeriod)),
            ("slots_billed", .int(report.slotsBilled)),
            ("missing_samples", .int(report.missingSamples)),
            ("billed_bps", .double(report.billedBitsPerSecond)),
            ("in_p95_bps", .double(report.inboundP95BitsPerSecond)),
            ("out_p95_bps", .double(report.outboundP95BitsPerSecond)),
            ("max_p95_bps", .double(report.maxP95BitsPerSecond)),
            ("sum_p95_bps", .double(report.sumP95BitsPerSecond)),
            ("in_bytes", .double(report.inboundBytes)),
            ("out_bytes", .double(report.outboundBytes)),
            ("total_bytes", .double(report.inboundBytes + report.outboundBytes)),
            (
                "ports",
                .array(
                    report.ports.map { port in
                        .object([
                            ("interface_id", .int(port.interfaceID)),
                            ("name", .string(port.name)),
                            ("missing_in", .int(port.missingInbound)),
                            ("missing_out", .int(port.missingOutbound)),
                            ("in_p95_bps", .double(port.inboundP95BitsPerSecond)),
                            ("out_p95_bps", .double(port.outboundP95BitsPerSecond)),
                            ("in_bytes", .double(port.inboundBytes)),
                            ("out_bytes", .double(port.outboundBytes)),
                        ])
                    }
                )
            ),
        ])
    }

    /// One port's forecast as an item of the `CapacityForecast` schema.
    static func capacity(interfaceID: Int64, name: String, _ forecast: CapacityForecast) -> JSONValue {
        .object([
            ("interface_id", .int(interfaceID)),
            ("name", .string(name)),
            ("threshold_percent", .double(forecast.threshold)),
            ("slope_percent_per_day", .double(forecast.slopePerDay)),
            ("fitted_latest_percent", .double(forecast.fittedLatest)),
            ("days_until_threshold", .double(forecast.daysUntilThreshold)),
            (
                "days",
                .array(
                    forecast.days.map { day in
                        .object([("day", .int(day.day)), ("p95_percent", .double(day.p95Percent))])
                    }
                )
            ),
        ])
    }

    /// The CSV of capacity items: one row per port and day, the port's forecast repeated on each
    /// (a port without days gets one row with an empty day).
    static func capacityCSV(_ items: [JSONValue]) -> String {
        var rows: [JSONValue] = []
        for item in items {
            guard case .object(let fields) = item else { continue }
            let summary = fields.filter { $0.0 != "days" }
            var days: [JSONValue] = []
            if case .array(let list)? = item["days"] { days = list }
            if days.isEmpty { days = [.object([("day", .null), ("p95_percent", .null)])] }
            for day in days {
                rows.append(
                    .object(summary + [("day", day["day"] ?? .null), ("p95_percent", day["p95_percent"] ?? .null)])
                )
            }
        }
        if rows.isEmpty {
            return "interface_id,name,threshold_percent,slope_percent_per_day,fitted_latest_percent,"
                + "days_until_threshold,day,p95_percent\r\n"
        }
        return CSVRenderer.render(rows)
    }
}
