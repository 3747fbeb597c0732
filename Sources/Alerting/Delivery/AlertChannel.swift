/// Where notifications go: a signed JSON webhook, a Slack or Microsoft Teams incoming webhook, or
/// email through the configured SMTP server. Stored as JSON in `alert_channels`.
public struct AlertChannel: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case webhook, slack, email
        /// A Microsoft Teams incoming webhook (the same `{"text": ...}` body as Slack).
        case teams
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
    /// The organisation that owns the channel (nil: the default organisation).
    public var organisationID: Int64?

    public init(
        id: Int64? = nil,
        name: String,
        kind: Kind,
        url: String = "",
        secret: String? = nil,
        recipients: [String] = [],
        subjectTemplate: String = "",
        bodyTemplate: String = "",
        organisationID: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.url = url
        self.secret = secret
        self.recipients = recipients
        self.subjectTemplate = subjectTemplate
        self.bodyTemplate = bodyTemplate
        self.organisationID = organisationID
    }
}
