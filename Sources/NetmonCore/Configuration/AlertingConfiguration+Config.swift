extension AlertingConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("enabled", into: &self.enabled) { $0.bool() }
        mapping.read("evaluation_interval", into: &self.evaluationInterval) {
            $0.duration(in: .milliseconds(100)...(.seconds(3600)))
        }
        mapping.read("allow_private_destinations", into: &self.allowPrivateDestinations) { $0.bool() }
        mapping.read("delivery_timeout", into: &self.deliveryTimeout) {
            $0.duration(in: .milliseconds(100)...(.seconds(300)))
        }
        mapping.read("max_attempts", into: &self.maxAttempts) { $0.int(in: 1...100) }
        mapping.read("retry_initial", into: &self.retryInitial) {
            $0.duration(in: .milliseconds(10)...(.seconds(3600)))
        }
        mapping.read("retry_max", into: &self.retryMax) { $0.duration(in: .milliseconds(10)...(.seconds(86_400))) }
        mapping.read("flap_window", into: &self.flapWindow) { $0.duration(in: .seconds(1)...(.seconds(86_400))) }
        mapping.read("flap_threshold", into: &self.flapThreshold) { $0.int(in: 0...1000) }
        mapping.read("dashboard_url", into: &self.dashboardURL) { $0.string() }
        self.deviceParents = (mapping["device_parents"]?.list() ?? []).compactMap { item in
            guard let entry = item.mapping() else { return nil }
            var device: String?
            var parent: String?
            entry.read("device", into: &device) { $0.string() }
            entry.read("parent", into: &parent) { $0.string() }
            entry.rejectUnknownKeys()
            guard let device, let parent else {
                item.fail("device and parent (device names) are required")
                return nil
            }
            return DeviceParent(device: device, parent: parent)
        }
        if let smtp = mapping["smtp"] { self.smtp = SMTPConfiguration(smtp) }
        var ruleNames: Set<String> = []
        self.rules = (mapping["rules"]?.list() ?? []).compactMap { item in
            let rule = AlertRuleSeed(item)
            if let rule, !ruleNames.insert(rule.name).inserted { item.fail("a rule named \(quoted(rule.name)) exists") }
            return rule
        }
        var channelNames: Set<String> = []
        self.channels = (mapping["channels"]?.list() ?? []).compactMap { item in
            let channel = AlertChannelSeed(item)
            if let channel, !channelNames.insert(channel.name).inserted {
                item.fail("a channel named \(quoted(channel.name)) exists")
            }
            return channel
        }
        self.policies = (mapping["policies"]?.list() ?? []).compactMap { item in
            guard let policy = AlertPolicySeed(item) else { return nil }
            for step in policy.steps {
                for channel in step.channels where !channelNames.contains(channel) {
                    item.fail("channel \(quoted(channel)) is not defined in alerting.channels")
                }
            }
            return policy
        }
        let policyNames = Set(self.policies.map(\.name))
        for (index, rule) in self.rules.enumerated() {
            if let policy = rule.policy, !policyNames.contains(policy) {
                mapping["rules"]?.list()[index].fail("policy \(quoted(policy)) is not defined in alerting.policies")
            }
        }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([
            ("enabled", .scalar("\(self.enabled)")),
            ("evaluation_interval", .scalar(ConfigParsers.format(self.evaluationInterval))),
            ("allow_private_destinations", .scalar("\(self.allowPrivateDestinations)")),
            ("delivery_timeout", .scalar(ConfigParsers.format(self.deliveryTimeout))),
            ("max_attempts", .scalar("\(self.maxAttempts)")),
            ("retry_initial", .scalar(ConfigParsers.format(self.retryInitial))),
            ("retry_max", .scalar(ConfigParsers.format(self.retryMax))),
            ("flap_window", .scalar(ConfigParsers.format(self.flapWindow))),
            ("flap_threshold", .scalar("\(self.flapThreshold)")),
            ("dashboard_url", .string(self.dashboardURL)),
            (
                "device_parents",
                .list(
                    self.deviceParents.map {
                        .mapping([("device", .string($0.device)), ("parent", .string($0.parent))])
                    }
                )
            ),
            ("smtp", self.smtp.configTree),
            ("rules", .list(self.rules.map(\.configTree))),
            ("channels", .list(self.channels.map(\.configTree))),
            ("policies", .list(self.policies.map(\.configTree))),
        ])
    }
}

extension ConfigValue {
    /// A finite decimal number.
    package func double() -> Double? {
        guard let text = self.scalarText(expecting: "a number") else { return nil }
        guard let value = Double(text), value.isFinite else {
            self.fail("\(quoted(text)) is not a number")
            return nil
        }
        return value
    }

    /// A non-empty string.
    package func name() -> String? {
        guard let text = self.string() else { return nil }
        guard !text.isEmpty else {
            self.fail("must not be empty")
            return nil
        }
        return text
    }
}

extension SMTPConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("host", into: &self.host) { $0.string() }
        mapping.read("port", into: &self.port) { $0.port() }
        mapping.read("security", into: &self.security) {
            $0.oneOf(["starttls": Security.starttls, "tls": .tls, "none": .none])
        }
        mapping.read("username", into: &self.username) { $0.string() }
        mapping.read("password", into: &self.password) { $0.string().map(Secret.init) }
        mapping.read("from", into: &self.from) { $0.name() }
        mapping.read("helo_name", into: &self.heloName) { $0.name() }
        mapping.read("ca_file", into: &self.caFile) { $0.string() }
        mapping.read("insecure_skip_verify", into: &self.insecureSkipVerify) { $0.bool() }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        var entries: [(key: String, value: ConfigTree)] = [
            ("host", .string(self.host)), ("port", .scalar("\(self.port)")),
            ("security", .scalar(self.security.rawValue)), ("username", .string(self.username)),
        ]
        if self.password != nil { entries.append(("password", .string("***"))) }
        entries += [
            ("from", .string(self.from)), ("helo_name", .string(self.heloName)), ("ca_file", .string(self.caFile)),
            ("insecure_skip_verify", .scalar("\(self.insecureSkipVerify)")),
        ]
        return .mapping(entries)
    }
}

extension AlertRuleSeed: ConfigRenderable {
    init?(_ value: ConfigValue) {
        guard let mapping = value.mapping() else { return nil }
        var name: String?
        var kind: String?
        mapping.read("name", into: &name) { $0.name() }
        mapping.read("kind", into: &kind) { $0.word(in: Self.kinds) }
        self.init(name: name ?? "", kind: kind ?? "threshold")
        mapping.read("metric", into: &self.metric) { $0.string() }
        mapping.read("aggregate", into: &self.aggregate) { $0.word(in: ["avg", "max", "min", "p95", "last"]) }
        mapping.read("window", into: &self.window) { $0.duration(in: .seconds(1)...(.seconds(31 * 86_400))) }
        mapping.read("comparison", into: &self.comparison) { $0.word(in: [">", ">=", "<", "<="]) }
        mapping.read("threshold", into: &self.threshold) { $0.double() }
        mapping.read("clear", into: &self.clear) { $0.double() }
        mapping.read("for", into: &self.forDuration) { $0.duration(in: .zero...(.seconds(7 * 86_400))) }
        mapping.read("severity", into: &self.severity) {
            $0.word(in: ["info", "warning", "minor", "major", "critical"])
        }
        mapping.read("tag", into: &self.tag) { $0.name() }
        mapping.read("device", into: &self.device) { $0.name() }
        mapping.read("interface", into: &self.interface) { $0.name() }
        mapping.read("policy", into: &self.policy) { $0.name() }
        mapping.read("direction", into: &self.direction) { $0.word(in: ["to", "from", "either"]) }
        mapping.read("prefix", into: &self.prefix) { $0.name() }
        mapping.read("port", into: &self.port) { $0.port() }
        mapping.read("protocol", into: &self.proto) { $0.int(in: 0...255) }
        mapping.read("period", into: &self.period) { $0.duration(in: .seconds(60)...(.seconds(31 * 86_400))) }
        mapping.read("seasons", into: &self.seasons) { $0.int(in: 2...52) }
        mapping.read("deviations", into: &self.deviations) { $0.double() }
        mapping.rejectUnknownKeys()
        guard name != nil, kind != nil else {
            value.fail("name and kind (\(Self.kinds.joined(separator: ", "))) are required")
            return nil
        }
        if ["threshold", "rate_of_change", "absence", "anomaly"].contains(self.kind), self.metric.isEmpty {
            value.fail("metric is required for \(self.kind) rules")
        }
        if self.kind == "top_talker", !(self.threshold > 0 && self.threshold <= 100) {
            value.fail("threshold of a top_talker rule is a percent of the link speed, above 0 and at most 100")
        }
    }

    package var configTree: ConfigTree {
        var entries: [(key: String, value: ConfigTree)] = [
            ("name", .string(self.name)), ("kind", .scalar(self.kind)), ("metric", .string(self.metric)),
            ("aggregate", .scalar(self.aggregate)), ("window", .scalar(ConfigParsers.format(self.window))),
            ("comparison", .string(self.comparison)), ("threshold", .scalar("\(self.threshold)")),
        ]
        if let clear = self.clear { entries.append(("clear", .scalar("\(clear)"))) }
        entries += [
            ("for", .scalar(ConfigParsers.format(self.forDuration))), ("severity", .scalar(self.severity)),
        ]
        if let tag = self.tag { entries.append(("tag", .string(tag))) }
        if let device = self.device { entries.append(("device", .string(device))) }
        if let interface = self.interface { entries.append(("interface", .string(interface))) }
        if let policy = self.policy { entries.append(("policy", .string(policy))) }
        if self.kind == "flow" {
            entries.append(("direction", .scalar(self.direction)))
            if let prefix = self.prefix { entries.append(("prefix", .string(prefix))) }
            if let port = self.port { entries.append(("port", .scalar("\(port)"))) }
            if let proto = self.proto { entries.append(("protocol", .scalar("\(proto)"))) }
        }
        if self.kind == "anomaly" {
            entries += [
                ("period", .scalar(ConfigParsers.format(self.period))), ("seasons", .scalar("\(self.seasons)")),
                ("deviations", .scalar("\(self.deviations)")),
            ]
        }
        return .mapping(entries)
    }
}

extension AlertChannelSeed: ConfigRenderable {
    init?(_ value: ConfigValue) {
        guard let mapping = value.mapping() else { return nil }
        var name: String?
        var type: String?
        mapping.read("name", into: &name) { $0.name() }
        mapping.read("type", into: &type) { $0.word(in: Self.types) }
        self.init(name: name ?? "", type: type ?? "webhook")
        mapping.read("url", into: &self.url) { $0.string() }
        mapping.read("secret", into: &self.secret) { $0.string().map(Secret.init) }
        mapping.read("to", into: &self.to) { value in value.list().compactMap { $0.name() } }
        mapping.read("subject_template", into: &self.subjectTemplate) { $0.string() }
        mapping.read("body_template", into: &self.bodyTemplate) { $0.string() }
        mapping.rejectUnknownKeys()
        guard name != nil, type != nil else {
            value.fail("name and type (\(Self.types.joined(separator: ", "))) are required")
            return nil
        }
        if self.type == "email" {
            if self.to.isEmpty { value.fail("to (a list of addresses) is required for email channels") }
        } else if !(self.url.hasPrefix("http://") || self.url.hasPrefix("https://")) {
            value.fail("url must be an http:// or https:// URL for \(self.type) channels")
        }
    }

    package var configTree: ConfigTree {
        var entries: [(key: String, value: ConfigTree)] = [
            ("name", .string(self.name)), ("type", .scalar(self.type)),
        ]
        if self.type == "email" {
            entries.append(("to", .list(self.to.map(ConfigTree.string))))
        } else {
            entries.append(("url", .string(self.url)))
        }
        if self.secret != nil { entries.append(("secret", .string("***"))) }
        if !self.subjectTemplate.isEmpty { entries.append(("subject_template", .string(self.subjectTemplate))) }
        if !self.bodyTemplate.isEmpty { entries.append(("body_template", .string(self.bodyTemplate))) }
        return .mapping(entries)
    }
}

extension AlertPolicySeed: ConfigRenderable {
    init?(_ value: ConfigValue) {
        guard let mapping = value.mapping() else { return nil }
        var name: String?
        mapping.read("name", into: &name) { $0.name() }
        var repeatInterval = Duration.zero
        mapping.read("repeat", into: &repeatInterval) { $0.duration(in: .zero...(.seconds(7 * 86_400))) }
        let steps: [Step] = (mapping["steps"]?.list() ?? []).compactMap { item in
            guard let entry = item.mapping() else { return nil }
            var after = Duration.zero
            var channels: [String] = []
            entry.read("after", into: &after) { $0.duration(in: .zero...(.seconds(7 * 86_400))) }
            entry.read("channels", into: &channels) { value in value.list().compactMap { $0.name() } }
            entry.rejectUnknownKeys()
            if channels.isEmpty { item.fail("channels (names of alerting.channels) are required") }
            return Step(after: after, channels: channels)
        }
        mapping.rejectUnknownKeys()
        guard let name else {
            value.fail("name is required")
            return nil
        }
        if steps.isEmpty { value.fail("steps are required (at least one)") }
        self.init(name: name, steps: steps, repeatInterval: repeatInterval)
    }

    package var configTree: ConfigTree {
        .mapping([
            ("name", .string(self.name)),
            (
                "steps",
                .list(
                    self.steps.map {
                        .mapping([
                            ("after", .scalar(ConfigParsers.format($0.after))),
                            ("channels", .list($0.channels.map(ConfigTree.string))),
                        ])
                    }
                )
            ),
            ("repeat", .scalar(ConfigParsers.format(self.repeatInterval))),
        ])
    }
}
