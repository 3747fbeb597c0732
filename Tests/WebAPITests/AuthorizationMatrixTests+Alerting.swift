import Alerting
import Foundation
import Hummingbird
import Storage

@testable import WebAPI

/// The alerting routes of the authorization matrix: viewers read, editors write, another
/// organisation's admin sees none of the default organisation's definitions or alerts.
extension AuthorizationMatrixTests {
    static func catalog(_ h: APIHarness) -> AlertingCatalog { AlertingCatalog(database: h.database) }

    static var alertingRows: [Row] {
        [
            Row(
                method: .get,
                template: "/api/v1/alert-rules",
                prepare: fixed("/api/v1/alert-rules"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/alert-rules",
                prepare: { _, n in
                    (
                        "/api/v1/alert-rules",
                        #"{"name":"rule \#(n)","kind":"threshold","metric":"cpu_load_percent","threshold":90}"#
                    )
                },
                expected: needs(.editor, ok: 201)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-rules/{id}",
                prepare: { h, _ in
                    let id = try await h.fixtureRuleID()
                    return ("/api/v1/alert-rules/\(id)", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/alert-rules/{id}",
                prepare: { h, _ in
                    let id = try await h.fixtureRuleID()
                    return ("/api/v1/alert-rules/\(id)", #"{"enabled":true}"#)
                },
                expected: needs(.editor, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .delete,
                template: "/api/v1/alert-rules/{id}",
                prepare: { h, n in
                    let id = try await Self.catalog(h).add(
                        AlertRule(name: "gone rule \(n)", condition: .deviceUnreachable),
                        now: AuthService.now()
                    )
                    return ("/api/v1/alert-rules/\(id)", nil)
                },
                expected: needs(.editor, ok: 204, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-channels",
                prepare: { h, _ in
                    _ = try await h.fixtureChannelID()
                    return ("/api/v1/alert-channels", nil)
                },
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/alert-channels",
                prepare: { _, n in
                    (
                        "/api/v1/alert-channels",
                        #"{"name":"channel \#(n)","type":"email","recipients":["ops@example.net"]}"#
                    )
                },
                expected: needs(.editor, ok: 201)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-channels/{id}",
                prepare: { h, _ in
                    let id = try await h.fixtureChannelID()
                    return ("/api/v1/alert-channels/\(id)", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/alert-channels/{id}",
                prepare: { h, _ in
                    let id = try await h.fixtureChannelID()
                    return ("/api/v1/alert-channels/\(id)", #"{"url":"https://hooks.example.net/netmond"}"#)
                },
                expected: needs(.editor, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .delete,
                template: "/api/v1/alert-channels/{id}",
                prepare: { h, n in
                    let id = try await Self.catalog(h).add(
                        AlertChannel(name: "gone channel \(n)", kind: .email, recipients: ["a@example.net"]),
                        now: AuthService.now()
                    )
                    return ("/api/v1/alert-channels/\(id)", nil)
                },
                expected: needs(.editor, ok: 204, otherOrg: 404)
            ),
            Row(
                method: .post,
                template: "/api/v1/alert-channels/{id}/test",
                prepare: { h, _ in
                    let id = try await h.fixtureChannelID()
                    return ("/api/v1/alert-channels/\(id)/test", nil)
                },
                expected: needs(.editor, ok: 202, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-policies",
                prepare: fixed("/api/v1/alert-policies"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/alert-policies",
                prepare: { h, n in
                    _ = try await h.fixtureChannelID()
                    return (
                        "/api/v1/alert-policies",
                        #"{"name":"policy \#(n)","steps":[{"after_ms":0,"channels":["matrix channel"]}]}"#
                    )
                },
                // The other organisation has no channel of that name.
                expected: needs(.editor, ok: 201, otherOrg: 400)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-policies/{id}",
                prepare: { h, _ in
                    let id = try await h.fixturePolicyID()
                    return ("/api/v1/alert-policies/\(id)", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/alert-policies/{id}",
                prepare: { h, _ in
                    let id = try await h.fixturePolicyID()
                    return ("/api/v1/alert-policies/\(id)", #"{"repeat_ms":0}"#)
                },
                expected: needs(.editor, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .delete,
                template: "/api/v1/alert-policies/{id}",
                prepare: { h, n in
                    _ = try await h.fixtureChannelID()
                    let id = try await Self.catalog(h).add(
                        EscalationPolicy(
                            name: "gone policy \(n)",
                            steps: [EscalationStep(afterMilliseconds: 0, channels: ["matrix channel"])]
                        ),
                        now: AuthService.now()
                    )
                    return ("/api/v1/alert-policies/\(id)", nil)
                },
                expected: needs(.editor, ok: 204, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-silences",
                prepare: fixed("/api/v1/alert-silences"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/alert-silences",
                prepare: { _, n in
                    (
                        "/api/v1/alert-silences",
                        #"{"name":"window \#(n)","tag":"core","type":"weekly","weekdays":[0,6],"start_minute":120,"duration_minutes":60}"#
                    )
                },
                expected: needs(.editor, ok: 201)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-silences/{id}",
                prepare: { h, _ in
                    let id = try await h.fixtureSilenceID()
                    return ("/api/v1/alert-silences/\(id)", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/alert-silences/{id}",
                prepare: { h, _ in
                    let id = try await h.fixtureSilenceID()
                    return ("/api/v1/alert-silences/\(id)", #"{"comment":"planned work"}"#)
                },
                expected: needs(.editor, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .delete,
                template: "/api/v1/alert-silences/{id}",
                prepare: { h, n in
                    let now = AuthService.now()
                    let id = try await Self.catalog(h).add(
                        Silence(rule: "matrix rule", schedule: .once(start: now, end: now + 60_000)),
                        name: "gone silence \(n)",
                        now: now
                    )
                    return ("/api/v1/alert-silences/\(id)", nil)
                },
                expected: needs(.editor, ok: 204, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/alerts",
                prepare: fixed("/api/v1/alerts?state=active"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .get,
                template: "/api/v1/alerts/{id}",
                prepare: { h, n in
                    let id = try await h.fixtureAlertID(n)
                    return ("/api/v1/alerts/\(id)", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/alerts/{id}/history",
                prepare: { h, n in
                    let id = try await h.fixtureAlertID(n)
                    return ("/api/v1/alerts/\(id)/history", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .post,
                template: "/api/v1/alerts/{id}/acknowledge",
                prepare: { h, n in
                    let id = try await h.fixtureAlertID(n)
                    return ("/api/v1/alerts/\(id)/acknowledge", "{}")
                },
                expected: needs(.editor, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .post,
                template: "/api/v1/alerts/{id}/unacknowledge",
                prepare: { h, n in
                    let id = try await h.fixtureAlertID(n, acknowledged: true)
                    return ("/api/v1/alerts/\(id)/unacknowledge", #"{"comment":"not handled yet"}"#)
                },
                expected: needs(.editor, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .post,
                template: "/api/v1/alerts/{id}/silence",
                prepare: { h, n in
                    let id = try await h.fixtureAlertID(n)
                    return ("/api/v1/alerts/\(id)/silence", #"{"duration":"1h"}"#)
                },
                expected: needs(.editor, ok: 201, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-notifications",
                prepare: fixed("/api/v1/alert-notifications"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .get,
                template: "/api/v1/alert-notifications/{id}/deliveries",
                prepare: { h, _ in
                    let id = try await h.fixtureNotificationID()
                    return ("/api/v1/alert-notifications/\(id)/deliveries", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
        ]
    }
}
