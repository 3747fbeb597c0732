import Foundation

/// The fields of one notification, for templates and the webhook body.
public struct NotificationContext: Sendable, Hashable, Codable {
    /// `firing`, `repeat`, `resolved`, `flapping`, `flapping_stopped` or `test`.
    public var event: String
    public var alertID: Int64?
    public var rule: String
    public var ruleKind: String
    public var severity: Severity
    /// `firing`, `resolved`...
    public var state: String
    public var device: String?
    public var interface: String?
    public var value: Double?
    public var summary: String
    /// When the alert started firing (UTC epoch ms).
    public var since: Int64?
    /// When this event happened (UTC epoch ms).
    public var time: Int64
    /// The escalation step notified (0-based), when the event is an escalation.
    public var step: Int?
    /// Devices whose unreachable alerts this alert suppresses (parent/child correlation).
    public var suppressedChildren: [String]
    /// A link to the alert on the dashboard, when `alerting.dashboard_url` is set.
    public var link: String?

    public init(
        event: String,
        alertID: Int64?,
        rule: String,
        ruleKind: String,
        severity: Severity,
        state: String,
        device: String?,
        interface: String?,
        value: Double?,
        summary: String,
        since: Int64?,
        time: Int64,
        step: Int? = nil,
        suppressedChildren: [String] = [],
        link: String? = nil
    ) {
        self.event = event
        self.alertID = alertID
        self.rule = rule
        self.ruleKind = ruleKind
        self.severity = severity
        self.state = state
        self.device = device
        self.interface = interface
        self.value = value
        self.summary = summary
        self.since = since
        self.time = time
        self.step = step
        self.suppressedChildren = suppressedChildren
        self.link = link
    }

    /// The fields as a template sees them (times as ISO 8601 UTC).
    public var templateFields: [String: Any] {
        var fields: [String: Any] = [
            "event": self.event,
            "rule": self.rule,
            "rule_kind": self.ruleKind,
            "severity": self.severity.rawValue,
            "severity_upper": self.severity.rawValue.uppercased(),
            "state": self.state,
            "summary": self.summary,
            "time": Self.iso8601(self.time),
            "firing": self.event == "firing" || self.event == "repeat",
            "resolved": self.event == "resolved",
            "test": self.event == "test",
        ]
        if let alertID = self.alertID { fields["alert_id"] = alertID }
        if let device = self.device { fields["device"] = device }
        if let interface = self.interface { fields["interface"] = interface }
        if let value = self.value { fields["value"] = RuleEvaluator.format(value) }
        if let since = self.since { fields["since"] = Self.iso8601(since) }
        if let step = self.step { fields["step"] = step + 1 }
        if let link = self.link { fields["link"] = link }
        if !self.suppressedChildren.isEmpty {
            fields["suppressed_children"] = self.suppressedChildren.joined(separator: ", ")
        }
        return fields
    }

    static func iso8601(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
