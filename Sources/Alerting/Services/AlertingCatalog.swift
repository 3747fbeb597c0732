import Foundation
import NetmonCore
import Storage

/// Typed access to the stored alerting definitions (rules, channels, policies, silences): the
/// Swift API the REST API exposes. Definitions are JSON documents in Storage; a document that
/// no longer decodes is skipped and reported in ``Loaded/problems``.
public struct AlertingCatalog: Sendable {
    let store: AlertDefinitionStore

    public init(database: NetmonDatabase) {
        self.store = AlertDefinitionStore(database: database)
    }

    /// Everything the evaluator needs, decoded.
    public struct Loaded: Sendable {
        public var rules: [AlertRule] = []
        public var channels: [AlertChannel] = []
        public var policies: [EscalationPolicy] = []
        public var silences: [Silence] = []
        /// Definitions that failed to decode.
        public var problems: [String] = []
    }

    public func load() async throws -> Loaded {
        var loaded = Loaded()
        loaded.rules = try await self.decodeAll(.rule, AlertRule.self, &loaded.problems) { $0.id = $1 }
        loaded.channels = try await self.decodeAll(.channel, AlertChannel.self, &loaded.problems) { $0.id = $1 }
        loaded.policies = try await self.decodeAll(.policy, EscalationPolicy.self, &loaded.problems) { $0.id = $1 }
        loaded.silences = try await self.decodeAll(.silence, Silence.self, &loaded.problems) { $0.id = $1 }
        return loaded
    }

    private func decodeAll<T: Decodable>(
        _ kind: AlertDefinitionKind,
        _ type: T.Type,
        _ problems: inout [String],
        setID: (inout T, Int64) -> Void
    ) async throws -> [T] {
        var result: [T] = []
        for stored in try await self.store.all(kind) {
            do {
                var value = try JSONDecoder().decode(T.self, from: Data(stored.definition.utf8))
                setID(&value, stored.id)
                result.append(value)
            } catch {
                problems.append("\(kind.rawValue) \(stored.name): \(error)")
            }
        }
        return result
    }

    // MARK: CRUD

    /// Stores a new rule; returns its id.
    public func add(_ rule: AlertRule, now: Int64) async throws -> Int64 {
        try await self.store.insert(.rule, name: rule.name, definition: Self.encode(rule), now: now)
    }

    /// Stores a new channel; returns its id.
    public func add(_ channel: AlertChannel, now: Int64) async throws -> Int64 {
        try await self.store.insert(.channel, name: channel.name, definition: Self.encode(channel), now: now)
    }

    /// Stores a new escalation policy; returns its id.
    public func add(_ policy: EscalationPolicy, now: Int64) async throws -> Int64 {
        try await self.store.insert(.policy, name: policy.name, definition: Self.encode(policy), now: now)
    }

    /// Stores a new silence under `name`; returns its id.
    public func add(_ silence: Silence, name: String, now: Int64) async throws -> Int64 {
        try await self.store.insert(.silence, name: name, definition: Self.encode(silence), now: now)
    }

    /// Replaces rule `rule.id`.
    @discardableResult
    public func update(_ rule: AlertRule, now: Int64) async throws -> Bool {
        guard let id = rule.id else { return false }
        return try await self.store.update(.rule, id: id, name: rule.name, definition: Self.encode(rule), now: now)
    }

    /// Replaces channel `channel.id`.
    @discardableResult
    public func update(_ channel: AlertChannel, now: Int64) async throws -> Bool {
        guard let id = channel.id else { return false }
        return try await self.store.update(
            .channel,
            id: id,
            name: channel.name,
            definition: Self.encode(channel),
            now: now
        )
    }

    /// Replaces policy `policy.id`.
    @discardableResult
    public func update(_ policy: EscalationPolicy, now: Int64) async throws -> Bool {
        guard let id = policy.id else { return false }
        return try await self.store.update(
            .policy,
            id: id,
            name: policy.name,
            definition: Self.encode(policy),
            now: now
        )
    }

    /// Replaces silence `silence.id` (stored under `name`).
    @discardableResult
    public func update(_ silence: Silence, name: String, now: Int64) async throws -> Bool {
        guard let id = silence.id else { return false }
        return try await self.store.update(.silence, id: id, name: name, definition: Self.encode(silence), now: now)
    }

    /// Deletes a definition.
    @discardableResult
    public func delete(_ kind: AlertDefinitionKind, id: Int64) async throws -> Bool {
        try await self.store.delete(kind, id: id)
    }

    /// Writes the configuration file's rules, channels and policies (by name).
    public func seed(_ configuration: AlertingConfiguration, now: Int64) async throws {
        try await self.store.seed(
            .channel,
            configuration.channels.map { ($0.name, Self.encode(AlertChannel(seed: $0))) },
            now: now
        )
        try await self.store.seed(
            .policy,
            configuration.policies.map { ($0.name, Self.encode(EscalationPolicy(seed: $0))) },
            now: now
        )
        try await self.store.seed(
            .rule,
            configuration.rules.map { ($0.name, Self.encode(AlertRule(seed: $0))) },
            now: now
        )
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension AlertRule {
    /// The rule a configuration seed describes.
    public init(seed: AlertRuleSeed) {
        let threshold = ThresholdCondition(
            metric: seed.metric,
            aggregate: WindowAggregate(rawValue: seed.aggregate) ?? .avg,
            windowMilliseconds: seed.window.wholeMilliseconds,
            comparison: Comparison(rawValue: seed.comparison) ?? .above,
            threshold: seed.threshold,
            clear: seed.clear
        )
        let condition: RuleCondition
        switch seed.kind {
        case "rate_of_change": condition = .rateOfChange(threshold)
        case "absence": condition = .absence(metric: seed.metric, windowMilliseconds: seed.window.wholeMilliseconds)
        case "device_unreachable": condition = .deviceUnreachable
        case "interface_down": condition = .interfaceDown
        case "utilization": condition = .utilization(threshold)
        case "error_rate": condition = .errorRate(threshold)
        case "device_reboot": condition = .deviceReboot(windowMilliseconds: seed.window.wholeMilliseconds)
        case "flow":
            condition = .flow(
                FlowCondition(
                    direction: FlowCondition.Direction(rawValue: seed.direction) ?? .either,
                    prefix: seed.prefix,
                    port: seed.port,
                    proto: seed.proto,
                    windowMilliseconds: seed.window.wholeMilliseconds,
                    bytesPerSecond: seed.threshold
                )
            )
        case "top_talker":
            condition = .topTalker(
                TopTalkerCondition(
                    windowMilliseconds: seed.window.wholeMilliseconds,
                    sharePercent: seed.threshold,
                    clearPercent: seed.clear
                )
            )
        case "anomaly":
            condition = .anomaly(
                AnomalyCondition(
                    metric: seed.metric,
                    windowMilliseconds: seed.window.wholeMilliseconds,
                    periodMilliseconds: seed.period.wholeMilliseconds,
                    seasons: seed.seasons,
                    deviations: seed.deviations
                )
            )
        default: condition = .threshold(threshold)
        }
        self.init(
            name: seed.name,
            condition: condition,
            scope: RuleScope(tag: seed.tag, device: seed.device, interfacePattern: seed.interface),
            severity: Severity(userText: seed.severity) ?? .warning,
            forMilliseconds: seed.forDuration.wholeMilliseconds,
            policy: seed.policy
        )
    }
}

extension AlertChannel {
    /// The channel a configuration seed describes.
    public init(seed: AlertChannelSeed) {
        self.init(
            name: seed.name,
            kind: Kind(rawValue: seed.type) ?? .webhook,
            url: seed.url,
            secret: seed.secret?.value,
            recipients: seed.to,
            subjectTemplate: seed.subjectTemplate,
            bodyTemplate: seed.bodyTemplate
        )
    }
}

extension EscalationPolicy {
    /// The policy a configuration seed describes.
    public init(seed: AlertPolicySeed) {
        self.init(
            name: seed.name,
            steps: seed.steps.map {
                EscalationStep(afterMilliseconds: $0.after.wholeMilliseconds, channels: $0.channels)
            },
            repeatMilliseconds: seed.repeatInterval.wholeMilliseconds
        )
    }
}
