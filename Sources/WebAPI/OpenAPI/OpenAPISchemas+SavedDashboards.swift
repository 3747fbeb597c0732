import Storage

extension OpenAPISchemas {
    /// The schemas of `/api/v1/dashboards` and `/api/v1/series/catalog`.
    static var savedDashboards: [(String, JSONValue)] {
        let visibilities = DashboardVisibility.allCases.map(\.rawValue)
        let sizes = DashboardPanelSize.allCases.map(\.rawValue)
        let kinds = DashboardPanelKind.allCases.map(\.rawValue)
        let aggregations = SeriesAggregation.allCases.filter { $0 != .last }.map(\.rawValue)
        let dimensions = FlowRoutes.dimensions.keys.sorted()
        let name = string(nullable: false, [("minLength", .int(1)), ("maxLength", .int(100))])
        let title = string(nullable: false, [("maxLength", .int(Int64(DashboardLimits.maxTitleLength)))])
        let filter = { (nullable: Bool) in
            Self.string(nullable: nullable, [("maxLength", .int(Int64(DashboardLimits.maxFilterLength)))])
        }
        let flowFields = { (nullable: Bool) -> [(String, JSONValue)] in
            [
                ("by", Self.enumeration(dimensions)), ("limit", Self.integer()), ("exporter", filter(nullable)),
                ("interface", Self.integer(nullable: nullable)),
                ("output_interface", Self.integer(nullable: nullable)),
                ("src", filter(nullable)), ("dst", filter(nullable)), ("port", Self.integer(nullable: nullable)),
                ("protocol", filter(nullable)),
            ]
        }
        let panelsInput: JSONValue = .object([
            ("type", .string("array")), ("items", ref("DashboardPanelInput")),
            ("maxItems", .int(Int64(DashboardLimits.maxPanels))),
        ])
        let summaryFields: [(String, JSONValue)] = [
            ("id", integer()), ("name", string()), ("visibility", enumeration(visibilities)),
            ("organisation_id", integer()),
            ("owner", object([("id", integer(nullable: true)), ("username", string(nullable: true))])),
            ("panel_count", integer()), ("can_edit", boolean), ("created_at", integer()), ("updated_at", integer()),
        ]
        return [
            ("DashboardSummary", object(summaryFields)),
            ("Dashboard", object(summaryFields + [("panels", array(ref("DashboardPanel")))])),
            (
                "DashboardPanel",
                object([
                    ("type", enumeration(kinds)), ("title", string()), ("size", enumeration(sizes)),
                    ("series_ids", array(integer())), ("aggregation", enumeration(aggregations, nullable: true)),
                    ("flow", object(flowFields(true), nullable: true)),
                ])
            ),
            (
                "DashboardPanelInput",
                object(
                    [
                        ("type", enumeration(kinds)), ("title", title), ("size", enumeration(sizes)),
                        (
                            "series_ids",
                            .object([
                                ("type", .string("array")), ("items", integer()),
                                ("maxItems", .int(Int64(DashboardLimits.maxSeriesPerPanel))),
                            ])
                        ),
                        ("aggregation", enumeration(aggregations)),
                        ("flow", object(flowFields(false), required: ["by"])),
                    ],
                    required: ["type"]
                )
            ),
            (
                "NewDashboard",
                object(
                    [("name", name), ("visibility", enumeration(visibilities)), ("panels", panelsInput)],
                    required: ["name"]
                )
            ),
            (
                "DashboardChange",
                object(
                    [("name", name), ("visibility", enumeration(visibilities)), ("panels", panelsInput)],
                    required: []
                )
            ),
            (
                "SeriesCatalogEntry",
                object([
                    ("id", integer()), ("name", string()), ("device_id", integer(nullable: true)),
                    ("device", string(nullable: true)), ("interface_id", integer(nullable: true)),
                    ("interface", string(nullable: true)), ("if_index", integer(nullable: true)),
                    ("if_alias", string(nullable: true)), ("metric", string()), ("instance", string()),
                    ("unit", string()),
                ])
            ),
        ]
    }
}
