import NetmonCore
import Storage

/// How each resource is shown: the JSON of the API contract (docs/API.md). SNMP secrets and
/// password hashes have no field here, so no route can return them.
enum ResourceEncoding {
    static func organisation(_ organisation: Organisation) -> JSONValue {
        .object([
            ("id", .int(organisation.id)),
            ("name", .string(organisation.name)),
            ("created_at", .int(organisation.createdAt)),
        ])
    }

    static func user(_ user: UserAccount) -> JSONValue {
        .object([
            ("id", .int(user.id)),
            ("username", .string(user.username)),
            ("organisation", .object([("id", .int(user.organisation.id)), ("name", .string(user.organisation.name))])),
            ("role", .string(user.role.rawValue)),
            ("superadmin", .bool(user.superadmin)),
            ("disabled", .bool(user.disabled)),
            ("created_at", .int(user.createdAt)),
            ("last_login_at", .int(user.lastLoginAt)),
            ("last_request_at", .int(user.lastRequestAt)),
        ])
    }

    static func me(_ principal: Principal) -> JSONValue {
        .object([
            ("id", .int(principal.user.id)),
            ("username", .string(principal.user.username)),
            (
                "organisation",
                .object([
                    ("id", .int(principal.user.organisation.id)), ("name", .string(principal.user.organisation.name)),
                ])
            ),
            ("role", .string(principal.role.rawValue)),
            ("superadmin", .bool(principal.isSuperadmin)),
            ("auth", .string(principal.method.rawValue)),
        ])
    }

    static func apiKey(_ key: StoredAPIKey) -> JSONValue {
        .object([
            ("id", .int(key.id)),
            ("name", .string(key.name)),
            ("prefix", .string(key.prefix)),
            ("role", .string(key.role.rawValue)),
            ("user_id", .int(key.userID)),
            ("created_at", .int(key.createdAt)),
            ("expires_at", .int(key.expiresAt)),
            ("last_used_at", .int(key.lastUsedAt)),
            ("revoked_at", .int(key.revokedAt)),
        ])
    }

    static func audit(_ entry: AuditEntry) -> JSONValue {
        .object([
            ("id", .int(entry.id)),
            ("ts", .int(entry.time)),
            ("user_id", .int(entry.userID)),
            ("username", .string(entry.username)),
            ("organisation_id", .int(entry.organisationID)),
            ("action", .string(entry.action)),
            ("target", .string(entry.target)),
            ("method", .string(entry.method)),
            ("path", .string(entry.path)),
            ("client_address", .string(entry.clientAddress)),
            ("outcome", .string(entry.outcome.rawValue)),
            ("status", .int(entry.status)),
        ])
    }

    static func event(_ event: StoredEvent) -> JSONValue {
        .object([
            ("id", .int(event.id)),
            ("device_id", .int(event.deviceID)),
            ("interface_id", .int(event.interfaceID)),
            ("kind", .string(event.kind)),
            ("ts", .int(event.time)),
            ("message", .string(event.message)),
            ("details", .object(event.details.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
        ])
    }

    /// A device; `configured` supplies the settings of devices from the config file.
    static func device(_ device: DeviceSummary, configured: SNMPDeviceSettings?) -> JSONValue {
        let record = device.record
        let settings = device.settings ?? configured
        let snmp: JSONValue =
            settings.map { settings in
                .object([
                    ("version", .string(settings.version.rawValue)),
                    ("port", .int(settings.port)),
                    ("user", .string(settings.user)),
                    ("security_level", .string(settings.securityLevel)),
                    ("auth_protocol", .string(settings.authProtocol)),
                    ("priv_protocol", .string(settings.privProtocol)),
                    ("context", .string(settings.context)),
                    (
                        "timeout_ms",
                        .int(
                            settings.timeout.components.seconds * 1000 + settings.timeout.components.attoseconds
                                / 1_000_000_000_000_000
                        )
                    ),
                    ("retries", .int(settings.retries)),
                    ("max_repetitions", .int(settings.maxRepetitions)),
                    ("community_set", .bool(settings.community != nil)),
                    ("auth_password_set", .bool(settings.authPassword != nil)),
                    ("priv_password_set", .bool(settings.privPassword != nil)),
                ])
            } ?? .null
        let status: String =
            switch device.reachable {
            case true: "up"
            case false: "down"
            default: "unknown"
            }
        return .object([
            ("id", .int(record.id)),
            ("name", .string(record.name)),
            ("address", .string(record.address)),
            ("port", .int(record.port)),
            ("organisation_id", .int(device.organisationID)),
            ("managed_by", .string(device.settings == nil ? "config" : "api")),
            ("snmp", snmp),
            ("poll_interval_s", .int(record.pollIntervalSeconds)),
            ("tags", .array(record.tags.map { .string($0) })),
            ("status", .string(status)),
            ("last_poll_at", .int(device.lastPollAt)),
            ("last_success_at", .int(device.lastSuccessAt)),
            ("last_poll_ms", .double(device.lastPollMilliseconds)),
            ("last_error", .string(device.lastError)),
            ("sys_name", .string(record.sysName)),
            ("sys_descr", .string(record.sysDescr)),
            ("sys_object_id", .string(record.sysObjectID)),
            ("sys_location", .string(record.sysLocation)),
            ("sys_contact", .string(record.sysContact)),
            ("discovered_at", .int(record.discoveredAt.map { $0 * 1000 })),
            ("created_at", .int(record.createdAt * 1000)),
            ("updated_at", .int(record.updatedAt * 1000)),
            ("interface_count", .int(device.interfaceCount)),
        ])
    }

    static func interfaceStatus(_ code: Int?) -> JSONValue {
        guard let code else { return .null }
        let names = [
            1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent", 7: "lowerLayerDown",
        ]
        return .string(names[code] ?? "unknown")
    }

    static func interface(_ entry: InterfaceWithLatest) -> JSONValue {
        let interface = entry.interface
        let latest = entry.latest
        return .object([
            ("id", .int(interface.id)),
            ("if_index", .int(interface.ifIndex)),
            ("name", .string(interface.ifName ?? interface.ifDescr)),
            ("alias", .string(interface.ifAlias)),
            ("descr", .string(interface.ifDescr)),
            ("type", .int(interface.ifType)),
            ("speed_bps", .int(interface.speedBps)),
            ("admin_status", self.interfaceStatus(interface.adminStatus)),
            ("oper_status", self.interfaceStatus(interface.operStatus)),
            ("in_bps", .double(latest["if_in_octets"].map { $0 * 8 })),
            ("out_bps", .double(latest["if_out_octets"].map { $0 * 8 })),
            ("in_utilization", .double(latest["if_in_utilization_percent"])),
            ("out_utilization", .double(latest["if_out_utilization_percent"])),
            ("in_errors_per_s", .double(latest["if_in_errors"])),
            ("out_errors_per_s", .double(latest["if_out_errors"])),
            ("removed_at", .int(interface.removedAt.map { $0 * 1000 })),
        ])
    }
}
