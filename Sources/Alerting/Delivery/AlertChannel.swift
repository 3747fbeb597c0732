/// Where notifications go: a signed JSON webhook, a Slack/Teams-compatible incoming webhook, or
/// email through the configured SMTP server. Stored as JSON in `alert_channels`.
public struct AlertChannel: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case webhook, slack, email
    }

    public var id: Int64?
    public var name: String
    public var kind: Kind
    /// Webhook and slack: the http(s) URL.
    public var url: String
    /// Webhook: the HMAC-SHA256 key (never logged; the API must redact it).
    public var secret: String?
    /// Email: the recipients.
    public var recipients: [String]
    /// Mustache templates overriding the defaults (empty: default).
    public var subjectTemplate: String
    public var bodyTemplate: String

    public init(
        id: Int64? = nil,
        name: String,
        kind: Kind,
        url: String = "",
        secret: String? = nil,
        recipients: [String] = [],
        subjectTemplate: String = "",
        bodyTemplate: String = ""
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.url = url
        self.secret = secret
        self.recipients = recipients
        self.subjectTemplate = subjectTemplate
        self.bodyTemplate = bodyTemplate
    }
}
