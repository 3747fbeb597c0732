import Foundation
import Hummingbird
import Storage

/// Interfaces with their latest rates, metric series and events.
struct TelemetryRoutes {
    let devices: DeviceAdminStore
    let telemetry: TelemetryStore
    let engine: TimeSeriesEngine
    let events: EventListStore
    /// Encoded series answers per path and query, organisation scope and series-data version:
    /// dashboards refreshing the same graphs between two writes skip the engine.
    let answers = AnswerCache()

    static let maxSeriesPerCall = 20
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

    /// The cached answer to this request at the current series version, or `build`'s.
    private func cached(
        _ request: Request,
        _ principal: Principal,
        build: () async throws -> Response
    ) async throws -> Response {
        let key = AnswerCache.Key(
            query: request.uri.path + "?" + (request.uri.query ?? ""),
            organisation: principal.organisationScope,
            csv: try APIResponse.wantsCSV(request)
        )
        return try await self.answers.answer(key, version: self.telemetry.seriesVersion, build: build)
    }

    /// Runs `descriptions` through the engine with `from`/`to`/`step`/`agg` and renders the answer.
    func answer(_ labels: [SeriesAnswer.Label], request: Request, context: APIRequestContext) async throws -> Response {
        let query = QueryParameters(request, context)
        let range = try query.timeRange()
        let aggregations = try SeriesQueryPlan.aggregations(try query.string("agg", maxLength: 64))
        let step = try SeriesQueryPlan.parseStep(try query.string("step", maxLength: 20))
        let now = AuthService.now()
        let plan = try SeriesQueryPlan.plan(
            step: step,
            from: range.from,
            to: range.to,
            aggregations: aggregations,
            choice: self.engine.resolutionChoice(now: now)
        )
        let response: TimeSeriesResponse
        do {
            response = try await self.engine.query(
                TimeSeriesQuery(
                    seriesIDs: labels.map(\.id),
                    from: range.from,
                    to: range.to,
                    step: plan.step,
                    aggregations: aggregations,
                    resolution: plan.resolution
                ),
                now: now
            )
        } catch let error as TimeSeriesQueryError {
            throw APIError.invalidParameter("step", error.message)
        }
        return try SeriesAnswer.render(response, labels: labels, request: request)
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
            try await self.cached(request, principal!) {
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
                let found = try await self.telemetry.series(interfaceID: interfaceID, metrics: wanted.map(\.0))
                var labels: [SeriesAnswer.Label] = []
                for (stored, name, unit, scale) in wanted {
                    guard let description = found.first(where: { $0.metric == stored }) else { continue }
                    labels.append(SeriesAnswer.Label(id: description.id, name: name, unit: unit, scale: scale))
                }
                return try await self.answer(labels, request: request, context: context)
            }
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
            try await self.cached(request, principal!) {
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
                let descriptions = try await self.telemetry.series(ids: ids).filter {
                    principal!.canSee(organisationID: $0.organisationID)
                }
                guard descriptions.count == ids.count else {
                    let missing = ids.filter { id in !descriptions.contains { $0.id == id } }
                    throw APIError.notFound("no series \(missing.map(String.init).joined(separator: ","))")
                }
                let labels = descriptions.map {
                    SeriesAnswer.Label(id: $0.id, name: Self.seriesName($0), unit: $0.unit)
                }
                return try await self.answer(labels, request: request, context: context)
            }
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
