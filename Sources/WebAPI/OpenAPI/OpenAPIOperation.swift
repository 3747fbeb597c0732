/// A query parameter of an operation, as the OpenAPI document describes it.
struct OpenAPIParameter: Sendable, Hashable {
    var name: String
    var type: String
    var description: String
    var required: Bool = false
    var enumeration: [String] = []

    static func string(_ name: String, _ description: String, required: Bool = false) -> Self {
        Self(name: name, type: "string", description: description, required: required)
    }

    static func integer(_ name: String, _ description: String) -> Self {
        Self(name: name, type: "integer", description: description)
    }

    static func time(_ name: String) -> Self {
        Self(
            name: name,
            type: "string",
            description: "epoch milliseconds or RFC 3339; default: \(name == "to" ? "now" : "one hour before to")"
        )
    }

    static func enumeration(_ name: String, _ values: [String]) -> Self {
        Self(name: name, type: "string", description: "one of \(values.joined(separator: ", "))", enumeration: values)
    }

    static let seriesRange: [OpenAPIParameter] = [
        .time("from"), .time("to"),
        .string(
            "step",
            "bucket width: milliseconds or a duration like 30s, 5m, 1h, 1d; default: about range/300, "
                + "coarsened so that at most timeseries.max_query_rows rows are read per series"
        ),
        .string("agg", "one or more of min, max, avg, sum, count, p95, p99, comma-separated; default avg"),
    ]
}

/// What the OpenAPI document says about one operation besides its path, method and access.
struct OpenAPIOperation: Sendable, Hashable {
    var parameters: [OpenAPIParameter] = []
    /// The request body's schema name, if it takes one.
    var requestBody: String?
    /// The success body's schema name; nil for 204 No Content.
    var response: String?
    /// The success status.
    var status: Int = 200
    /// A paged list of `response` items (`limit`, `offset`, `sort`, `q`, `format`).
    var list: Bool = false
    /// Answers CSV too (`format`, `Accept: text/csv`).
    var csv: Bool = false
    /// Accepted `sort` fields of a list.
    var sortFields: [String] = []
    /// Error statuses besides the common ones (e.g. 429 and 503 of a bounded ingestion).
    var extraErrors: [Int] = []
}
