import Alerting
import Foundation
import Storage

/// The condition of a rule as flat API fields (snake_case, as the JSON has them): which apply
/// depends on `kind`.
struct AlertRuleFields: Decodable, Sendable {
    var kind: String?
    var metric: String?
    var aggregate: String?
    var window_ms: Int64?
    var comparison: String?
    var threshold: Double?
    var clear: Double?
    var direction: String?
    var prefix: String?
    var port: Int?
    var `protocol`: Int?
    var period_ms: Int64?
    var seasons: Int?
    var deviations: Double?

    static let kinds = [
        "threshold", "rate_of_change", "absence", "device_unreachable", "interface_down", "utilization", "error_rate",
        "device_reboot", "flow", "anomaly", "top_talker",
    ]

    init() {}

    /// The fields of an existing condition.
    init(_ condition: RuleCondition) {
        self.kind = condition.kind
        switch condition {
        case .threshold(let t), .rateOfChange(let t), .utilization(let t), .errorRate(let t):
            self.set(t)
            if case .utilization = condition { self.metric = nil }
            if case .errorRate = condition { self.metric = nil }
        case .absence(let metric, let window):
            self.metric = metric
            self.window_ms = window
        case .deviceUnreachable, .interfaceDown:
            break
        case .deviceReboot(let window):
            self.window_ms = window
        case .flow(let f):
            self.direction = f.direction.rawValue
            self.prefix = f.prefix
            self.port = f.port
            self.protocol = f.proto
            self.window_ms = f.windowMilliseconds
            self.threshold = f.bytesPerSecond
        case .topTalker(let t):
            self.window_ms = t.windowMilliseconds
            self.threshold = t.sharePercent
            self.clear = t.clearPercent
        case .anomaly(let a):
            self.metric = a.metric
            self.window_ms = a.windowMilliseconds
            self.period_ms = a.periodMilliseconds
            self.seasons = a.seasons
            self.deviations = a.deviations
        }
    }

    private mutating func set(_ t: ThresholdCondition) {
        self.metric = t.metric
        self.aggregate = t.aggregate.rawValue
        self.window_ms = t.windowMilliseconds
        self.comparison = t.comparison.rawValue
        self.threshold = t.threshold
        self.clear = t.clear
    }

    /// These fields with every field `patch` sets replacing this one's.
    func overlaid(by patch: AlertRuleFields) -> AlertRuleFields {
        var result = self
        result.kind = patch.kind ?? self.kind
        result.metric = patch.metric ?? self.metric
        result.aggregate = patch.aggregate ?? self.aggregate
        result.window_ms = patch.window_ms ?? self.window_ms
        result.comparison = patch.comparison ?? self.comparison
        result.threshold = patch.threshold ?? self.threshold
        result.clear = patch.clear ?? self.clear
        result.direction = patch.direction ?? self.direction
        result.prefix = patch.prefix ?? self.prefix
        result.port = patch.port ?? self.port
        result.protocol = patch.protocol ?? self.protocol
        result.period_ms = patch.period_ms ?? self.period_ms
        result.seasons = patch.seasons ?? self.seasons
        result.deviations = patch.deviations ?? self.deviations
        return result
    }

    // MARK: Validation

    private static let day: Int64 = 86_400_000

    private func window(default value: Int64, max: Int64 = 2_678_400_000) throws -> Int64 {
        let window = self.window_ms ?? value
        guard (1000...max).contains(window) else {
            throw APIError.invalidBody("window_ms must be 1000 to \(max)")
        }
        return window
    }

    private func metricName() throws -> String {
        guard let metric = self.metric else { throw APIError.invalidBody("metric is required for \(self.kind ?? "")") }
        guard (1...64).contains(metric.utf8.count),
            metric.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
            })
        else { throw APIError.invalidBody("metric: 1 to 64 letters, digits or '_'") }
        return metric
    }

    private func number(_ value: Double?, _ name: String) throws -> Double? {
        guard let value else { return nil }
        guard value.isFinite, abs(value) <= 1e15 else { throw APIError.invalidBody("\(name) must be a finite number") }
        return value
    }

    private func thresholdCondition(metric: String, defaultWindow: Int64 = 300_000) throws -> ThresholdCondition {
        guard let threshold = try self.number(self.threshold, "threshold") else {
            throw APIError.invalidBody("threshold is required for \(self.kind ?? "")")
        }
        let aggregate = try self.aggregate.map { (text: String) throws -> WindowAggregate in
            guard let value = WindowAggregate(rawValue: text) else {
                throw APIError.invalidBody(
                    "aggregate must be one of \(WindowAggregate.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return value
        }
        let comparison = try self.comparison.map { (text: String) throws -> Comparison in
            guard let value = Comparison(rawValue: text) else {
                throw APIError.invalidBody("comparison must be one of >, >=, <, <=")
            }
            return value
        }
        let condition = ThresholdCondition(
            metric: metric,
            aggregate: aggregate ?? .avg,
            windowMilliseconds: try self.window(default: defaultWindow),
            comparison: comparison ?? .above,
            threshold: threshold,
            clear: try self.number(self.clear, "clear")
        )
        if let clear = condition.clear {
            let ok: Bool =
                switch condition.comparison {
                case .above, .atLeast: clear <= threshold
                case .below, .atMost: clear >= threshold
                }
            guard ok else {
                throw APIError.invalidBody("clear must lie on the clear side of threshold (hysteresis)")
            }
        }
        return condition
    }

    /// The condition these fields describe, validated.
    func condition() throws -> RuleCondition {
        guard let kind = self.kind else { throw APIError.invalidBody("kind is required") }
        switch kind {
        case "threshold": return .threshold(try self.thresholdCondition(metric: try self.metricName()))
        case "rate_of_change": return .rateOfChange(try self.thresholdCondition(metric: try self.metricName()))
        case "absence":
            return .absence(metric: try self.metricName(), windowMilliseconds: try self.window(default: 600_000))
        case "device_unreachable": return .deviceUnreachable
        case "interface_down": return .interfaceDown
        case "utilization": return .utilization(try self.thresholdCondition(metric: ""))
        case "error_rate": return .errorRate(try self.thresholdCondition(metric: ""))
        case "device_reboot": return .deviceReboot(windowMilliseconds: try self.window(default: 3_600_000))
        case "flow":
            guard let rate = try self.number(self.threshold, "threshold"), rate > 0 else {
                throw APIError.invalidBody("threshold (bytes per second) must be above 0 for flow rules")
            }
            guard let direction = FlowCondition.Direction(rawValue: self.direction ?? "either") else {
                throw APIError.invalidBody("direction must be to, from or either")
            }
            if let prefix = self.prefix, IPPrefix(prefix) == nil {
                throw APIError.invalidBody("prefix must be an IP address or CIDR prefix")
            }
            if let port = self.port, !(0...65535).contains(port) {
                throw APIError.invalidBody("port must be 0 to 65535")
            }
            if let proto = self.protocol, !(0...255).contains(proto) {
                throw APIError.invalidBody("protocol must be 0 to 255")
            }
            return .flow(
                FlowCondition(
                    direction: direction,
                    prefix: self.prefix,
                    port: self.port,
                    proto: self.protocol,
                    windowMilliseconds: try self.window(default: 300_000, max: Self.day),
                    bytesPerSecond: rate
                )
            )
        case "top_talker":
            guard let share = try self.number(self.threshold, "threshold"), share > 0, share <= 100 else {
                throw APIError.invalidBody("threshold (percent of the link speed) must be above 0 and at most 100")
            }
            let clear = try self.number(self.clear, "clear")
            if let clear, clear > share || clear < 0 {
                throw APIError.invalidBody("clear must be from 0 to threshold (hysteresis)")
            }
            return .topTalker(
                TopTalkerCondition(
                    windowMilliseconds: try self.window(default: 300_000, max: Self.day),
                    sharePercent: share,
                    clearPercent: clear
                )
            )
        case "anomaly":
            let window = try self.window(default: 900_000, max: Self.day)
            let period = self.period_ms ?? Self.day
            guard (window...(31 * Self.day)).contains(period) else {
                throw APIError.invalidBody("period_ms must be at least window_ms and at most 31 days")
            }
            let seasons = self.seasons ?? 7
            guard (2...60).contains(seasons) else { throw APIError.invalidBody("seasons must be 2 to 60") }
            let deviations = try self.number(self.deviations, "deviations") ?? 3
            guard deviations > 0, deviations <= 100 else {
                throw APIError.invalidBody("deviations must be above 0 and at most 100")
            }
            return .anomaly(
                AnomalyCondition(
                    metric: try self.metricName(),
                    windowMilliseconds: window,
                    periodMilliseconds: period,
                    seasons: seasons,
                    deviations: deviations
                )
            )
        default:
            throw APIError.invalidBody("kind must be one of \(Self.kinds.joined(separator: ", "))")
        }
    }
}

/// The body of `POST` and `PATCH /api/v1/alert-rules`.
struct AlertRuleBody: Decodable, Sendable {
    struct Scope: Decodable, Sendable {
        var tag: String?
        var device: String?
        var interface: String?
    }

    var name: String?
    var enabled: Bool?
    var severity: String?
    var for_ms: Int64?
    /// An escalation policy name; "" removes it.
    var policy: String?
    /// "" in a field removes that criterion.
    var scope: Scope?
    var organisation_id: Int64?
    var fields: AlertRuleFields

    enum CodingKeys: String, CodingKey {
        case name, enabled, severity, for_ms, policy, scope, organisation_id
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decodeIfPresent(String.self, forKey: .name)
        self.enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
        self.severity = try container.decodeIfPresent(String.self, forKey: .severity)
        self.for_ms = try container.decodeIfPresent(Int64.self, forKey: .for_ms)
        self.policy = try container.decodeIfPresent(String.self, forKey: .policy)
        self.scope = try container.decodeIfPresent(Scope.self, forKey: .scope)
        self.organisation_id = try container.decodeIfPresent(Int64.self, forKey: .organisation_id)
        self.fields = try AlertRuleFields(from: decoder)
    }
}

/// Validation shared by the alerting routes.
enum AlertValidation {
    /// A display name: 1 to 100 characters, no control characters, no surrounding spaces.
    static func name(_ text: String, field: String = "name") throws -> String {
        guard (1...100).contains(text.count),
            text.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }),
            text.trimmingCharacters(in: .whitespaces) == text
        else {
            throw APIError.invalidBody("\(field): 1 to 100 characters, no control characters or surrounding spaces")
        }
        return text
    }

    /// An optional scope or matcher text: "" is nil; otherwise 1 to 128 characters.
    static func optionalText(_ text: String?, field: String, current: String?) throws -> String? {
        guard let text else { return current }
        if text.isEmpty { return nil }
        guard text.count <= 128, text.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }) else {
            throw APIError.invalidBody("\(field): at most 128 characters, no control characters")
        }
        return text
    }
}
