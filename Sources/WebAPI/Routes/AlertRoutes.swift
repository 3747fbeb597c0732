import Alerting
import Foundation
import Hummingbird
import NetmonCore
import Storage

/// `/api/v1/alerts` (active and past alerts, acknowledge, unacknowledge, silence, history) and
/// `/api/v1/alert-notifications` (the outbox and each notification's delivery log), per
/// organisation.
struct AlertRoutes {
    let access: AlertDefinitionAccess
    let list: AlertListStore
    let store: AlertStore

    static let states = ["ok", "pending", "firing", "resolved"]
    static let notificationStates = ["pending", "delivered", "dead"]

    struct CommentBody: Decodable, Sendable {
        var comment: String?
    }

    struct SilenceBody: Decodable, Sendable {
        /// How long: `30m`, `1h`, `2h30m`, `1d`.
        var duration: String?
        var comment: String?
    }

    static func comment(_ text: String?) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.count <= 1000 else { throw APIError.invalidBody("comment: at most 1000 characters") }
        return text
    }

    /// The body of an optional-body request (`{}`, or none at all).
    static func optionalBody<T: Decodable>(
        _ type: T.Type,
        _ request: Request,
        _ context: APIRequestContext,
        empty: T
    )
        async throws -> T
    {
        if let length = request.headers[.contentLength], length == "0" { return empty }
        if request.headers[.contentType] == nil && request.headers[.contentLength] == nil { return empty }
        return try await decodeBody(type, from: request, context: context)
    }

    func filter(_ query: QueryParameters, _ principal: Principal) throws -> AlertFilter {
        var filter = AlertFilter()
        filter.organisationID = principal.organisationScope
        if let text = try query.string("state", maxLength: 64) {
            let states = text == "active" ? ["pending", "firing"] : text.split(separator: ",").map(String.init)
            guard !states.isEmpty, states.allSatisfy(Self.states.contains) else {
                throw APIError.invalidParameter(
                    "state",
                    "a comma-separated list of \(Self.states.joined(separator: ", ")), or active"
                )
            }
            filter.states = states
        }
        if let severity = try query.string("severity", maxLength: 16) {
            guard Severity(rawValue: severity) != nil else {
                throw APIError.invalidParameter(
                    "severity",
                    "one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            filter.severity = severity
        }
        filter.ruleID = try query.int("rule_id", in: 1...Int64.max)
        filter.deviceID = try query.int("device_id", in: 1...Int64.max)
        if let text = try query.string("acknowledged", maxLength: 5) {
            guard text == "true" || text == "false" else {
                throw APIError.invalidParameter("acknowledged", "must be true or false")
            }
            filter.acknowledged = text == "true"
        }
        filter.from = try query.time("from")
        filter.to = try query.time("to")
        if let from = filter.from, let to = filter.to, from >= to {
            throw APIError.invalidParameter("from", "must be before to")
        }
        return filter
    }

    private func visible(_ id: Int64, _ principal: Principal) async throws -> ListedAlert {
        guard let alert = try await self.list.alert(id: id, organisationID: principal.organisationScope) else {
            throw APIError.notFound("no alert \(id)")
        }
        return alert
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/alerts",
            access: .role(.viewer),
            summary: "Alerts: active (pending, firing) and past (resolved), newest change first",
            operation: .init(
                parameters: [
                    .string("state", "comma-separated: ok, pending, firing, resolved; or active (default: all but ok)"),
                    .enumeration("severity", Severity.allCases.map(\.rawValue)),
                    .integer("rule_id", "only this rule's alerts"), .integer("device_id", "only this device's alerts"),
                    .enumeration("acknowledged", ["true", "false"]),
                    .string("from", "changed at or after (epoch ms or RFC 3339); active alerts always match"),
                    .string("to", "started at or before (epoch ms or RFC 3339)"),
                ],
                response: "Alert",
                list: true,
                sortFields: AlertListStore.alertSortFields.keys.sorted()
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let page = try query.list(sortFields: AlertListStore.alertSortFields.keys)
            let result = try await self.list.alerts(filter: try self.filter(query, principal!), list: page)
            return try APIResponse.list(
                result.items.map(AlertResourceEncoding.alert),
                total: result.total,
                request: request,
                name: "alerts"
            )
        }
        api.add(
            .get,
            "/api/v1/alerts/{id}",
            access: .role(.viewer),
            summary: "One alert",
            operation: .init(response: "Alert")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            return APIResponse.json(AlertResourceEncoding.alert(try await self.visible(id, principal!)))
        }
        api.add(
            .get,
            "/api/v1/alerts/{id}/history",
            access: .role(.viewer),
            summary: "What happened to an alert (fired, resolved, acknowledged...), oldest first",
            operation: .init(response: "AlertHistoryEntry", list: true)
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let id = try query.id("id")
            let page = try query.list(sortFields: [String]())
            _ = try await self.visible(id, principal!)
            var entries = try await self.store.history(alertID: id)
            if let search = page.search?.lowercased(), !search.isEmpty {
                entries = entries.filter {
                    $0.kind.lowercased().contains(search) || ($0.comment ?? "").lowercased().contains(search)
                }
            }
            let items = entries.dropFirst(page.offset).prefix(page.limit).map(AlertResourceEncoding.history)
            return try APIResponse.list(Array(items), total: entries.count, request: request, name: "alert-history")
        }
        for (verb, acknowledged) in [("acknowledge", true), ("unacknowledge", false)] {
            api.add(
                .post,
                "/api/v1/alerts/{id}/\(verb)",
                access: .role(.editor),
                action: "alert.\(verb)",
                summary: acknowledged
                    ? "Acknowledge an alert (stops its escalation), with an optional comment"
                    : "Withdraw an acknowledgement (escalation resumes)",
                operation: .init(requestBody: "AlertComment", response: "Alert")
            ) { request, context, principal in
                let id = try QueryParameters(request, context).id("id")
                let alert = try await self.visible(id, principal!)
                let body = try await Self.optionalBody(CommentBody.self, request, context, empty: CommentBody())
                let comment = try Self.comment(body.comment)
                if acknowledged {
                    guard alert.alert.state == "pending" || alert.alert.state == "firing" else {
                        throw APIError.conflict(
                            "alert \(id) is \(alert.alert.state): only active alerts are acknowledged"
                        )
                    }
                    try await self.store.acknowledge(
                        id: id,
                        by: principal!.user.username,
                        comment: comment,
                        now: AuthService.now()
                    )
                } else {
                    guard alert.alert.ackedAt != nil else {
                        throw APIError.conflict("alert \(id) is not acknowledged")
                    }
                    try await self.store.unacknowledge(
                        id: id,
                        by: principal!.user.username,
                        comment: comment,
                        now: AuthService.now()
                    )
                }
                self.access.onChange()
                return APIResponse.json(AlertResourceEncoding.alert(try await self.visible(id, principal!)))
            }
        }
        api.add(
            .post,
            "/api/v1/alerts/{id}/silence",
            access: .role(.editor),
            action: "alert.silence",
            summary: "Silence an alert's rule on its device for a duration (creates a silence)",
            operation: .init(requestBody: "AlertSilenceRequest", response: "AlertSilence", status: 201)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let alert = try await self.visible(id, principal!)
            let body = try await decodeBody(SilenceBody.self, from: request, context: context)
            guard let text = body.duration, let duration = ConfigParsers.duration(text),
                (60_000...(31 * 86_400_000)).contains(duration.wholeMilliseconds)
            else { throw APIError.invalidBody("duration must be like 30m, 1h or 1d, from 1 minute to 31 days") }
            let now = AuthService.now()
            let silence = Silence(
                device: alert.deviceName,
                rule: alert.ruleName,
                schedule: .once(start: now, end: now + duration.wholeMilliseconds),
                comment: try Self.comment(body.comment) ?? "silenced from alert \(id)",
                organisationID: alert.organisationID,
                createdBy: principal!.user.username
            )
            let name = "alert \(id) until \(now + duration.wholeMilliseconds)-\(UUID().uuidString.prefix(6))"
            let silenceID = try await self.access.write {
                try await self.access.catalog.add(silence, name: name, now: now)
            }
            return APIResponse.json(
                AlertResourceEncoding.silence(try await self.access.silence(silenceID, principal!), now: now),
                status: .created
            )
        }
        self.registerNotifications(on: api)
    }

    private func registerNotifications(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/alert-notifications",
            access: .role(.viewer),
            summary: "Notifications (the outbox): what was sent or is being sent, newest first",
            operation: .init(
                parameters: [
                    .integer("alert_id", "only this alert's notifications"),
                    .integer("channel_id", "only this channel's notifications"),
                    .enumeration("state", Self.notificationStates),
                ],
                response: "AlertNotification",
                list: true,
                sortFields: AlertListStore.notificationSortFields.keys.sorted()
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let page = try query.list(sortFields: AlertListStore.notificationSortFields.keys)
            let state = try query.string("state", maxLength: 16)
            if let state, !Self.notificationStates.contains(state) {
                throw APIError.invalidParameter("state", "one of \(Self.notificationStates.joined(separator: ", "))")
            }
            let result = try await self.list.notifications(
                organisationID: principal!.organisationScope,
                alertID: try query.int("alert_id", in: 1...Int64.max),
                channelID: try query.int("channel_id", in: 1...Int64.max),
                state: state,
                list: page
            )
            return try APIResponse.list(
                result.items.map(AlertResourceEncoding.notification),
                total: result.total,
                request: request,
                name: "alert-notifications"
            )
        }
        api.add(
            .get,
            "/api/v1/alert-notifications/{id}/deliveries",
            access: .role(.viewer),
            summary: "The delivery log of a notification: every attempt with its outcome",
            operation: .init(response: "AlertDelivery", list: true)
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let id = try query.id("id")
            let page = try query.list(sortFields: [String]())
            guard try await self.list.notification(id: id, organisationID: principal!.organisationScope) != nil else {
                throw APIError.notFound("no notification \(id)")
            }
            let attempts = try await self.store.deliveries(outboxID: id)
            let items = attempts.dropFirst(page.offset).prefix(page.limit).map(AlertResourceEncoding.delivery)
            return try APIResponse.list(Array(items), total: attempts.count, request: request, name: "alert-deliveries")
        }
    }
}
