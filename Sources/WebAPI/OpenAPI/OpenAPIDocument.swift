import Foundation
import HTTPTypes

/// Builds the OpenAPI 3.0 document from the route catalog: every registered route with its
/// parameters, bodies, responses, errors and security.
enum OpenAPIDocument {
    static let errorStatuses: [(Int, String)] = [
        (400, "Bad request: a malformed parameter or body"),
        (401, "No, invalid or expired credentials"),
        (403, "The role does not allow this, or the CSRF header is missing"),
        (404, "No such resource (or one of another organisation)"),
        (409, "Conflict with the current state (a name already taken)"),
        (413, "The request body is larger than 256 KiB"),
        (429, "Too many failed logins"),
    ]

    /// Statuses an operation lists only when it says so (``OpenAPIOperation/extraErrors``).
    static let extraErrorStatuses: [Int: String] = [
        429: "Too many samples for the writer's queue right now; retry after the Retry-After delay",
        503: "The sample writer is not running or is shutting down",
    ]

    static func build(_ entries: [RouteEntry], version: String) -> JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for entry in entries {
            let operation = self.operation(entry)
            let method = entry.method.rawValue.lowercased()
            if let index = paths.firstIndex(where: { $0.0 == entry.path }) {
                paths[index].1.append((method, operation))
            } else {
                paths.append((entry.path, [(method, operation)]))
            }
        }
        return .object([
            ("openapi", .string("3.0.3")),
            (
                "info",
                .object([
                    ("title", .string("netmond API")),
                    ("version", .string(version)),
                    (
                        "description",
                        .string(
                            "REST API of netmond: devices, interfaces, series, events, flows, users, organisations, "
                                + "API keys and the audit log. Errors share one shape: {\"error\":{\"code\",\"message\"}}."
                        )
                    ),
                ])
            ),
            ("servers", .array([.object([("url", .string("/"))])])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            (
                "components",
                .object([
                    ("schemas", .object(OpenAPISchemas.all)),
                    (
                        "securitySchemes",
                        .object([
                            (
                                "bearerAuth",
                                .object([
                                    ("type", .string("http")), ("scheme", .string("bearer")),
                                    (
                                        "description",
                                        .string("An access JWT from /api/v1/auth/login, or an API key nmk_...")
                                    ),
                                ])
                            ),
                            (
                                "apiKeyHeader",
                                .object([
                                    ("type", .string("apiKey")), ("in", .string("header")),
                                    ("name", .string("X-API-Key")),
                                ])
                            ),
                            (
                                "cookieSession",
                                .object([
                                    ("type", .string("apiKey")), ("in", .string("cookie")),
                                    ("name", .string("netmond_access")),
                                    (
                                        "description",
                                        .string(
                                            "Session cookie; mutating requests also need X-CSRF-Token = netmond_csrf"
                                        )
                                    ),
                                ])
                            ),
                        ])
                    ),
                ])
            ),
        ])
    }

    private static func parameter(_ parameter: OpenAPIParameter, in location: String = "query") -> JSONValue {
        var schema: [(String, JSONValue)] = [("type", .string(parameter.type))]
        if !parameter.enumeration.isEmpty { schema.append(("enum", .array(parameter.enumeration.map { .string($0) }))) }
        return .object([
            ("name", .string(parameter.name)),
            ("in", .string(location)),
            ("required", .bool(parameter.required || location == "path")),
            ("description", .string(parameter.description)),
            ("schema", .object(schema)),
        ])
    }

    private static func operation(_ entry: RouteEntry) -> JSONValue {
        let details = entry.operation
        var parameters: [JSONValue] = []
        var remaining = Substring(entry.path)
        while let open = remaining.firstIndex(of: "{"), let close = remaining[open...].firstIndex(of: "}") {
            let name = String(remaining[remaining.index(after: open)..<close])
            parameters.append(
                self.parameter(.init(name: name, type: "integer", description: "a database id"), in: "path")
            )
            remaining = remaining[remaining.index(after: close)...]
        }
        var query = details.parameters
        if details.list {
            query += [
                .integer("limit", "1 to 1000, default 100"), .integer("offset", "default 0"),
                .string("q", "case-insensitive substring search"),
            ]
            if !details.sortFields.isEmpty {
                query.append(
                    .enumeration("sort", details.sortFields.flatMap { [$0, "-" + $0] })
                )
            }
        }
        if details.list || details.csv { query.append(.enumeration("format", ["json", "csv"])) }
        parameters += query.map { self.parameter($0) }

        var responses: [(String, JSONValue)] = []
        let description = entry.access == .anonymous && entry.path.hasSuffix("/logout") ? "Logged out" : "Success"
        if let schema = details.response {
            var content: [(String, JSONValue)]
            if schema == "PrometheusText" {
                content = [("text/plain", .object([("schema", OpenAPISchemas.string())]))]
            } else {
                let body =
                    details.list
                    ? OpenAPISchemas.object([
                        ("items", OpenAPISchemas.array(OpenAPISchemas.ref(schema))),
                        ("total", OpenAPISchemas.integer()),
                    ])
                    : OpenAPISchemas.ref(schema)
                content = [("application/json", .object([("schema", body)]))]
            }
            if details.list || details.csv {
                content.append(("text/csv", .object([("schema", OpenAPISchemas.string())])))
            }
            responses.append(
                (
                    String(details.status),
                    .object([("description", .string(description)), ("content", .object(content))])
                )
            )
        } else {
            responses.append(("204", .object([("description", .string(description))])))
        }
        var errorStatuses = self.errorStatuses.filter { status, _ in
            status != 429 || entry.path == "/api/v1/auth/login" || details.extraErrors.contains(429)
        }
        for status in details.extraErrors where !errorStatuses.contains(where: { $0.0 == status }) {
            errorStatuses.append((status, self.extraErrorStatuses[status] ?? "Error"))
        }
        for (status, text) in errorStatuses {
            let text = status == 429 && entry.path != "/api/v1/auth/login" ? self.extraErrorStatuses[429] ?? text : text
            responses.append(
                (
                    String(status),
                    .object([
                        ("description", .string(text)),
                        (
                            "content",
                            .object([("application/json", .object([("schema", OpenAPISchemas.ref("Error"))]))])
                        ),
                    ])
                )
            )
        }

        var operation: [(String, JSONValue)] = [
            ("summary", .string(entry.summary)),
            ("operationId", .string(self.operationID(entry))),
            ("tags", .array([.string(self.tag(entry.path))])),
            ("description", .string("Access: \(entry.access.description)")),
        ]
        if !parameters.isEmpty { operation.append(("parameters", .array(parameters))) }
        if let body = details.requestBody {
            operation.append(
                (
                    "requestBody",
                    .object([
                        ("required", .bool(!entry.path.hasPrefix("/api/v1/auth/"))),
                        (
                            "content",
                            .object([("application/json", .object([("schema", OpenAPISchemas.ref(body))]))])
                        ),
                    ])
                )
            )
        }
        operation.append(("responses", .object(responses)))
        if entry.access == .anonymous {
            operation.append(("security", .array([])))
        } else {
            operation.append(
                (
                    "security",
                    .array([
                        .object([("bearerAuth", .array([]))]), .object([("apiKeyHeader", .array([]))]),
                        .object([("cookieSession", .array([]))]),
                    ])
                )
            )
        }
        return .object(operation)
    }

    private static func tag(_ path: String) -> String {
        let parts = path.split(separator: "/")
        if parts.first == "metrics" { return "metrics" }
        return parts.count > 2 ? String(parts[2]) : "api"
    }

    private static func operationID(_ entry: RouteEntry) -> String {
        let words = entry.path.split(separator: "/").filter { $0 != "api" && $0 != "v1" }.map { part in
            part.hasPrefix("{")
                ? "by_" + part.dropFirst().dropLast() : String(part).replacingOccurrences(of: "-", with: "_")
        }
        return entry.method.rawValue.lowercased() + "_" + words.joined(separator: "_")
    }
}
