import Alerting
import Foundation
import Storage

/// How alerting resources are shown (docs/API.md, "Alerting"). Channel secrets have no field
/// here, and the URLs of Slack and Teams webhooks (which are credentials) are shown without
/// their path, so no route can return a secret.
enum AlertResourceEncoding {
    static func organisation(_ id: Int64?) -> Int64 { id ?? NetmonDatabase.defaultOrganisationID }

    private static func meta(_ stored: StoredDefinition) -> [(String, JSONValue)] {
        [
            ("seeded", .bool(stored.seeded)), ("created_at", .int(stored.createdAt)),
            ("updated_at", .int(stored.updatedAt)),
        ]
    }

    // MARK: Rules

    static func rule(_ entry: AlertingCatalog.Entry<AlertRule>) -> JSONValue {
        let rule = entry.value
        let condition = AlertRuleFields(rule.condition)
        var fields: [(String, JSONValue)] = [
            ("id", .int(entry.stored.id)),
            ("name", .string(rule.name)),
            ("kind", .string(rule.condition.kind)),
            ("enabled", .bool(rule.enabled)),
            ("severity", .string(rule.severity.rawValue)),
            ("for_ms", .int(rule.forMilliseconds)),
            ("policy", .string(rule.policy)),
            (
                "scope",
                .object([
                    ("tag", .string(rule.scope.tag)), ("device", .string(rule.scope.device)),
                    ("interface", .string(rule.scope.interfacePattern)),
                ])
            ),
            ("metric", .string(condition.metric)),
            ("aggregate", .string(condition.aggregate)),
            ("window_ms", .int(condition.window_ms)),
            ("comparison", .string(condition.comparison)),
            ("threshold", .double(condition.threshold)),
            ("clear", .double(condition.clear)),
            ("direction", .string(condition.direction)),
            ("prefix", .string(condition.prefix)),
            ("port", .int(condition.port)),
            ("protocol", .int(condition.protocol)),
            ("period_ms", .int(condition.period_ms)),
            ("seasons", .int(condition.seasons)),
            ("deviations", .double(condition.deviations)),
            ("organisation_id", .int(self.organisation(rule.organisationID))),
        ]
        fields += self.meta(entry.stored)
        return .object(fields)
    }

    // MARK: Channels

    /// A URL without its path and query (`https://hooks.slack.com/…`).
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.host
        else { return url.isEmpty ? "" : "…" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/…"
    }

    static func channel(_ entry: AlertingCatalog.Entry<AlertChannel>) -> JSONValue {
        let channel = entry.value
        let url: String =
            switch channel.kind {
            case .slack, .teams: self.redacted(channel.url)
            case .webhook: channel.url
            case .email: ""
            }
        var fields: [(String, JSONValue)] = [
            ("id", .int(entry.stored.id)),
            ("name", .string(channel.name)),
            ("type", .string(channel.kind.rawValue)),
            ("url", .string(url)),
            ("recipients", .array(channel.recipients.map { .string($0) })),
            ("secret_set", .bool(!(channel.secret ?? "").isEmpty)),
            ("subject_template", .string(channel.subjectTemplate)),
            ("body_template", .string(channel.bodyTemplate)),
            ("organisation_id", .int(self.organisation(channel.organisationID))),
        ]
        fields += self.meta(entry.stored)
        return .object(fields)
    }

    // MARK: Policies

    static func policy(_ entry: AlertingCatalog.Entry<EscalationPolicy>) -> JSONValue {
        let policy = entry.value
        var fields: [(String, JSONValue)] = [
            ("id", .int(entry.stored.id)),
            ("name", .string(policy.name)),
            (
                "steps",
                .array(
                    policy.steps.map { step in
                        .object([
                            ("after_ms", .int(step.afterMilliseconds)),
                            ("channels", .array(step.channels.map { .string($0) })),
                        ])
                    }
                )
            ),
            ("repeat_ms", .int(policy.repeatMilliseconds)),
            ("organisation_id", .int(self.organisation(policy.organisationID))),
        ]
        fields += self.meta(entry.stored)
        return .object(fields)
    }

    // MARK: Silences

    static func silence(_ entry: AlertingCatalog.Entry<Silence>, now: Int64) -> JSONValue {
        let silence = entry.value
        var schedule: [(String, JSONValue)] = []
        switch silence.schedule {
        case .once(let start, let end):
            schedule = [
                ("type", .string("once")), ("start", .int(start)), ("end", .int(end)), ("weekdays", .null),
                ("start_minute", .null), ("duration_minutes", .null),
            ]
        case .weekly(let weekdays, let startMinute, let durationMinutes):
            schedule = [
                ("type", .string("weekly")), ("start", .null), ("end", .null),
                ("weekdays", .array(weekdays.sorted().map { .int(Int64($0)) })),
                ("start_minute", .int(startMinute)), ("duration_minutes", .int(durationMinutes)),
            ]
        }
        var fields: [(String, JSONValue)] = [
            ("id", .int(entry.stored.id)),
            ("name", .string(entry.stored.name)),
            ("device", .string(silence.device)),
            ("tag", .string(silence.tag)),
            ("rule", .string(silence.rule)),
            ("comment", .string(silence.comment)),
        ]
        fields += schedule
        fields += [
            ("active", .bool(silence.schedule.isActive(at: now))),
            ("created_by", .string(silence.createdBy)),
            ("organisation_id", .int(self.organisation(silence.organisationID))),
        ]
        fields += self.meta(entry.stored)
        return .object(fields)
    }

    // MARK: Alerts

    static func alert(_ listed: ListedAlert) -> JSONValue {
        let alert = listed.alert
        let rule = try? JSONDecoder().decode(AlertRule.self, from: Data(listed.ruleDefinition.utf8))
        let active = alert.state == "pending" || alert.state == "firing"
        return .object([
            ("id", .int(alert.id)),
            ("rule_id", .int(alert.ruleID)),
            ("rule", .string(listed.ruleName)),
            ("kind", .string(rule?.condition.kind)),
            ("severity", .string(rule?.severity.rawValue ?? Severity.warning.rawValue)),
            ("state", .string(alert.state)),
            ("active", .bool(active)),
            ("target", .string(alert.targetKey)),
            ("device_id", .int(alert.deviceID)),
            ("device", .string(listed.deviceName)),
            ("interface_id", .int(alert.interfaceID)),
            ("interface", .string(listed.interfaceName)),
            ("value", .double(alert.value)),
            ("summary", .string(alert.summary)),
            ("since", .int(listed.since)),
            ("fired_at", .int(listed.firedAt)),
            ("resolved_at", .int(alert.state == "resolved" ? listed.resolvedAt : nil)),
            ("acknowledged", .bool(alert.ackedAt != nil)),
            ("acked_at", .int(alert.ackedAt)),
            ("acked_by", .string(alert.ackBy)),
            ("ack_comment", .string(alert.ackComment)),
            ("silenced", .bool(alert.silenced)),
            ("suppressed", .string(alert.suppressed)),
            ("organisation_id", .int(listed.organisationID)),
            ("updated_at", .int(alert.updatedAt)),
        ])
    }

    static func history(_ entry: AlertHistoryEntry) -> JSONValue {
        .object([
            ("ts", .int(entry.time)), ("kind", .string(entry.kind)), ("actor", .string(entry.actor)),
            ("comment", .string(entry.comment)),
        ])
    }

    static func notification(_ listed: ListedNotification) -> JSONValue {
        let entry = listed.entry
        return .object([
            ("id", .int(entry.id)),
            ("idempotency_key", .string(entry.idempotencyKey)),
            ("alert_id", .int(entry.alertID)),
            ("channel_id", .int(entry.channelID)),
            ("channel", .string(listed.channelName)),
            ("event", .string(entry.event)),
            ("state", .string(entry.state.rawValue)),
            ("attempts", .int(entry.attempts)),
            ("next_attempt_at", .int(entry.state == .pending ? entry.nextAttemptAt : nil)),
            ("created_at", .int(entry.createdAt)),
            ("delivered_at", .int(entry.deliveredAt)),
            ("last_error", .string(entry.lastError)),
        ])
    }

    static func delivery(_ attempt: DeliveryAttempt) -> JSONValue {
        .object([
            ("attempt", .int(attempt.attempt)), ("ts", .int(attempt.time)),
            ("outcome", .string(attempt.outcome.rawValue)),
            ("status", .int(attempt.status)), ("error", .string(attempt.error)),
            ("duration_ms", .double(attempt.durationMilliseconds)),
        ])
    }
}
