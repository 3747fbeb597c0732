extension SNMPConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("enabled", into: &self.enabled) { $0.bool() }
        if let defaults = mapping["defaults"], let settings = defaults.mapping() {
            self.defaults = SNMPDeviceSettings.read(settings, inheriting: .init())
            settings.rejectUnknownKeys()
        }
        mapping.read("discovery_interval", into: &self.discoveryInterval) {
            $0.duration(in: .seconds(60)...(.seconds(7 * 86400)))
        }
        mapping.read("down_after_failures", into: &self.downAfterFailures) { $0.int(in: 1...100) }
        mapping.read("max_concurrent_polls", into: &self.maxConcurrentPolls) { $0.int(in: 1...5000) }
        if let floor = mapping["min_concurrent_polls"], let value = floor.int(in: 1...5000) {
            if value > self.maxConcurrentPolls {
                floor.fail("must be at most max_concurrent_polls (\(self.maxConcurrentPolls))")
            } else {
                self.minConcurrentPolls = value
            }
        } else {
            // Unset: the default floor, never above a small ceiling.
            self.minConcurrentPolls = min(self.minConcurrentPolls, self.maxConcurrentPolls)
        }
        var names: Set<String> = []
        self.devices = (mapping["devices"]?.list() ?? []).compactMap { item in
            guard let device = SNMPDeviceConfiguration(item, defaults: self.defaults) else { return nil }
            if !names.insert(device.name).inserted {
                item.fail("a device named \(quoted(device.name)) is already defined; names must be unique")
            }
            return device
        }
        self.collectors = (mapping["collectors"]?.list() ?? []).compactMap(SNMPCollectorConfiguration.init)
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([
            ("enabled", .scalar("\(self.enabled)")),
            ("defaults", self.defaults.configTree),
            ("discovery_interval", .scalar(ConfigParsers.format(self.discoveryInterval))),
            ("down_after_failures", .scalar("\(self.downAfterFailures)")),
            ("max_concurrent_polls", .scalar("\(self.maxConcurrentPolls)")),
            ("min_concurrent_polls", .scalar("\(self.minConcurrentPolls)")),
            ("devices", .list(self.devices.map(\.configTree))),
            ("collectors", .list(self.collectors.map(\.configTree))),
        ])
    }
}

extension SNMPDeviceSettings: ConfigRenderable {
    static let securityLevels = ["noAuthNoPriv", "authNoPriv", "authPriv"]
    static let authProtocols = ["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
    static let privProtocols = ["DES", "AES", "AES-192", "AES-256"]

    /// Reads the settings keys of `mapping` over `inherited`.
    static func read(_ mapping: ConfigMapping, inheriting inherited: SNMPDeviceSettings) -> SNMPDeviceSettings {
        var settings = inherited
        mapping.read("version", into: &settings.version) {
            $0.oneOf(["1": .v1, "2c": .v2c, "2": .v2c, "3": .v3])
        }
        mapping.read("port", into: &settings.port) { $0.port() }
        mapping.read("community", into: &settings.community) { $0.string().map(Secret.init) }
        mapping.read("user", into: &settings.user) { $0.string() }
        mapping.read("security_level", into: &settings.securityLevel) { $0.word(in: Self.securityLevels) }
        mapping.read("auth_protocol", into: &settings.authProtocol) { $0.word(in: Self.authProtocols) }
        mapping.read("auth_password", into: &settings.authPassword) { $0.password() }
        mapping.read("priv_protocol", into: &settings.privProtocol) { $0.word(in: Self.privProtocols) }
        mapping.read("priv_password", into: &settings.privPassword) { $0.password() }
        mapping.read("context", into: &settings.context) { $0.string() }
        mapping.read("timeout", into: &settings.timeout) { $0.duration(in: .milliseconds(100)...(.seconds(60))) }
        mapping.read("retries", into: &settings.retries) { $0.int(in: 0...10) }
        mapping.read("poll_interval", into: &settings.pollInterval) {
            $0.duration(in: .seconds(10)...(.seconds(86400)))
        }
        mapping.read("max_repetitions", into: &settings.maxRepetitions) { $0.int(in: 1...200) }
        return settings
    }

    package var configTree: ConfigTree {
        var entries: [(key: String, value: ConfigTree)] = [
            ("version", .string(self.version.rawValue)), ("port", .scalar("\(self.port)")),
        ]
        if self.community != nil { entries.append(("community", .string("***"))) }
        if let user = self.user {
            entries.append(("user", .string(user)))
            entries.append(("security_level", .scalar(self.securityLevel)))
            entries.append(("auth_protocol", .scalar(self.authProtocol)))
            if self.authPassword != nil { entries.append(("auth_password", .string("***"))) }
            entries.append(("priv_protocol", .scalar(self.privProtocol)))
            if self.privPassword != nil { entries.append(("priv_password", .string("***"))) }
            entries.append(("context", .string(self.context)))
        }
        entries += [
            ("timeout", .scalar(ConfigParsers.format(self.timeout))),
            ("retries", .scalar("\(self.retries)")),
            ("poll_interval", .scalar(ConfigParsers.format(self.pollInterval))),
            ("max_repetitions", .scalar("\(self.maxRepetitions)")),
        ]
        return .mapping(entries)
    }
}

extension SNMPDeviceConfiguration: ConfigRenderable {
    init?(_ value: ConfigValue, defaults: SNMPDeviceSettings) {
        guard let mapping = value.mapping() else { return nil }
        var address: String?
        mapping.read("address", into: &address) { $0.hostOrAddress() }
        var name = address ?? ""
        mapping.read("name", into: &name) { $0.string() }
        var tags: [String] = []
        mapping.read("tags", into: &tags) { value in value.list().compactMap { $0.string() } }
        let settings = SNMPDeviceSettings.read(mapping, inheriting: defaults)
        mapping.rejectUnknownKeys()
        guard let address else {
            value.fail("address is required (an IP address or a host name)")
            return nil
        }
        switch settings.version {
        case .v1, .v2c:
            if settings.community == nil {
                value.fail(
                    "community is required for SNMP v\(settings.version.rawValue) (set it here or in snmp.defaults)"
                )
            }
        case .v3:
            if settings.user == nil {
                value.fail("user is required for SNMP v3 (set it here or in snmp.defaults)")
            }
            // A password that was written but refused has been reported already.
            if settings.securityLevel != "noAuthNoPriv" && settings.authPassword == nil
                && !mapping.contains("auth_password")
            {
                value.fail("auth_password is required for security level \(settings.securityLevel)")
            }
            if settings.securityLevel == "authPriv" && settings.privPassword == nil
                && !mapping.contains("priv_password")
            {
                value.fail("priv_password is required for security level authPriv")
            }
        }
        self.init(name: name, address: address, tags: tags, settings: settings)
    }

    package var configTree: ConfigTree {
        guard case .mapping(let settings) = self.settings.configTree else { return .mapping([]) }
        return .mapping(
            [
                ("name", .string(self.name)), ("address", .string(self.address)),
                ("tags", .list(self.tags.map(ConfigTree.string))),
            ]
                + settings
        )
    }
}

extension SNMPCollectorConfiguration: ConfigRenderable {
    init?(_ value: ConfigValue) {
        guard let mapping = value.mapping() else { return nil }
        var name: String?
        mapping.read("name", into: &name) { value in
            guard let text = value.string() else { return nil }
            guard let first = text.unicodeScalars.first, first.properties.isLowercase || first == "_",
                text.unicodeScalars.allSatisfy({
                    ($0.isASCII && $0.properties.isLowercase) || ("0"..."9").contains($0) || $0 == "_"
                })
            else {
                value.fail("\(quoted(text)) is not a metric name; use lower-case letters, digits and _")
                return nil
            }
            return text
        }
        var oid: String?
        mapping.read("oid", into: &oid) { value in
            guard let text = value.string() else { return nil }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts.allSatisfy({ UInt32($0) != nil }) else {
                value.fail("\(quoted(text)) is not a numeric OID such as 1.3.6.1.4.1.9.9.13.1.3.1.3")
                return nil
            }
            return text
        }
        var table = false
        mapping.read("table", into: &table) { $0.bool() }
        var kind = Kind.gauge
        mapping.read("kind", into: &kind) { $0.oneOf(["gauge": .gauge, "counter": .counter]) }
        var unit = ""
        mapping.read("unit", into: &unit) { $0.string() }
        mapping.rejectUnknownKeys()
        guard let name, let oid else {
            value.fail("a collector needs a name and an oid")
            return nil
        }
        self.init(name: name, oid: oid, table: table, kind: kind, unit: unit)
    }

    package var configTree: ConfigTree {
        .mapping([
            ("name", .string(self.name)), ("oid", .string(self.oid)), ("table", .scalar("\(self.table)")),
            ("kind", .scalar(self.kind.rawValue)), ("unit", .string(self.unit)),
        ])
    }
}
