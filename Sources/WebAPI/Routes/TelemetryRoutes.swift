import Foundation
import Hummingbird
import Storage

/// Interfaces with their latest rates, metric series and events.
struct TelemetryRoutes {
    let devices: DeviceAdminStore
    let telemetry: TelemetryStore
    let series: SeriesRangeReader
    let events: EventListStore

    static let maxSeriesPerCall = 20
    static let maxPointsPerSeries: Int64 = 10_000
    static let interfaceSortFields = ["if_index", "name", "in_bps", "out_bps"]

    /// Interface series per `metric=`: (stored metric, shown name, unit, scale).
    static let interfaceMetrics: [String: [(String, String, String, Double)]] = [
        "traffic": [("if_in_octets", "in", "bit/s", 8), ("if_out_octets", "out", "bit/s", 8)],
        "packets": [("if_in_ucast_packets", "in", "packet/s", 1), ("if_out_ucast_packets", "out", "packet/s", 1)],
        "errors": [("if_in_errors", "in", "error/s", 1), ("if_out_errors", "out", "error/s", 1)],
    ]

    private func visibleDevice(_ id: Int64, _ principal: Principal) async throws -> DeviceSummary {
        guard let device = try await self.devices.device(id: id, organisationID: principal.organisationScope) else {
            throw APIError.notFound("no device \(id)")
        }
        return device
    }

    /// `step` in ms (a number, or a duration like 30s, 5m, 1h), defaulting to range/300.
    static func step(_ query: QueryParameters, from: Int64, to: Int64) throws -> Int64 {
        let minimum = max(1000, (to - from + Self.maxPointsPerSeries - 1) / Self.maxPointsPerSeries)
        guard let text = try query.string("step", maxLength: 20) else {
            return max(minimum, (to - from) / 300)
        }
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        var value: Int64?
        if let number = Int64(text) {
            value = number
        } else {
            for (suffix, factor) in units where text.hasSuffix(suffix) {
                if let number = Int64(text.dropLast(suffix.count)), number > 0, number < 1_000_000 {
                    value = number * factor
                    break
                }
            }
        }
        guard let value, value > 0 else {
            throw APIError.invalidParameter("step", "must be milliseconds or a duration like 30s, 5m, 1h")
        }
        guard value >= minimum else {
            throw APIError.invalidParameter(
                "step",
                "must be at least \(minimum) ms for this range (10,000 points per series)"
            )
        }
        return value
    }

    static func aggregation(_ query: QueryParameters) throws -> SeriesAggregation {
        guard let text = try query.string("agg", maxLength: 8) else { return .avg }
        guard let aggregation = SeriesAggregation(rawValue: text) else {
            throw APIError.invalidParameter("agg", "must be avg, min, max, sum or last")
        }
        return aggregation
    }

    /// One series of an answer: id, name, unit, points (scaled) and stats.
    static func seriesValue(id: Int64, name: String, unit: String, points: [SeriesPoint], scale: Double) -> JSONValue {
        let values = points.map { $0.value * scale }
        var stats: JSONValue = .object([("min", .null), ("avg", .null), ("max", .null), ("p95", .null)])
        if !values.isEmpty {
            let sorted = values.sorted()
            let p95 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
            stats = .object([
                ("min", .double(sorted.first)),
                ("avg", .double(values.reduce(0, +) / Double(values.count))),
                ("max", .double(sorted.last)),
                ("p95", .double(p95)),
            ])
        }
        return .object([
            ("id", .int(id)),
            ("name", .string(name)),
            ("unit", .string(unit)),
            ("points", .array(zip(points, values).map { .array([.int($0.0.time), .double($0.1)]) })),
            ("stats", stats),
        ])
    }

    /// `{"series":[...]}` or its CSV (`id,name,unit,ts,value`, one row per point).
    static func seriesResponse(_ series: [JSONValue], request: Request) throws -> Response {
        guard try APIResponse.wantsCSV(request) else { return APIResponse.json(.object([("series", .array(series))])) }
        var rows: [JSONValue] = []
        for entry in series {
            guard case .array(let points)? = entry["points"] else { continue }
            for point in points {
                guard case .array(let pair) = point, pair.count == 2 else { continue }
                rows.append(
                    .object([
                        ("id", entry["id"] ?? .null), ("name", entry["name"] ?? .null),
                        ("unit", entry["unit"] ?? .null),
                        ("ts", pair[0]), ("value", pair[1]),
                    ])
                )
            }
        }
        if rows.isEmpty { return APIResponse.csv("id,name,unit,ts,value\r\n", name: "series") }
        return APIResponse.csv(CSVRenderer.render(rows), name: "series")
    }

    static func seriesName(_ description: SeriesDescription) -> String {
        [
            description.deviceName, description.interfaceName, description.metric,
            description.instance.isEmpty ? nil : description.instance,
        ]
        .compactMap { $0 }.joined(separator: " ")
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/devices/{id}/interfaces",
            access: .role(.viewer),
            summary: "The device's interfaces with their latest rates",
            operation: .init(response: "Interface", list: true, sortFields: Self.interfaceSortFields)
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let device = try await self.visibleDevice(try query.id("id"), principal!)
            let page = try query.list(sortFields: Self.interfaceSortFields, defaultLimit: 1000)
            var items = try await self.telemetry.interfaces(deviceID: device.id).map(ResourceEncoding.interface)
            if let pattern = page.search?.lowercased(), !pattern.isEmpty {
                items = items.filter { item in
                    ["name", "alias", "descr"].contains { key in
                        if case .string(let text)? = item[key] { return text.lowercased().contains(pattern) }
                        return false
                    }
                }
            }
            if let sort = page.sort {
                items.sort { Self.less($0[sort], $1[sort]) }
                if page.descending { items.reverse() }
            }
            let total = items.count
            let pageItems = Array(items.dropFirst(page.offset).prefix(page.limit))
            return try APIResponse.list(pageItems, total: total, request: request, name: "interfaces")
        }
        api.add(
            .get,
            "/api/v1/devices/{id}/interfaces/{ifid}/series",
            access: .role(.viewer),
            summary: "Traffic, packet or error rates of one interface over time",
            operation: .init(
                parameters: [.enumeration("metric", ["traffic", "packets", "errors"])] + OpenAPIParameter.seriesRange,
                response: "SeriesSet",
                csv: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let device = try await self.visibleDevice(try query.id("id"), principal!)
            let interfaceID = try query.id("ifid")
            let metric = try query.string("metric", maxLength: 16) ?? "traffic"
            guard let wanted = Self.interfaceMetrics[metric] else {
                throw APIError.invalidParameter("metric", "must be traffic, packets or errors")
            }
            let interfaces = try await self.telemetry.interfaces(deviceID: device.id)
            guard interfaces.contains(where: { $0.interface.id == interfaceID }) else {
                throw APIError.notFound("no interface \(interfaceID) on device \(device.id)")
            }
            let range = try query.timeRange()
            let step = try Self.step(query, from: range.from, to: range.to)
            let aggregation = try Self.aggregation(query)
            let found = try await self.telemetry.series(interfaceID: interfaceID, metrics: wanted.map(\.0))
            var series: [JSONValue] = []
            for (stored, name, unit, scale) in wanted {
                guard let description = found.first(where: { $0.metric == stored }) else { continue }
                let points = try await self.series.range(
                    seriesID: description.id,
                    from: range.from,
                    to: range.to,
                    step: step,
                    aggregation: aggregation
                )
                series.append(
                    Self.seriesValue(id: description.id, name: name, unit: unit, points: points, scale: scale)
                )
            }
            return try Self.seriesResponse(series, request: request)
        }
        api.add(
            .get,
            "/api/v1/series",
            access: .role(.viewer),
            summary: "Several series by id over a time range",
            operation: .init(
                parameters: [.string("ids", "comma-separated series ids (at most 20)", required: true)]
                    + OpenAPIParameter.seriesRange,
                response: "SeriesSet",
                csv: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            guard let text = try query.string("ids", maxLength: 512) else {
                throw APIError.invalidParameter("ids", "is required")
            }
            var ids: [Int64] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let id = Int64(part.trimmingCharacters(in: .whitespaces)), id > 0 else {
                    throw APIError.invalidParameter("ids", "must be comma-separated positive integers")
                }
                if !ids.contains(id) { ids.append(id) }
            }
            guard (1...Self.maxSeriesPerCall).contains(ids.count) else {
                throw APIError.invalidParameter("ids", "1 to \(Self.maxSeriesPerCall) series per call")
            }
            let range = try query.timeRange()
            let step = try Self.step(query, from: range.from, to: range.to)
            let aggregation = try Self.aggregation(query)
            let descriptions = try await self.telemetry.series(ids: ids).filter {
                principal!.canSee(organisationID: $0.organisationID)
            }
            guard descriptions.count == ids.count else {
                let missing = ids.filter { id in !descriptions.contains { $0.id == id } }
                throw APIError.notFound("no series \(missing.map(String.init).joined(separator: ","))")
            }
            var series: [JSONValue] = []
            for description in descriptions {
                let points = try await self.series.range(
                    seriesID: description.id,
                    from: range.from,
                    to: range.to,
                    step: step,
                    aggregation: aggregation
                )
                series.append(
                    Self.seriesValue(
                        id: description.id,
                        name: Self.seriesName(description),
                        unit: description.unit,
                        points: points,
                        scale: 1
                    )
                )
            }
            return try Self.seriesResponse(series, request: request)
        }
        api.add(
            .get,
            "/api/v1/events",
            access: .role(.viewer),
            summary: "Device and interface events, newest first",
            operation: .init(
                parameters: [
                    .time("from"), .time("to"), .integer("device", "only this device id"),
                    .string("kind", "only this kind, e.g. device_unreachable"),
                ],
                response: "Event",
                list: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let range = try query.timeRange()
            let page = try query.list(sortFields: [String]())
            let events = try await self.events.events(
                from: range.from,
                to: range.to,
                organisationID: principal!.organisationScope,
                deviceID: try query.int("device", in: 1...Int64.max),
                kind: try query.string("kind", maxLength: 64),
                limit: page.limit,
                offset: page.offset
            )
            return try APIResponse.list(
                events.items.map(ResourceEncoding.event),
                total: events.total,
                request: request,
                name: "events"
            )
        }
    }

    /// Orders JSON scalars: nulls first, numbers by value, strings case-insensitively.
    static func less(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a ?? .null, b ?? .null) {
        case (.null, .null): return false
        case (.null, _): return true
        case (_, .null): return false
        case (.int(let x), .int(let y)): return x < y
        case (.double(let x), .double(let y)): return x < y
        case (.int(let x), .double(let y)): return Double(x) < y
        case (.double(let x), .int(let y)): return x < Double(y)
        case (.string(let x), .string(let y)): return x.lowercased() < y.lowercased()
        default: return false
        }
    }
}
