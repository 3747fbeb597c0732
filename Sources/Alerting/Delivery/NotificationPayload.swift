import Foundation

/// Builds what the outbox stores for one notification to one channel: the exact webhook body
/// (schema `netmond.alert.v1`, docs/ALERTING.md), a Slack/Teams message, or an email.
public enum NotificationPayload {
    /// The webhook schema identifier, bumped on incompatible changes.
    public static let schema = "netmond.alert.v1"

    /// An email as stored in the outbox.
    public struct Email: Sendable, Hashable, Codable {
        public var subject: String
        public var body: String
        public var recipients: [String]
    }

    /// The payload text and any template errors (reported; the default template was used).
    public static func build(
        _ context: NotificationContext,
        eventID: String,
        channel: AlertChannel
    ) -> (
        payload: String, templateErrors: [String]
    ) {
        let rendered = NotificationTemplates.render(context, channel: channel)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data?
        switch channel.kind {
        case .webhook:
            data = try? encoder.encode(WebhookBody(context: context, eventID: eventID, rendered: rendered))
        case .slack:
            data = try? encoder.encode(["text": "*\(rendered.subject)*\n\(rendered.body)"])
        case .teams:
            // Teams renders Markdown: bold is `**`, and a paragraph needs a blank line.
            data = try? encoder.encode(["text": "**\(rendered.subject)**\n\n\(rendered.body)"])
        case .email:
            data = try? encoder.encode(
                Email(subject: rendered.subject, body: rendered.body, recipients: channel.recipients)
            )
        }
        return (data.map { String(decoding: $0, as: UTF8.self) } ?? "{}", rendered.templateErrors)
    }
}

/// The JSON body of a webhook notification (schema `netmond.alert.v1`).
struct WebhookBody: Encodable {
    struct Alert: Encodable {
        var id: Int64?
        var rule: String
        var ruleKind: String
        var severity: String
        var state: String
        var device: String?
        var interface: String?
        var value: Double?
        var summary: String
        var since: String?
        var sinceMs: Int64?
        var link: String?

        enum CodingKeys: String, CodingKey {
            case id, rule, severity, state, device, interface, value, summary, since, link
            case ruleKind = "rule_kind"
            case sinceMs = "since_ms"
        }
    }

    var schema = NotificationPayload.schema
    var id: String
    var event: String
    var time: String
    var timeMs: Int64
    var alert: Alert
    var step: Int?
    var suppressedChildren: [String]
    var subject: String
    var text: String
    var templateErrors: [String]

    enum CodingKeys: String, CodingKey {
        case schema, id, event, time, alert, step, subject, text
        case timeMs = "time_ms"
        case suppressedChildren = "suppressed_children"
        case templateErrors = "template_errors"
    }

    init(context: NotificationContext, eventID: String, rendered: NotificationTemplates.Rendered) {
        self.id = eventID
        self.event = context.event
        self.time = NotificationContext.iso8601(context.time)
        self.timeMs = context.time
        self.alert = Alert(
            id: context.alertID,
            rule: context.rule,
            ruleKind: context.ruleKind,
            severity: context.severity.rawValue,
            state: context.state,
            device: context.device,
            interface: context.interface,
            value: context.value.flatMap { $0.isFinite ? $0 : nil },
            summary: context.summary,
            since: context.since.map(NotificationContext.iso8601),
            sinceMs: context.since,
            link: context.link
        )
        self.step = context.step.map { $0 + 1 }
        self.suppressedChildren = context.suppressedChildren
        self.subject = rendered.subject
        self.text = rendered.body
        self.templateErrors = rendered.templateErrors
    }
}
