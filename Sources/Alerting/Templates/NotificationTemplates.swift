import Foundation
import Mustache

/// Renders a notification's subject and body from Mustache templates: the defaults shipped
/// here, or a channel's own. A channel template that does not parse falls back to the default
/// and the error is reported with the rendering.
public enum NotificationTemplates {
    /// The default subject.
    public static let defaultSubject =
        "[{{severity_upper}}] {{#resolved}}RESOLVED: {{/resolved}}{{#test}}TEST: {{/test}}{{rule}}"
        + "{{#device}} on {{device}}{{/device}}{{#interface}} ({{interface}}){{/interface}}"

    /// The default body.
    public static let defaultBody = """
        {{#test}}This is a test notification from netmond.
        {{/test}}{{^test}}Alert {{rule}} is {{state}} ({{event}}).
        {{/test}}{{summary}}
        Severity: {{severity}}
        {{#device}}Device: {{device}}
        {{/device}}{{#interface}}Interface: {{interface}}
        {{/interface}}{{#value}}Value: {{value}}
        {{/value}}{{#since}}Since: {{since}}
        {{/since}}{{#step}}Escalation step: {{step}}
        {{/step}}{{#suppressed_children}}Also unreachable behind it (their alerts are suppressed): {{suppressed_children}}
        {{/suppressed_children}}Time: {{time}}
        {{#link}}{{link}}
        {{/link}}
        """

    /// A rendered message and any template problems.
    public struct Rendered: Sendable, Hashable, Codable {
        public var subject: String
        public var body: String
        /// Template errors (the default was used instead), empty when none.
        public var templateErrors: [String]
    }

    /// Renders `context` with `channel`'s templates, falling back to the defaults.
    public static func render(_ context: NotificationContext, channel: AlertChannel) -> Rendered {
        var errors: [String] = []
        let fields = context.templateFields
        let subject = Self.render(channel.subjectTemplate, fallback: Self.defaultSubject, fields, "subject", &errors)
        let body = Self.render(channel.bodyTemplate, fallback: Self.defaultBody, fields, "body", &errors)
        return Rendered(
            subject: subject.replacingOccurrences(of: "\n", with: " "),
            body: body,
            templateErrors: errors
        )
    }

    private static func render(
        _ text: String,
        fallback: String,
        _ fields: [String: Any],
        _ which: String,
        _ errors: inout [String]
    ) -> String {
        if !text.isEmpty {
            do {
                return try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text).render(fields)
            } catch {
                errors.append("\(which) template: \(error); the default template was used")
            }
        }
        // The defaults are tested to parse.
        return (try? MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + fallback).render(fields)) ?? ""
    }
}
