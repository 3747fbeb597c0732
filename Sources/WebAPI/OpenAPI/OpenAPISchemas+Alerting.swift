import Alerting

/// The component schemas of the alerting routes.
extension OpenAPISchemas {
    private static var definitionMeta: [(String, JSONValue)] {
        [("organisation_id", integer()), ("seeded", boolean), ("created_at", integer()), ("updated_at", integer())]
    }

    /// The condition fields of a rule: nullable when shown (a kind uses some), plain as input.
    private static func ruleFields(nullable: Bool) -> [(String, JSONValue)] {
        [
            ("metric", string(nullable: nullable)),
            ("aggregate", enumeration(WindowAggregate.allCases.map(\.rawValue), nullable: nullable)),
            ("window_ms", integer(nullable: nullable)),
            ("comparison", enumeration(Comparison.allCases.map(\.rawValue), nullable: nullable)),
            ("threshold", number(nullable: nullable)), ("clear", number(nullable: nullable)),
            ("direction", enumeration(["to", "from", "either"], nullable: nullable)),
            ("prefix", string(nullable: nullable)), ("port", integer(nullable: nullable)),
            ("protocol", integer(nullable: nullable)), ("period_ms", integer(nullable: nullable)),
            ("seasons", integer(nullable: nullable)), ("deviations", number(nullable: nullable)),
        ]
    }

    static var alerting: [(String, JSONValue)] {
        let severities = Severity.allCases.map(\.rawValue)
        let scope = object([
            ("tag", string(nullable: true)), ("device", string(nullable: true)), ("interface", string(nullable: true)),
        ])
        let scopeInput = object([("tag", string()), ("device", string()), ("interface", string())], required: [])
        let scheduleFields: [(String, JSONValue)] = [
            ("type", enumeration(["once", "weekly"])), ("start", integer(nullable: true)),
            ("end", integer(nullable: true)),
            ("weekdays", .object([("type", .string("array")), ("items", integer()), ("nullable", .bool(true))])),
            ("start_minute", integer(nullable: true)), ("duration_minutes", integer(nullable: true)),
        ]
        var rule: [(String, JSONValue)] = [
            ("id", integer()), ("name", string()), ("kind", enumeration(AlertRuleFields.kinds)),
            ("enabled", boolean), ("severity", enumeration(severities)), ("for_ms", integer()),
            ("policy", string(nullable: true)), ("scope", scope),
        ]
        rule += ruleFields(nullable: true)
        rule += definitionMeta
        var ruleInput: [(String, JSONValue)] = [
            ("name", string()), ("kind", enumeration(AlertRuleFields.kinds)), ("enabled", boolean),
            ("severity", enumeration(severities)), ("for_ms", integer()), ("policy", string()),
            ("scope", scopeInput),
        ]
        ruleInput += ruleFields(nullable: false)
        ruleInput.append(("organisation_id", integer()))
        var channel: [(String, JSONValue)] = [
            ("id", integer()), ("name", string()), ("type", enumeration(AlertChannelRoutes.types)),
            ("url", string()), ("recipients", array(string())), ("secret_set", boolean),
            ("subject_template", string()), ("body_template", string()),
        ]
        channel += definitionMeta
        let step = object([("after_ms", integer()), ("channels", array(string()))])
        var policy: [(String, JSONValue)] = [
            ("id", integer()), ("name", string()), ("steps", array(step)), ("repeat_ms", integer()),
        ]
        policy += definitionMeta
        var silence: [(String, JSONValue)] = [
            ("id", integer()), ("name", string()), ("device", string(nullable: true)),
            ("tag", string(nullable: true)), ("rule", string(nullable: true)), ("comment", string()),
        ]
        silence += scheduleFields
        silence += [("active", boolean), ("created_by", string(nullable: true))]
        silence += definitionMeta
        return [
            ("AlertRule", object(rule)),
            ("AlertRuleInput", object(ruleInput, required: [])),
            ("AlertChannel", object(channel)),
            (
                "AlertChannelInput",
                object(
                    [
                        ("name", string()), ("type", enumeration(AlertChannelRoutes.types)), ("url", string()),
                        ("secret", string(nullable: false, [("writeOnly", .bool(true))])),
                        ("recipients", array(string())), ("subject_template", string()), ("body_template", string()),
                        ("organisation_id", integer()),
                    ],
                    required: []
                )
            ),
            ("AlertPolicy", object(policy)),
            (
                "AlertPolicyInput",
                object(
                    [
                        ("name", string()),
                        (
                            "steps",
                            array(
                                object(
                                    [("after_ms", integer()), ("channels", array(string()))],
                                    required: ["channels"]
                                )
                            )
                        ),
                        ("repeat_ms", integer()), ("organisation_id", integer()),
                    ],
                    required: []
                )
            ),
            ("AlertSilence", object(silence)),
            (
                "AlertSilenceInput",
                object(
                    [
                        ("name", string()), ("device", string()), ("tag", string()), ("rule", string()),
                        ("comment", string()), ("type", enumeration(["once", "weekly"])), ("start", integer()),
                        ("end", integer()), ("weekdays", array(integer())), ("start_minute", integer()),
                        ("duration_minutes", integer()), ("organisation_id", integer()),
                    ],
                    required: []
                )
            ),
            (
                "Alert",
                object([
                    ("id", integer()), ("rule_id", integer()), ("rule", string()),
                    ("kind", enumeration(AlertRuleFields.kinds, nullable: true)), ("severity", enumeration(severities)),
                    ("state", enumeration(AlertRoutes.states)), ("active", boolean), ("target", string()),
                    ("device_id", integer(nullable: true)), ("device", string(nullable: true)),
                    ("interface_id", integer(nullable: true)), ("interface", string(nullable: true)),
                    ("value", number(nullable: true)), ("summary", string()), ("since", integer(nullable: true)),
                    ("fired_at", integer(nullable: true)), ("resolved_at", integer(nullable: true)),
                    ("acknowledged", boolean), ("acked_at", integer(nullable: true)),
                    ("acked_by", string(nullable: true)),
                    ("ack_comment", string(nullable: true)), ("silenced", boolean),
                    ("suppressed", string(nullable: true)),
                    ("organisation_id", integer()), ("updated_at", integer()),
                ])
            ),
            ("AlertComment", object([("comment", string())], required: [])),
            ("AlertSilenceRequest", object([("duration", string()), ("comment", string())], required: ["duration"])),
            (
                "AlertHistoryEntry",
                object([
                    ("ts", integer()), ("kind", string()), ("actor", string(nullable: true)),
                    ("comment", string(nullable: true)),
                ])
            ),
            (
                "AlertNotification",
                object([
                    ("id", integer()), ("idempotency_key", string()), ("alert_id", integer(nullable: true)),
                    ("channel_id", integer()), ("channel", string(nullable: true)), ("event", string()),
                    ("state", enumeration(AlertRoutes.notificationStates)), ("attempts", integer()),
                    ("next_attempt_at", integer(nullable: true)), ("created_at", integer()),
                    ("delivered_at", integer(nullable: true)), ("last_error", string(nullable: true)),
                ])
            ),
            (
                "AlertDelivery",
                object([
                    ("attempt", integer()), ("ts", integer()),
                    ("outcome", enumeration(["delivered", "retry", "dead"])),
                    ("status", integer(nullable: true)), ("error", string(nullable: true)), ("duration_ms", number()),
                ])
            ),
        ]
    }
}
