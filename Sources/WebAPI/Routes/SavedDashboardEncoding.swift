import Storage

/// How saved dashboards, their panels and series-catalog entries are shown (docs/API.md,
/// "Saved dashboards").
extension ResourceEncoding {
    /// A dashboard; `panels` only for the single-dashboard answers (lists carry `panel_count`).
    static func dashboard(_ dashboard: SavedDashboard, canEdit: Bool, withPanels: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .int(dashboard.id)),
            ("name", .string(dashboard.name)),
            ("visibility", .string(dashboard.visibility.rawValue)),
            ("organisation_id", .int(dashboard.organisationID)),
            ("owner", .object([("id", .int(dashboard.ownerID)), ("username", .string(dashboard.ownerName))])),
            ("panel_count", .int(dashboard.panels.count)),
            ("can_edit", .bool(canEdit)),
            ("created_at", .int(dashboard.createdAt)),
            ("updated_at", .int(dashboard.updatedAt)),
        ]
        if withPanels { fields.append(("panels", .array(dashboard.panels.map(Self.panel)))) }
        return .object(fields)
    }

    static func panel(_ panel: DashboardPanel) -> JSONValue {
        .object([
            ("type", .string(panel.kind.rawValue)),
            ("title", .string(panel.title)),
            ("size", .string(panel.size.rawValue)),
            ("series_ids", .array(panel.seriesIDs.map { .int($0) })),
            ("aggregation", .string(panel.aggregation?.rawValue)),
            ("flow", panel.flow.map(Self.flow) ?? .null),
        ])
    }

    static func flow(_ flow: DashboardFlowQuery) -> JSONValue {
        .object([
            ("by", .string(flow.by)),
            ("limit", .int(flow.limit)),
            ("exporter", .string(flow.exporter)),
            ("interface", .int(flow.interface)),
            ("output_interface", .int(flow.outputInterface)),
            ("src", .string(flow.src)),
            ("dst", .string(flow.dst)),
            ("port", .int(flow.port)),
            ("protocol", .string(flow.ipProtocol)),
        ])
    }

    static func seriesCatalogEntry(_ entry: SeriesCatalogEntry) -> JSONValue {
        .object([
            ("id", .int(entry.series.id)),
            ("name", .string(TelemetryRoutes.seriesName(entry.series))),
            ("device_id", .int(entry.series.deviceID)),
            ("device", .string(entry.series.deviceName)),
            ("interface_id", .int(entry.series.interfaceID)),
            ("interface", .string(entry.series.interfaceName)),
            ("if_index", .int(entry.ifIndex)),
            ("if_alias", .string(entry.interfaceAlias)),
            ("metric", .string(entry.series.metric)),
            ("instance", .string(entry.series.instance)),
            ("unit", .string(entry.series.unit)),
        ])
    }
}
