import Foundation
import NetmonCore
import Storage

/// The JSON bodies of `POST` and `PATCH /api/v1/dashboards` and their conversion to a
/// ``DashboardDraft``, with every value checked and errors that name the field. Enumerations are
/// read as strings here (not decoded as enums) so that a wrong value gets a precise message.
enum SavedDashboardBody {
    /// A panel as a client sends it.
    struct Panel: Decodable {
        var type: String
        var title: String?
        var size: String?
        var series_ids: [Int64]?
        var aggregation: String?
        var flow: Flow?
    }

    /// The flow query of a `flow_top` panel: the parameters of `GET /api/v1/flows/top`.
    struct Flow: Decodable {
        var by: String
        var limit: Int?
        var exporter: String?
        var interface: Int64?
        var output_interface: Int64?
        var src: String?
        var dst: String?
        var port: Int?
        var ipProtocol: String?

        enum CodingKeys: String, CodingKey {
            case by, limit, exporter, interface, output_interface, src, dst, port
            case ipProtocol = "protocol"
        }
    }

    /// `POST`: a new dashboard (private and empty unless said otherwise).
    struct New: Decodable {
        var name: String
        var visibility: String?
        var panels: [Panel]?
    }

    /// `PATCH`: any of the fields; the others keep their value.
    struct Change: Decodable {
        var name: String?
        var visibility: String?
        var panels: [Panel]?
    }

    static func visibility(_ text: String) throws -> DashboardVisibility {
        guard let visibility = DashboardVisibility(rawValue: text) else {
            throw APIError.invalidBody("visibility must be private or shared")
        }
        return visibility
    }

    /// The typed panels, each checked (bounds are checked again by the store).
    static func panels(_ panels: [Panel]) throws -> [DashboardPanel] {
        guard panels.count <= DashboardLimits.maxPanels else {
            throw APIError.invalidBody("panels: at most \(DashboardLimits.maxPanels) panels")
        }
        return try panels.enumerated().map { index, panel in try self.panel(panel, field: "panels[\(index)]") }
    }

    static func panel(_ body: Panel, field: String) throws -> DashboardPanel {
        guard let kind = DashboardPanelKind(rawValue: body.type) else {
            throw APIError.invalidBody("\(field).type must be series or flow_top")
        }
        let size = try body.size.map { text in
            guard let size = DashboardPanelSize(rawValue: text) else {
                throw APIError.invalidBody("\(field).size must be small, medium or large")
            }
            return size
        }
        let aggregation = try body.aggregation.map { text in
            // `last` is not one of the series endpoint's functions (it reads the time-series engine).
            guard let aggregation = SeriesAggregation(rawValue: text), aggregation != .last else {
                throw APIError.invalidBody("\(field).aggregation must be avg, min, max or sum")
            }
            return aggregation
        }
        var panel = DashboardPanel(
            kind: kind,
            title: body.title ?? "",
            size: size ?? .medium,
            seriesIDs: body.series_ids ?? [],
            aggregation: aggregation
        )
        if let flow = body.flow {
            panel.flow = try self.flow(flow, field: "\(field).flow")
        }
        do {
            return try DashboardDraft.validated(panel, field: field)
        } catch let error as DashboardValidationError {
            throw APIError.invalidBody(error.description)
        }
    }

    /// The flow query, with the same rules as the parameters of `GET /api/v1/flows/top`.
    static func flow(_ body: Flow, field: String) throws -> DashboardFlowQuery {
        guard FlowRoutes.dimensions[body.by] != nil else {
            throw APIError.invalidBody(
                "\(field).by must be one of \(FlowRoutes.dimensions.keys.sorted().joined(separator: ", "))"
            )
        }
        let empty = { (text: String?) -> String? in
            guard let text else { return nil }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        let exporter = empty(body.exporter)
        if let exporter {
            guard exporter.count <= DashboardLimits.maxFilterLength, let prefix = IPPrefix(exporter),
                prefix.length == (prefix.network.version == 4 ? 32 : 128)
            else { throw APIError.invalidBody("\(field).exporter must be an IP address") }
        }
        for (name, value) in [("src", empty(body.src)), ("dst", empty(body.dst))] {
            guard let value else { continue }
            guard value.count <= DashboardLimits.maxFilterLength, IPPrefix(value) != nil else {
                throw APIError.invalidBody("\(field).\(name) must be an address or a CIDR prefix like 10.0.0.0/8")
            }
        }
        let ipProtocol = empty(body.ipProtocol)
        if let ipProtocol, UInt8(ipProtocol) == nil, FlowRoutes.protocolNames[ipProtocol.lowercased()] == nil {
            throw APIError.invalidBody(
                "\(field).protocol must be 0 to 255 or one of "
                    + FlowRoutes.protocolNames.keys.sorted().joined(separator: ", ")
            )
        }
        return DashboardFlowQuery(
            by: body.by,
            limit: body.limit ?? 10,
            exporter: exporter,
            interface: body.interface,
            outputInterface: body.output_interface,
            src: empty(body.src),
            dst: empty(body.dst),
            port: body.port,
            ipProtocol: ipProtocol?.lowercased()
        )
    }

    /// The draft's name and panels, checked (the store checks again before writing).
    static func validated(_ draft: DashboardDraft) throws -> DashboardDraft {
        do {
            return try draft.validated()
        } catch let error as DashboardValidationError {
            throw APIError.invalidBody(error.description)
        }
    }
}
