/// The component schemas of the OpenAPI document: the shape of every request and response body.
enum OpenAPISchemas {
    static func string(nullable: Bool = false, _ extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("type", .string("string"))] + (nullable ? [("nullable", .bool(true))] : []) + extra)
    }
    static func integer(nullable: Bool = false) -> JSONValue {
        .object(
            [("type", .string("integer")), ("format", .string("int64"))] + (nullable ? [("nullable", .bool(true))] : [])
        )
    }
    static func number(nullable: Bool = false) -> JSONValue {
        .object([("type", .string("number"))] + (nullable ? [("nullable", .bool(true))] : []))
    }
    static let boolean: JSONValue = .object([("type", .string("boolean"))])
    static func enumeration(_ values: [String], nullable: Bool = false) -> JSONValue {
        .object(
            [("type", .string("string")), ("enum", .array(values.map { .string($0) } + (nullable ? [.null] : [])))]
                + (nullable ? [("nullable", .bool(true))] : [])
        )
    }
    static func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/components/schemas/\(name)"))]) }
    static func array(_ items: JSONValue) -> JSONValue { .object([("type", .string("array")), ("items", items)]) }
    static func object(
        _ properties: [(String, JSONValue)],
        required: [String]? = nil,
        nullable: Bool = false
    ) -> JSONValue {
        var entries: [(String, JSONValue)] = [("type", .string("object")), ("properties", .object(properties))]
        let required = required ?? properties.map(\.0)
        if !required.isEmpty { entries.append(("required", .array(required.map { .string($0) }))) }
        if nullable { entries.append(("nullable", .bool(true))) }
        return .object(entries)
    }

    static let roles = ["admin", "editor", "viewer"]
    static let interfaceStatuses = ["up", "down", "testing", "unknown", "dormant", "notPresent", "lowerLayerDown"]

    static var all: [(String, JSONValue)] {
        let organisationRef = object([("id", integer()), ("name", string())])
        let user = object([
            ("id", integer()), ("username", string()), ("organisation", organisationRef),
            ("role", enumeration(roles)), ("superadmin", boolean), ("disabled", boolean),
            ("created_at", integer()), ("last_login_at", integer(nullable: true)),
            ("last_request_at", integer(nullable: true)),
        ])
        let apiKeyFields: [(String, JSONValue)] = [
            ("id", integer()), ("name", string()), ("prefix", string()), ("role", enumeration(roles)),
            ("user_id", integer()), ("created_at", integer()), ("expires_at", integer(nullable: true)),
            ("last_used_at", integer(nullable: true)), ("revoked_at", integer(nullable: true)),
        ]
        let snmpInput = object(
            [
                ("version", enumeration(["1", "2c", "3"])),
                ("community", string(nullable: false, [("writeOnly", .bool(true))])),
                ("user", string()), ("security_level", enumeration(["noAuthNoPriv", "authNoPriv", "authPriv"])),
                ("auth_protocol", enumeration(DeviceRoutes.authProtocols)),
                ("auth_password", string(nullable: false, [("writeOnly", .bool(true)), ("minLength", .int(8))])),
                ("priv_protocol", enumeration(DeviceRoutes.privProtocols)),
                ("priv_password", string(nullable: false, [("writeOnly", .bool(true)), ("minLength", .int(8))])),
                ("context", string()), ("timeout_ms", integer()), ("retries", integer()),
                ("max_repetitions", integer()),
            ],
            required: []
        )
        let snmpShown = object(
            [
                ("version", enumeration(["1", "2c", "3"])), ("port", integer()), ("user", string(nullable: true)),
                ("security_level", string()), ("auth_protocol", string()), ("priv_protocol", string()),
                ("context", string()), ("timeout_ms", integer()), ("retries", integer()),
                ("max_repetitions", integer()),
                ("community_set", boolean), ("auth_password_set", boolean), ("priv_password_set", boolean),
            ],
            nullable: true
        )
        return [
            (
                "Error",
                object([
                    ("error", object([("code", string()), ("message", string())]))
                ])
            ),
            (
                "LoginRequest",
                object(
                    [("username", string()), ("password", string()), ("session", enumeration(["cookie"]))],
                    required: ["username", "password"]
                )
            ),
            (
                "LoginResponse",
                object(
                    [
                        ("access_token", string()), ("token_type", enumeration(["Bearer"])), ("expires_in", integer()),
                        ("refresh_token", string()), ("user", ref("User")), ("csrf_token", string()),
                    ],
                    required: ["user"]
                )
            ),
            ("RefreshRequest", object([("refresh_token", string())], required: [])),
            ("PasswordChange", object([("current_password", string()), ("new_password", string())])),
            (
                "Me",
                object([
                    ("id", integer()), ("username", string()), ("organisation", organisationRef),
                    ("role", enumeration(roles)), ("superadmin", boolean),
                    ("auth", enumeration(["jwt", "cookie", "api_key"])),
                ])
            ),
            ("User", user),
            (
                "NewUser",
                object(
                    [
                        ("username", string()), ("password", string()), ("role", enumeration(roles)),
                        ("organisation_id", integer()), ("superadmin", boolean),
                    ],
                    required: ["username", "password", "role"]
                )
            ),
            (
                "UserChange",
                object([("role", enumeration(roles)), ("disabled", boolean), ("password", string())], required: [])
            ),
            ("Organisation", object([("id", integer()), ("name", string()), ("created_at", integer())])),
            ("OrganisationBody", object([("name", string())])),
            ("APIKey", object(apiKeyFields)),
            (
                "NewAPIKey",
                object(
                    [("name", string()), ("role", enumeration(roles)), ("expires_at", integer())],
                    required: ["name"]
                )
            ),
            ("NewAPIKeyResponse", object(apiKeyFields + [("secret", string())])),
            (
                "AuditEntry",
                object([
                    ("id", integer(nullable: true)), ("ts", integer()), ("user_id", integer(nullable: true)),
                    ("username", string(nullable: true)), ("organisation_id", integer(nullable: true)),
                    ("action", string()), ("target", string(nullable: true)), ("method", string(nullable: true)),
                    ("path", string(nullable: true)), ("client_address", string(nullable: true)),
                    ("outcome", enumeration(["success", "failure", "denied"])), ("status", integer(nullable: true)),
                ])
            ),
            (
                "DeviceInput",
                object(
                    [
                        ("name", string()), ("address", string()), ("port", integer()), ("snmp", snmpInput),
                        ("poll_interval_s", integer()), ("tags", array(string())), ("organisation_id", integer()),
                    ],
                    required: []
                )
            ),
            (
                "Device",
                object([
                    ("id", integer()), ("name", string()), ("address", string()), ("port", integer()),
                    ("organisation_id", integer()), ("managed_by", enumeration(["config", "api"])), ("snmp", snmpShown),
                    ("poll_interval_s", integer()), ("tags", array(string())),
                    ("status", enumeration(["up", "down", "unknown"])), ("last_poll_at", integer(nullable: true)),
                    ("last_success_at", integer(nullable: true)), ("last_poll_ms", number(nullable: true)),
                    ("last_error", string(nullable: true)), ("sys_name", string(nullable: true)),
                    ("sys_descr", string(nullable: true)), ("sys_object_id", string(nullable: true)),
                    ("sys_location", string(nullable: true)), ("sys_contact", string(nullable: true)),
                    ("discovered_at", integer(nullable: true)), ("created_at", integer()), ("updated_at", integer()),
                    ("interface_count", integer()),
                ])
            ),
            (
                "Interface",
                object([
                    ("id", integer()), ("if_index", integer()), ("name", string(nullable: true)),
                    ("alias", string(nullable: true)), ("descr", string(nullable: true)),
                    ("type", integer(nullable: true)),
                    ("speed_bps", integer(nullable: true)),
                    ("admin_status", enumeration(interfaceStatuses, nullable: true)),
                    ("oper_status", enumeration(interfaceStatuses, nullable: true)),
                    ("in_bps", number(nullable: true)), ("out_bps", number(nullable: true)),
                    ("in_utilization", number(nullable: true)), ("out_utilization", number(nullable: true)),
                    ("in_errors_per_s", number(nullable: true)), ("out_errors_per_s", number(nullable: true)),
                    ("removed_at", integer(nullable: true)),
                ])
            ),
            (
                "Event",
                object([
                    ("id", integer()), ("device_id", integer(nullable: true)),
                    ("interface_id", integer(nullable: true)),
                    ("kind", string()), ("ts", integer()), ("message", string()),
                    ("details", .object([("type", .string("object")), ("additionalProperties", string())])),
                ])
            ),
            (
                "FlowTop",
                object([
                    (
                        "items",
                        array(
                            object([
                                ("key", .object([("type", .string("object"))])), ("other", boolean),
                                ("bytes", integer()),
                                ("packets", integer()), ("flows", integer()),
                            ])
                        )
                    ),
                    ("total_bytes", integer()),
                ])
            ),
            (
                "FlowExporter",
                object([
                    ("exporter", string(nullable: true)), ("device_id", integer(nullable: true)),
                    ("device", string(nullable: true)), ("bytes", integer()), ("packets", integer()),
                    ("flows", integer()),
                ])
            ),
            ("PrometheusText", string()),
        ] + Self.savedDashboards + Self.alerting + Self.timeSeries
    }
}
