import Foundation
import Hummingbird
import NetmonCore
import Storage

/// `/api/v1/devices`: CRUD of devices; changes reach the running poller at once. SNMP secrets
/// are write-only.
struct DeviceRoutes {
    let devices: DeviceAdminStore
    let snmp: SNMPConfiguration
    let onDeviceChange: @Sendable (DeviceChange) -> Void
    /// The config file's devices' settings, by name.
    let configuredSettings: [String: SNMPDeviceSettings]
    /// Encoded device lists per query, organisation and inventory version.
    let lists = AnswerCache()

    init(devices: DeviceAdminStore, snmp: SNMPConfiguration, onDeviceChange: @escaping @Sendable (DeviceChange) -> Void)
    {
        self.devices = devices
        self.snmp = snmp
        self.onDeviceChange = onDeviceChange
        self.configuredSettings = Dictionary(snmp.devices.map { ($0.name, $0.settings) }) { first, _ in first }
    }

    struct SNMPBody: Decodable {
        var version: String?
        var community: String?
        var user: String?
        var security_level: String?
        var auth_protocol: String?
        var auth_password: String?
        var priv_protocol: String?
        var priv_password: String?
        var context: String?
        var timeout_ms: Int64?
        var retries: Int?
        var max_repetitions: Int?
    }

    struct DeviceBody: Decodable {
        var name: String?
        var address: String?
        var port: Int?
        var snmp: SNMPBody?
        var poll_interval_s: Int64?
        var tags: [String]?
        var organisation_id: Int64?
    }

    static let securityLevels = ["noAuthNoPriv", "authNoPriv", "authPriv"]
    static let authProtocols = ["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
    static let privProtocols = ["DES", "AES", "AES-192", "AES-256"]

    /// The settings of `body` over `base`, validated.
    static func settings(_ body: DeviceBody, over base: SNMPDeviceSettings) throws -> SNMPDeviceSettings {
        var settings = base
        if let port = body.port {
            guard (1...65535).contains(port) else { throw APIError.invalidBody("port must be 1 to 65535") }
            settings.port = port
        }
        if let interval = body.poll_interval_s {
            guard (5...86_400).contains(interval) else {
                throw APIError.invalidBody("poll_interval_s must be 5 to 86400")
            }
            settings.pollInterval = .seconds(interval)
        }
        if let snmp = body.snmp {
            if let version = snmp.version {
                guard let parsed = SNMPDeviceSettings.Version(rawValue: version) else {
                    throw APIError.invalidBody("snmp.version must be 1, 2c or 3")
                }
                settings.version = parsed
            }
            if let community = snmp.community {
                guard (1...128).contains(community.utf8.count), !community.utf8.contains(0) else {
                    throw APIError.invalidBody("snmp.community must have 1 to 128 characters")
                }
                settings.community = Secret(community)
            }
            if let user = snmp.user {
                guard (1...64).contains(user.utf8.count), !user.utf8.contains(0) else {
                    throw APIError.invalidBody("snmp.user must have 1 to 64 characters")
                }
                settings.user = user
            }
            if let level = snmp.security_level {
                guard Self.securityLevels.contains(level) else {
                    throw APIError.invalidBody(
                        "snmp.security_level must be one of \(Self.securityLevels.joined(separator: ", "))"
                    )
                }
                settings.securityLevel = level
            }
            if let value = snmp.auth_protocol {
                guard Self.authProtocols.contains(value) else {
                    throw APIError.invalidBody(
                        "snmp.auth_protocol must be one of \(Self.authProtocols.joined(separator: ", "))"
                    )
                }
                settings.authProtocol = value
            }
            if let value = snmp.priv_protocol {
                guard Self.privProtocols.contains(value) else {
                    throw APIError.invalidBody(
                        "snmp.priv_protocol must be one of \(Self.privProtocols.joined(separator: ", "))"
                    )
                }
                settings.privProtocol = value
            }
            for (field, value) in [("auth_password", snmp.auth_password), ("priv_password", snmp.priv_password)] {
                if let value, !(8...128).contains(value.utf8.count) || value.utf8.contains(0) {
                    throw APIError.invalidBody("snmp.\(field) must have 8 to 128 characters")
                }
            }
            if let value = snmp.auth_password { settings.authPassword = Secret(value) }
            if let value = snmp.priv_password { settings.privPassword = Secret(value) }
            if let context = snmp.context {
                guard context.utf8.count <= 64 else { throw APIError.invalidBody("snmp.context is too long") }
                settings.context = context
            }
            if let timeout = snmp.timeout_ms {
                guard (100...60_000).contains(timeout) else {
                    throw APIError.invalidBody("snmp.timeout_ms must be 100 to 60000")
                }
                settings.timeout = .milliseconds(timeout)
            }
            if let retries = snmp.retries {
                guard (0...10).contains(retries) else { throw APIError.invalidBody("snmp.retries must be 0 to 10") }
                settings.retries = retries
            }
            if let repetitions = snmp.max_repetitions {
                guard (1...100).contains(repetitions) else {
                    throw APIError.invalidBody("snmp.max_repetitions must be 1 to 100")
                }
                settings.maxRepetitions = repetitions
            }
        }
        switch settings.version {
        case .v1, .v2c:
            guard settings.community != nil else {
                throw APIError.invalidBody("snmp.community is required for SNMP v\(settings.version.rawValue)")
            }
        case .v3:
            guard settings.user != nil else { throw APIError.invalidBody("snmp.user is required for SNMP v3") }
            if settings.securityLevel != "noAuthNoPriv", settings.authPassword == nil {
                throw APIError.invalidBody("snmp.auth_password is required for \(settings.securityLevel)")
            }
            if settings.securityLevel == "authPriv", settings.privPassword == nil {
                throw APIError.invalidBody("snmp.priv_password is required for authPriv")
            }
        }
        return settings
    }

    static func address(_ text: String) throws -> String {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let hostName =
            !text.isEmpty && text.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-")
                    && label.unicodeScalars.allSatisfy {
                        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                    }
            }
        guard IPAddressText.isValid(text) || hostName else {
            throw APIError.invalidBody("address must be an IP address or a host name")
        }
        return text
    }

    static func tags(_ tags: [String]?) throws -> [String]? {
        guard let tags else { return nil }
        guard tags.count <= 32, tags.allSatisfy({ (1...64).contains($0.count) }) else {
            throw APIError.invalidBody("tags: at most 32, each 1 to 64 characters")
        }
        return tags
    }

    private var configured: [String: SNMPDeviceSettings] {
        self.configuredSettings
    }

    private func encode(_ device: DeviceSummary) -> JSONValue {
        ResourceEncoding.device(device, configured: self.configured[device.record.name])
    }

    private func visible(_ id: Int64, _ principal: Principal) async throws -> DeviceSummary {
        guard let device = try await self.devices.device(id: id, organisationID: principal.organisationScope) else {
            throw APIError.notFound("no device \(id)")
        }
        return device
    }

    private func announce(_ device: DeviceSummary) {
        guard let settings = device.settings, let id = device.record.id else { return }
        self.onDeviceChange(
            .upsert(
                MonitoredDevice(
                    id: id,
                    name: device.record.name,
                    address: device.record.address,
                    tags: device.record.tags,
                    settings: settings
                )
            )
        )
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/devices",
            access: .role(.viewer),
            summary: "Devices of your organisation",
            operation: .init(response: "Device", list: true, sortFields: DeviceAdminStore.sortFields.keys.sorted())
        ) { request, context, principal in
            let page = try QueryParameters(request, context).list(sortFields: DeviceAdminStore.sortFields.keys)
            let scope = principal!.organisationScope
            let key = AnswerCache.Key(
                query: request.uri.query ?? "",
                organisation: scope,
                csv: try APIResponse.wantsCSV(request)
            )
            return try await self.lists.answer(key, version: self.devices.version) {
                let list = try await self.devices.devices(organisationID: scope, list: page)
                return try APIResponse.list(
                    list.items.map(self.encode),
                    total: list.total,
                    request: request,
                    name: "devices"
                )
            }
        }
        api.add(
            .post,
            "/api/v1/devices",
            access: .role(.editor),
            action: "device.create",
            summary: "Create a device; polling (and discovery) starts at once",
            operation: .init(requestBody: "DeviceInput", response: "Device", status: 201)
        ) { request, context, principal in
            let principal = principal!
            let body = try await decodeBody(DeviceBody.self, from: request, context: context)
            guard let name = body.name, let address = body.address else {
                throw APIError.invalidBody("name and address are required")
            }
            let organisation = body.organisation_id ?? principal.user.organisation.id
            guard principal.canSee(organisationID: organisation) else {
                throw APIError.forbidden("only a superadmin creates devices in other organisations")
            }
            let settings = try Self.settings(body, over: self.snmp.defaults)
            do {
                let device = try await self.devices.create(
                    name: try AccountRoutes.validName(name, field: "name"),
                    address: try Self.address(address),
                    tags: try Self.tags(body.tags) ?? [],
                    settings: settings,
                    organisationID: organisation,
                    now: AuthService.now()
                )
                self.announce(device)
                return APIResponse.json(self.encode(device), status: .created)
            } catch let error as StoreConflictError {
                throw APIError.conflict(error.message)
            }
        }
        api.add(
            .get,
            "/api/v1/devices/{id}",
            access: .role(.viewer),
            summary: "One device with its status",
            operation: .init(response: "Device")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            return APIResponse.json(self.encode(try await self.visible(id, principal!)))
        }
        api.add(
            .patch,
            "/api/v1/devices/{id}",
            access: .role(.editor),
            action: "device.update",
            summary: "Change a device; the poller restarts it with the new settings",
            operation: .init(requestBody: "DeviceInput", response: "Device")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.visible(id, principal!)
            let body = try await decodeBody(DeviceBody.self, from: request, context: context)
            if body.organisation_id != nil && body.organisation_id != existing.organisationID {
                throw APIError.invalidBody("a device cannot move to another organisation")
            }
            let base = existing.settings ?? self.configured[existing.record.name] ?? self.snmp.defaults
            let settings = try Self.settings(body, over: base)
            do {
                guard
                    let device = try await self.devices.update(
                        id: id,
                        name: try body.name.map { try AccountRoutes.validName($0, field: "name") }
                            ?? existing.record.name,
                        address: try body.address.map(Self.address) ?? existing.record.address,
                        tags: try Self.tags(body.tags) ?? existing.record.tags,
                        settings: settings,
                        now: AuthService.now()
                    )
                else { throw APIError.notFound("no device \(id)") }
                self.announce(device)
                return APIResponse.json(self.encode(device))
            } catch let error as StoreConflictError {
                throw APIError.conflict(error.message)
            }
        }
        api.add(
            .delete,
            "/api/v1/devices/{id}",
            access: .role(.editor),
            action: "device.delete",
            summary: "Delete a device with its interfaces, series and events; polling stops",
            operation: .init(response: nil)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            _ = try await self.visible(id, principal!)
            self.onDeviceChange(.remove(id: id))
            _ = try await self.devices.delete(id: id)
            return APIResponse.noContent()
        }
    }
}
