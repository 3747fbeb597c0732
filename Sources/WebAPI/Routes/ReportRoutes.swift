import Foundation
import Hummingbird
import Storage

/// 95th-percentile bills and capacity forecasts of ports, computed by ``TrafficReports`` (the
/// same code as `netmond billing` and `netmond capacity`), scoped to the caller's organisation.
struct ReportRoutes {
    let reports: TrafficReports
    let scope: ReportScope

    /// The most ports in one bill or one forecast call.
    static let maxPorts = 50
    /// The longest billing period (the 5-minute rollups' default retention).
    static let maxBillingSpan: Int64 = 400 * 86_400_000

    /// `interfaces=` as ids, each visible to `principal`, with its owner; 404 for any that is not.
    func ports(_ query: QueryParameters, _ principal: Principal) async throws -> [(Int64, ReportScope.InterfaceOwner)] {
        guard let text = try query.string("interfaces", maxLength: 1024) else {
            throw APIError.invalidParameter("interfaces", "is required (comma-separated interface ids)")
        }
        var ids: [Int64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)), id > 0 else {
                throw APIError.invalidParameter("interfaces", "must be comma-separated positive integer ids")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        guard (1...Self.maxPorts).contains(ids.count) else {
            throw APIError.invalidParameter("interfaces", "1 to \(Self.maxPorts) interfaces per call")
        }
        let owners = try await self.scope.interfaceOwners(ids)
        let missing = ids.filter { id in owners[id].map { !principal.canSee(organisationID: $0.organisationID) } ?? true
        }
        guard missing.isEmpty else {
            throw APIError.notFound("no interface \(missing.map(String.init).joined(separator: ","))")
        }
        return ids.map { ($0, owners[$0]!) }
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/reports/billing",
            access: .role(.viewer),
            summary: "The 95th-percentile bill of a port or a group of ports over a billing period",
            operation: .init(
                parameters: [
                    .string(
                        "interfaces",
                        "comma-separated interface ids: one port, or a group (at most 50)",
                        required: true
                    ),
                    .string("name", "the name of the port or group shown in the report"),
                    OpenAPIParameter(
                        name: "from",
                        type: "string",
                        description: "the period's start: epoch milliseconds or RFC 3339; default 30 days before to"
                    ),
                    OpenAPIParameter(
                        name: "to",
                        type: "string",
                        description: "the period's end (exclusive): epoch milliseconds or RFC 3339; default now"
                    ),
                    .enumeration("method", BillingMethod.allCases.map(\.rawValue)),
                ],
                response: "BillingReport",
                csv: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let ports = try await self.ports(query, principal!)
            let to = try query.time("to") ?? AuthService.now()
            let from = try query.time("from") ?? (to - 30 * 86_400_000)
            guard from < to else { throw APIError.invalidParameter("from", "must be before to") }
            guard to - from <= Self.maxBillingSpan else {
                throw APIError.invalidParameter("from", "a billing period is at most 400 days")
            }
            let methodText = try query.string("method", maxLength: 8) ?? "max"
            guard let method = BillingMethod(rawValue: methodText) else {
                throw APIError.invalidParameter("method", "must be in, out, max or sum")
            }
            let name = try query.string("name", maxLength: 128)
            let wantsCSV = try APIResponse.wantsCSV(request)
            let subject = name ?? (ports.count == 1 ? ports[0].1.name : "\(ports.count) ports")
            let report: BillingReport
            do {
                report = try await self.reports.billing(
                    subject: subject,
                    interfaceIDs: ports.map(\.0),
                    from: from,
                    to: to,
                    method: method,
                    now: AuthService.now()
                )
            } catch let error as TimeSeriesQueryError {
                throw APIError.invalidParameter("from", error.message)
            }
            if wantsCSV { return APIResponse.csv(report.renderCSV(), name: "billing") }
            return APIResponse.json(ReportEncoding.billing(report))
        }
        api.add(
            .get,
            "/api/v1/reports/capacity",
            access: .role(.viewer),
            summary: "Per port: the daily 95th-percentile utilization trend and the days until a threshold",
            operation: .init(
                parameters: [
                    .string("interfaces", "comma-separated interface ids (at most 50)", required: true),
                    .integer("days", "days of history to fit, 2 to 3660, default 90"),
                    .string("threshold", "utilization threshold in percent, default timeseries.capacity_threshold"),
                ],
                response: "CapacityForecasts",
                csv: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let ports = try await self.ports(query, principal!)
            let days = try query.int("days", in: 2...3660) ?? 90
            var threshold: Double?
            if let text = try query.string("threshold", maxLength: 16) {
                guard let value = Double(text), value.isFinite, value > 0, value <= 1000 else {
                    throw APIError.invalidParameter("threshold", "must be a number of percent above 0, at most 1000")
                }
                threshold = value
            }
            let wantsCSV = try APIResponse.wantsCSV(request)
            let now = AuthService.now()
            var items: [JSONValue] = []
            for (interfaceID, owner) in ports {
                let forecast = try await self.reports.capacity(
                    interfaceID: interfaceID,
                    days: Int(days),
                    threshold: threshold,
                    now: now
                )
                items.append(ReportEncoding.capacity(interfaceID: interfaceID, name: owner.name, forecast))
            }
            if wantsCSV { return APIResponse.csv(ReportEncoding.capacityCSV(items), name: "capacity") }
            return APIResponse.json(.object([("items", .array(items))]))
        }
    }
}
