import Alerting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NetmonCore
import Storage
import Testing

@testable import WebAPI

/// One request through a router test client: the status and the body as text and JSON.
struct AlertReply: @unchecked Sendable {
    var status: Int
    var text: String
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(self.text.utf8)) as? [String: Any] }
    var items: [[String: Any]] { self.json?["items"] as? [[String: Any]] ?? [] }
}

extension APIHarness {
    func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        as caller: Caller = .editor,
        _ body: String? = nil
    )
        async throws -> AlertReply
    {
        try await self.test { client in
            try await client.execute(
                uri: uri,
                method: method,
                headers: self.headers(caller, json: body != nil),
                body: body.map { ByteBuffer(string: $0) }
            ) { AlertReply(status: Int($0.status.code), text: String(buffer: $0.body)) }
        }
    }
}

@Suite("Alerting API: rules, channels, policies, silences, alerts, notifications")
struct AlertRoutesTests {
    @Test("rules are validated, changed and deleted; changes are announced and audited")
    func ruleLifecycle() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let created = try await harness.call(
            .post,
            "/api/v1/alert-rules",
            #"{"name":"cpu high","kind":"threshold","metric":"cpu_load_percent","aggregate":"p95","window_ms":600000,"comparison":">","threshold":90,"clear":80,"for_ms":300000,"severity":"critical","scope":{"tag":"core","interface":"ge-*"}}"#
        )
        #expect(created.status == 201, "\(created.text)")
        let rule = try #require(created.json)
        let id = try #require(rule["id"] as? Int)
        #expect(rule["kind"] as? String == "threshold")
        #expect(rule["aggregate"] as? String == "p95")
        #expect(rule["clear"] as? Double == 80)
        #expect(rule["severity"] as? String == "critical")
        #expect((rule["scope"] as? [String: Any])?["interface"] as? String == "ge-*")
        #expect(rule["organisation_id"] as? Int == 1)

        // A patch without kind changes fields of the existing condition.
        let patched = try await harness.call(.patch, "/api/v1/alert-rules/\(id)", #"{"threshold":95,"enabled":false}"#)
        #expect(patched.status == 200)
        #expect(patched.json?["threshold"] as? Double == 95)
        #expect(patched.json?["clear"] as? Double == 80)
        #expect(patched.json?["aggregate"] as? String == "p95")
        #expect(patched.json?["enabled"] as? Bool == false)
        let stored = try await AlertingCatalog(database: harness.database).load().rules.first { $0.id == Int64(id) }
        guard case .threshold(let condition) = stored?.condition else {
            Issue.record("rule not stored as a threshold")
            return
        }
        #expect(condition.threshold == 95 && condition.clear == 80 && stored?.enabled == false)

        for (body, reason) in [
            (#"{"name":"x","kind":"nonsense"}"#, "unknown kind"),
            (#"{"name":"x","kind":"threshold","metric":"cpu","threshold":90,"clear":95}"#, "clear on the wrong side"),
            (#"{"name":"x","kind":"threshold","threshold":90}"#, "no metric"),
            (#"{"name":"x","kind":"threshold","metric":"a b","threshold":1}"#, "bad metric"),
            (#"{"name":"x","kind":"flow","threshold":1000,"prefix":"10.0.0.0/33"}"#, "bad prefix"),
            (#"{"name":"x","kind":"interface_down","policy":"nobody"}"#, "unknown policy"),
            (#"{"name":"x","kind":"interface_down","severity":"urgent"}"#, "unknown severity"),
            (#"{"name":"x","kind":"threshold","metric":"cpu","threshold":1,"window_ms":5}"#, "tiny window"),
            (#"{"name":"","kind":"interface_down"}"#, "empty name"),
            (#"{"kind":"interface_down"}"#, "no name"),
            (#"{"name":"x","kind":"threshold","metric":"cpu","threshold":"high"}"#, "wrong type"),
        ] {
            let reply = try await harness.call(.post, "/api/v1/alert-rules", body)
            #expect(reply.status == 400, "\(reason): \(reply.status) \(reply.text)")
        }
        let duplicate = try await harness.call(
            .post,
            "/api/v1/alert-rules",
            #"{"name":"cpu high","kind":"interface_down"}"#
        )
        #expect(duplicate.status == 409)
        #expect(
            try await harness.call(.post, "/api/v1/alert-rules", as: .viewer, #"{"name":"v","kind":"interface_down"}"#)
                .status == 403
        )

        let list = try await harness.call(.get, "/api/v1/alert-rules?q=CPU&sort=-name", as: .viewer)
        #expect(list.status == 200 && list.items.count == 1)
        let other = try await harness.call(.get, "/api/v1/alert-rules", as: .otherAdmin)
        #expect(other.items.isEmpty)
        #expect(try await harness.call(.get, "/api/v1/alert-rules/\(id)", as: .otherAdmin).status == 404)

        let audit = try await harness.call(.get, "/api/v1/audit?limit=1000", as: .admin)
        let actions = audit.items.compactMap { $0["action"] as? String }
        #expect(actions.contains("alert_rule.create") && actions.contains("alert_rule.update"))

        #expect(try await harness.call(.delete, "/api/v1/alert-rules/\(id)").status == 204)
        #expect(try await harness.call(.get, "/api/v1/alert-rules/\(id)").status == 404)
    }

    @Test("channel secrets and Slack/Teams URLs are write-only; policies and silences check references")
    func channelsPoliciesSilences() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let webhook = try await harness.call(
            .post,
            "/api/v1/alert-channels",
            #"{"name":"ops","type":"webhook","url":"https://hooks.example.net/ops","secret":"\#(APIHarness.channelSecret)"}"#
        )
        #expect(webhook.status == 201, "\(webhook.text)")
        #expect(webhook.json?["secret_set"] as? Bool == true)
        let teams = try await harness.call(
            .post,
            "/api/v1/alert-channels",
            #"{"name":"teams","type":"teams","url":"https://example.webhook.office.com\#(APIHarness.slackPath)"}"#
        )
        #expect(teams.status == 201)
        #expect(teams.json?["url"] as? String == "https://example.webhook.office.com/…")
        for path in [
            "/api/v1/alert-channels", "/api/v1/alert-channels?format=csv",
            "/api/v1/alert-channels/\(webhook.json?["id"] as? Int ?? 0)",
        ] {
            let text = try await harness.call(.get, path, as: .superadmin).text
            #expect(!text.contains(APIHarness.channelSecret) && !text.contains("SECRETslackTOKEN"), "\(path) leaks")
        }
        // Patching without the secret keeps it; "" removes it.
        let webhookID = try #require(webhook.json?["id"] as? Int)
        let kept = try await harness.call(
            .patch,
            "/api/v1/alert-channels/\(webhookID)",
            #"{"subject_template":"{{rule}}"}"#
        )
        #expect(kept.json?["secret_set"] as? Bool == true)
        let stored = try await AlertingCatalog(database: harness.database).load().channels.first { $0.name == "ops" }
        #expect(stored?.secret == APIHarness.channelSecret)
        let removed = try await harness.call(.patch, "/api/v1/alert-channels/\(webhookID)", #"{"secret":""}"#)
        #expect(removed.json?["secret_set"] as? Bool == false)
        for body in [
            #"{"name":"bad","type":"webhook","url":"ftp://example.net/x"}"#,
            #"{"name":"bad","type":"webhook","url":"https://user:pw@example.net/x"}"#,
            #"{"name":"bad","type":"email","recipients":["not an address"]}"#,
            #"{"name":"bad","type":"email"}"#, #"{"name":"bad","type":"pager"}"#,
        ] {
            #expect(try await harness.call(.post, "/api/v1/alert-channels", body).status == 400, "\(body)")
        }

        let policy = try await harness.call(
            .post,
            "/api/v1/alert-policies",
            #"{"name":"oncall","steps":[{"after_ms":0,"channels":["ops"]},{"after_ms":900000,"channels":["ops","teams"]}],"repeat_ms":3600000}"#
        )
        #expect(policy.status == 201, "\(policy.text)")
        #expect((policy.json?["steps"] as? [[String: Any]])?.count == 2)
        #expect(
            try await harness.call(.post, "/api/v1/alert-policies", #"{"name":"p2","steps":[{"channels":["nobody"]}]}"#)
                .status == 400
        )
        let rule = try await harness.call(
            .post,
            "/api/v1/alert-rules",
            #"{"name":"down","kind":"interface_down","policy":"oncall"}"#
        )
        #expect(rule.status == 201)
        // In use: neither the policy nor its channel can go.
        #expect(
            try await harness.call(.delete, "/api/v1/alert-policies/\(policy.json?["id"] as? Int ?? 0)").status == 409
        )
        #expect(try await harness.call(.delete, "/api/v1/alert-channels/\(webhookID)").status == 409)

        let now = AuthService.now()
        let silence = try await harness.call(
            .post,
            "/api/v1/alert-silences",
            #"{"name":"upgrade","device":"core-1","type":"once","start":\#(now),"end":\#(now + 7_200_000),"comment":"router upgrade"}"#
        )
        #expect(silence.status == 201, "\(silence.text)")
        #expect(silence.json?["active"] as? Bool == true && silence.json?["created_by"] as? String == "eddie")
        let ended = try await harness.call(
            .patch,
            "/api/v1/alert-silences/\(silence.json?["id"] as? Int ?? 0)",
            #"{"end":\#(now + 1)}"#
        )
        #expect(ended.status == 200)
        for body in [
            #"{"type":"once","start":10,"end":5}"#,
            #"{"type":"weekly","weekdays":[7],"start_minute":0,"duration_minutes":10}"#,
            #"{"type":"weekly","weekdays":[1],"start_minute":1440,"duration_minutes":10}"#, #"{"type":"monthly"}"#,
        ] {
            #expect(try await harness.call(.post, "/api/v1/alert-silences", body).status == 400, "\(body)")
        }
    }

    @Test("a rule made through the API fires; alerts are listed, acknowledged and silenced through the API")
    func alertsEndToEnd() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let rule = try await harness.call(
            .post,
            "/api/v1/alert-rules",
            #"{"name":"traffic","kind":"threshold","metric":"if_in_octets","aggregate":"last","window_ms":900000,"comparison":">","threshold":10,"severity":"major"}"#
        )
        let ruleID = try #require(rule.json?["id"] as? Int)
        let evaluator = AlertEvaluator(
            database: harness.database,
            configuration: AlertingConfiguration(),
            logger: APIHarness.quietLogger
        )
        let report = try await evaluator.evaluate(now: AuthService.now())
        #expect(report.fired == 1, "\(report)")

        let firing = try await harness.call(.get, "/api/v1/alerts?state=firing&rule_id=\(ruleID)", as: .viewer)
        #expect(firing.status == 200 && firing.items.count == 1, "\(firing.text)")
        let alert = try #require(firing.items.first)
        let alertID = try #require(alert["id"] as? Int)
        #expect(alert["device"] as? String == "core-1" && alert["interface"] as? String == "ge-0/0/1")
        #expect(alert["severity"] as? String == "major" && alert["kind"] as? String == "threshold")
        #expect(alert["acknowledged"] as? Bool == false && alert["active"] as? Bool == true)
        #expect(try await harness.call(.get, "/api/v1/alerts", as: .otherAdmin).items.isEmpty)
        #expect(try await harness.call(.post, "/api/v1/alerts/\(alertID)/acknowledge", as: .viewer, "{}").status == 403)
        #expect(
            try await harness.call(.post, "/api/v1/alerts/\(alertID)/acknowledge", as: .otherAdmin, "{}").status == 404
        )

        let acked = try await harness.call(.post, "/api/v1/alerts/\(alertID)/acknowledge", #"{"comment":"on it"}"#)
        #expect(acked.status == 200)
        #expect(acked.json?["acknowledged"] as? Bool == true && acked.json?["acked_by"] as? String == "eddie")
        #expect(acked.json?["ack_comment"] as? String == "on it")
        let stored = try await AlertStore(database: harness.database).alert(id: Int64(alertID))
        #expect(stored?.ackBy == "eddie")
        let history = try await harness.call(.get, "/api/v1/alerts/\(alertID)/history", as: .viewer)
        #expect(history.items.map { $0["kind"] as? String } == ["fired", "acknowledged"])
        #expect(try await harness.call(.get, "/api/v1/alerts?acknowledged=false&state=active").items.isEmpty)

        let silenced = try await harness.call(.post, "/api/v1/alerts/\(alertID)/silence", #"{"duration":"1h"}"#)
        #expect(silenced.status == 201, "\(silenced.text)")
        #expect(silenced.json?["rule"] as? String == "traffic" && silenced.json?["device"] as? String == "core-1")
        let span = (silenced.json?["end"] as? Int ?? 0) - (silenced.json?["start"] as? Int ?? 0)
        #expect(span == 3_600_000)
        #expect(
            try await harness.call(.post, "/api/v1/alerts/\(alertID)/silence", #"{"duration":"forever"}"#).status == 400
        )
        // The next cycle records the alert as silenced.
        try await evaluator.evaluate(now: AuthService.now())
        #expect(try await harness.call(.get, "/api/v1/alerts/\(alertID)").json?["silenced"] as? Bool == true)

        // CSV holds the same rows; filters and sorts are whitelisted.
        let csv = try await harness.call(.get, "/api/v1/alerts?format=csv&sort=-severity")
        #expect(csv.status == 200 && CSVParsing.rows(csv.text).count == 2)
        #expect(try await harness.call(.get, "/api/v1/alerts?state=burning").status == 400)
        #expect(try await harness.call(.get, "/api/v1/alerts?severity=urgent").status == 400)

        // Disabling the rule through the API takes effect at the next cycle: nothing new fires.
        #expect(try await harness.call(.patch, "/api/v1/alert-rules/\(ruleID)", #"{"enabled":false}"#).status == 200)
        #expect(try await evaluator.evaluate(now: AuthService.now()).rules == 0)
    }

    @Test("a rule created through the API fires at once in a running evaluator (no restart, no interval wait)")
    func runningEvaluatorReloads() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        // An hour between cycles: only the API's nudge can make the evaluator run in time.
        let evaluator = AlertEvaluator(
            database: harness.database,
            configuration: AlertingConfiguration(evaluationInterval: .seconds(3600)),
            logger: APIHarness.quietLogger
        )
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        WebAPIServer.registerAPI(
            .init(
                database: harness.database,
                auth: harness.auth,
                snmp: SNMPConfiguration(),
                http: HTTPConfiguration(),
                onDeviceChange: { _ in },
                onAlertingChange: { evaluator.requestEvaluation() }
            ),
            on: router
        )
        let app = Application(router: router, logger: APIHarness.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await evaluator.run() }
            let status = try await app.test(.router) { client in
                try await client.execute(
                    uri: "/api/v1/alert-rules",
                    method: .post,
                    headers: harness.headers(.editor, json: true),
                    body: ByteBuffer(
                        string:
                            #"{"name":"live","kind":"threshold","metric":"if_in_octets","aggregate":"last","threshold":1}"#
                    )
                ) { $0.status.code }
            }
            #expect(status == 201)
            var firing: [StoredAlert] = []
            for _ in 0..<200 where firing.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                firing = try await AlertStore(database: harness.database).alerts(states: ["firing"])
            }
            #expect(firing.count == 1)
            group.cancelAll()
        }
    }

    @Test("a test notification is recorded in the outbox and its delivery log is readable")
    func testNotification() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let channelID = try await harness.fixtureChannelID()
        let sent = try await harness.call(.post, "/api/v1/alert-channels/\(channelID)/test")
        #expect(sent.status == 202, "\(sent.text)")
        #expect(sent.json?["event"] as? String == "test" && sent.json?["state"] as? String == "pending")
        let notificationID = try #require(sent.json?["id"] as? Int)
        let listed = try await harness.call(.get, "/api/v1/alert-notifications?channel_id=\(channelID)", as: .viewer)
        #expect(listed.items.contains { $0["id"] as? Int == notificationID })
        #expect(try await harness.call(.get, "/api/v1/alert-notifications", as: .otherAdmin).items.isEmpty)
        let logged = try await harness.fixtureNotificationID()
        let deliveries = try await harness.call(.get, "/api/v1/alert-notifications/\(logged)/deliveries", as: .viewer)
        #expect(
            deliveries.items.first?["status"] as? Int == 503 && deliveries.items.first?["outcome"] as? String == "retry"
        )
        #expect(
            try await harness.call(.get, "/api/v1/alert-notifications/\(logged)/deliveries", as: .otherAdmin).status
                == 404
        )
    }

    @Test("SQL metacharacters in alerting filters, sorts and paths get 4xx and change nothing")
    func injection() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        _ = try await harness.fixtureAlertID(1)
        let payloads = [
            "' OR '1'='1", "1; DROP TABLE alerts; --", "1) UNION SELECT password_hash FROM users --", "name,(SELECT 1)",
        ]
        let parameters = [
            "/api/v1/alerts?sort=", "/api/v1/alerts?state=", "/api/v1/alerts?severity=", "/api/v1/alerts?rule_id=",
            "/api/v1/alerts?device_id=", "/api/v1/alerts?from=", "/api/v1/alerts?acknowledged=",
            "/api/v1/alerts?limit=",
            "/api/v1/alert-rules?sort=", "/api/v1/alert-channels?sort=", "/api/v1/alert-policies?offset=",
            "/api/v1/alert-silences?sort=", "/api/v1/alert-notifications?state=", "/api/v1/alert-notifications?sort=",
            "/api/v1/alert-notifications?alert_id=", "/api/v1/alerts/", "/api/v1/alert-rules/",
        ]
        let before = try await ["alerts", "alert_rules", "users"].asyncMap { try await harness.count($0) }
        var failures: [String] = []
        for parameter in parameters {
            for payload in payloads {
                let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let status = try await harness.call(.get, parameter + encoded, as: .superadmin).status
                if !(400..<500).contains(status) { failures.append("\(parameter)\(encoded): \(status)") }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        for payload in payloads {
            let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let reply = try await harness.call(.get, "/api/v1/alerts?q=\(encoded)", as: .superadmin)
            #expect(reply.status == 200 && reply.json?["total"] as? Int == 0, "\(payload)")
        }
        let after = try await ["alerts", "alert_rules", "users"].asyncMap { try await harness.count($0) }
        #expect(before == after)
        // Paging: limit and offset walk the list without overlap.
        _ = try await harness.fixtureAlertID(2)
        let first = try await harness.call(.get, "/api/v1/alerts?limit=1&sort=id")
        let second = try await harness.call(.get, "/api/v1/alerts?limit=1&offset=1&sort=id")
        #expect(first.json?["total"] as? Int == 2 && first.items.count == 1 && second.items.count == 1)
        #expect(first.items.first?["id"] as? Int != second.items.first?["id"] as? Int)
    }
}
