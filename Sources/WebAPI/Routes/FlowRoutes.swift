import Foundation
import Hummingbird
import NetmonCore
import Storage

/// `/api/v1/flows`: top-N by any dimension with filters, and per-exporter totals. Flow data
/// belongs to the default organisation: other organisations see empty answers.
struct FlowRoutes {
    let flows: FlowQueries

    static let dimensions: [String: FlowDimension] = [
        "src": .sourceAddress, "dst": .destinationAddress, "conversation": .conversation,
        "src_port": .sourcePort, "dst_port": .destinationPort, "protocol": .ipProtocol,
        "exporter": .exporter, "interface": .inputInterface, "output_interface": .outputInterface,
    ]
    static let protocolNames: [String: UInt8] = [
        "icmp": 1, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "icmpv6": 58, "sctp": 132,
    ]

    static func filter(_ query: QueryParameters) throws -> FlowFilter {
        var filter = FlowFilter()
        if let text = try query.string("exporter", maxLength: 64) {
            guard let prefix = IPPrefix(text), prefix.length == (prefix.network.version == 4 ? 32 : 128) else {
                throw APIError.invalidParameter("exporter", "must be an IP address")
            }
            filter.exporter = prefix.network
        }
        if let index = try query.int("interface", in: 0...Int64(UInt32.max)) { filter.inputInterface = UInt32(index) }
        if let index = try query.int("output_interface", in: 0...Int64(UInt32.max)) {
            filter.outputInterface = UInt32(index)
        }
        for (name, isSource) in [("src", true), ("address", true), ("dst", false)] {
            guard let text = try query.string(name, maxLength: 64) else { continue }
            guard let prefix = IPPrefix(text) else {
                throw APIError.invalidParameter(name, "must be an address or a CIDR prefix like 10.0.0.0/8")
            }
            if isSource { filter.sourcePrefix = prefix } else { filter.destinationPrefix = prefix }
        }
        if let port = try query.int("port", in: 0...65535) { filter.port = UInt16(port) }
        if let text = try query.string("protocol", maxLength: 8) {
            if let number = UInt8(text) {
                filter.ipProtocol = number
            } else if let number = Self.protocolNames[text.lowercased()] {
                filter.ipProtocol = number
            } else {
                throw APIError.invalidParameter(
                    "protocol",
                    "must be 0 to 255 or one of \(Self.protocolNames.keys.sorted().joined(separator: ", "))"
                )
            }
        }
        return filter
    }

    static func source(_ query: QueryParameters) throws -> FlowQuerySource {
        switch try query.string("source", maxLength: 16) {
        case nil, "aggregates": return .aggregates
        case "raw": return .raw
        default: throw APIError.invalidParameter("source", "must be aggregates or raw")
        }
    }

    static func key(_ entry: FlowTrafficEntry, dimension: FlowDimension) -> JSONValue {
        let address = { (value: IPAddress?) -> JSONValue in .string(value?.description) }
        let port = { (value: UInt16?) -> JSONValue in .int(value.map { Int64($0) }) }
        let proto: JSONValue = .int(entry.ipProtocol.map { Int64($0) })
        switch dimension {
        case .sourceAddress: return .object([("address", address(entry.sourceAddress))])
        case .destinationAddress: return .object([("address", address(entry.destinationAddress))])
        case .conversation:
            return .object([("a", address(entry.sourceAddress)), ("b", address(entry.destinationAddress))])
        case .sourcePort: return .object([("protocol", proto), ("port", port(entry.sourcePort))])
        case .destinationPort: return .object([("protocol", proto), ("port", port(entry.destinationPort))])
        case .ipProtocol: return .object([("protocol", proto)])
        case .exporter: return .object(Self.exporter(entry))
        case .inputInterface:
            return .object(
                Self.exporter(entry)
                    + Self.interface(entry.inputInterface, details: entry.inputInterfaceDetails)
            )
        case .outputInterface:
            return .object(
                Self.exporter(entry)
                    + Self.interface(entry.outputInterface, details: entry.outputInterfaceDetails)
            )
        }
    }

    /// The exporter and, when it is a polled device, that device's id and name.
    static func exporter(_ entry: FlowTrafficEntry) -> [(String, JSONValue)] {
        [
            ("exporter", .string(entry.exporter)), ("device_id", .int(entry.device?.id)),
            ("device", .string(entry.device?.name)),
        ]
    }

    /// An ifIndex with the name, alias and speed the SNMP inventory gives it (null when unknown).
    static func interface(_ ifIndex: UInt32?, details: FlowInterfaceDetails?) -> [(String, JSONValue)] {
        [
            ("if_index", .int(ifIndex.map { Int64($0) })), ("if_name", .string(details?.name)),
            ("if_alias", .string(details?.alias)), ("speed_bps", .int(details?.speedBitsPerSecond)),
        ]
    }

    static func item(_ entry: FlowTrafficEntry, dimension: FlowDimension) -> JSONValue {
        .object([
            ("key", self.key(entry, dimension: dimension)),
            ("other", .bool(entry.isOther)),
            ("bytes", .int(Int64(clamping: entry.bytes))),
            ("packets", .int(Int64(clamping: entry.packets))),
            ("flows", .int(Int64(clamping: entry.flows))),
        ])
    }

    func register(on api: APIRouteBuilder) {
        let filters: [OpenAPIParameter] = [
            .time("from"), .time("to"), .string("exporter", "exporter IP address"),
            .integer("interface", "input ifIndex"), .integer("output_interface", "output ifIndex"),
            .string("src", "source address or CIDR prefix"), .string("address", "alias of src"),
            .string("dst", "destination address or CIDR prefix"), .integer("port", "source or destination port"),
            .string("protocol", "IP protocol number or tcp, udp, icmp, icmpv6, gre, esp, sctp"),
            .enumeration("source", ["aggregates", "raw"]),
        ]
        api.add(
            .get,
            "/api/v1/flows/top",
            access: .role(.viewer),
            summary: "Top-N traffic by a dimension over a time range",
            operation: .init(
                parameters: [
                    .enumeration("by", Self.dimensions.keys.sorted()), .integer("limit", "1 to 1000, default 10"),
                ]
                    + filters,
                response: "FlowTop",
                csv: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let by = try query.string("by", maxLength: 32) ?? "src"
            guard let dimension = Self.dimensions[by] else {
                throw APIError.invalidParameter(
                    "by",
                    "must be one of \(Self.dimensions.keys.sorted().joined(separator: ", "))"
                )
            }
            let range = try query.timeRange()
            let filter = try Self.filter(query)
            let source = try Self.source(query)
            let limit = Int(try query.int("limit", in: 1...1000) ?? 10)
            var items: [JSONValue] = []
            var total: Int64 = 0
            if principal!.canSee(organisationID: NetmonDatabase.defaultOrganisationID) {
                let entries = try await self.flows.top(
                    dimension,
                    from: range.from,
                    to: range.to,
                    filter: filter,
                    source: source,
                    limit: limit
                )
                items = entries.map { Self.item($0, dimension: dimension) }
                let totals = try await self.flows.top(
                    .exporter,
                    from: range.from,
                    to: range.to,
                    filter: filter,
                    source: source,
                    limit: 10_000
                )
                total = totals.reduce(0) { $0 + Int64(clamping: $1.bytes) }
            }
            if try APIResponse.wantsCSV(request) {
                return APIResponse.csv(CSVRenderer.render(items), name: "flows-top")
            }
            return APIResponse.json(.object([("items", .array(items)), ("total_bytes", .int(total))]))
        }
        api.add(
            .get,
            "/api/v1/flows/exporters",
            access: .role(.viewer),
            summary: "Traffic per flow exporter over a time range",
            operation: .init(parameters: [.time("from"), .time("to")], response: "FlowExporter", list: true)
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let range = try query.timeRange()
            let page = try query.list(sortFields: [String]())
            var items: [JSONValue] = []
            if principal!.canSee(organisationID: NetmonDatabase.defaultOrganisationID) {
                items = try await self.flows.exporterTotals(from: range.from, to: range.to, limit: 10_000).map {
                    entry in
                    .object(
                        Self.exporter(entry) + [
                            ("bytes", .int(Int64(clamping: entry.bytes))),
                            ("packets", .int(Int64(clamping: entry.packets))),
                            ("flows", .int(Int64(clamping: entry.flows))),
                        ]
                    )
                }
            }
            let pageItems = Array(items.dropFirst(page.offset).prefix(page.limit))
            return try APIResponse.list(pageItems, total: items.count, request: request, name: "flow-exporters")
        }
    }
}
