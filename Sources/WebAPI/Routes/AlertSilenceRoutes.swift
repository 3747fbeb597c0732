import Alerting
import Foundation
import Hummingbird
import NetmonCore
import Storage

/// `/api/v1/alert-silences`: silences and maintenance windows (one-off or weekly) by device, tag
/// and/or rule, per organisation. Alerts inside them are recorded but not notified.
struct AlertSilenceRoutes {
    let access: AlertDefinitionAccess

    struct Body: Decodable, Sendable {
        var name: String?
        var device: String?
        var tag: String?
        var rule: String?
        var comment: String?
        /// `once` (start, end) or `weekly` (weekdays, start_minute, duration_minutes).
        var type: String?
        var start: Int64?
        var end: Int64?
        var weekdays: [Int]?
        var start_minute: Int?
        var duration_minutes: Int?
        var organisation_id: Int64?
    }

    static func schedule(_ body: Body, over base: SilenceSchedule?) throws -> SilenceSchedule {
        var type = body.type
        if type == nil, let base {
            switch base {
            case .once: type = "once"
            case .weekly: type = "weekly"
            }
        }
        switch type {
        case "once":
            var baseStart: Int64?
            var baseEnd: Int64?
            if case .once(let s, let e) = base {
                (baseStart, baseEnd) = (s, e)
            }
            let start = body.start ?? baseStart ?? AuthService.now()
            guard let end = body.end ?? baseEnd else {
                throw APIError.invalidBody("end is required for a once silence")
            }
            guard start >= 0, end > start, end - start <= 366 * 86_400_000 else {
                throw APIError.invalidBody("end must be after start, at most 366 days later")
            }
            return .once(start: start, end: end)
        case "weekly":
            var weekdays: Set<Int> = []
            var startMinute: Int?
            var duration: Int?
            if case .weekly(let w, let s, let d) = base {
                (weekdays, startMinute, duration) = (w, s, d)
            }
            if let days = body.weekdays { weekdays = Set(days) }
            guard !weekdays.isEmpty, weekdays.allSatisfy({ (0...6).contains($0) }) else {
                throw APIError.invalidBody("weekdays: one or more of 0 (Sunday) to 6 (Saturday)")
            }
            guard let minute = body.start_minute ?? startMinute, (0...1439).contains(minute) else {
                throw APIError.invalidBody("start_minute must be 0 to 1439 (minutes after UTC midnight)")
            }
            guard let minutes = body.duration_minutes ?? duration, (1...10_080).contains(minutes) else {
                throw APIError.invalidBody("duration_minutes must be 1 to 10080")
            }
            return .weekly(weekdays: weekdays, startMinute: minute, durationMinutes: minutes)
        default:
            throw APIError.invalidBody("type must be once or weekly")
        }
    }

    /// The silence `body` describes over `base`, validated; returns it with its name.
    func silence(
        _ body: Body,
        over base: AlertingCatalog.Entry<Silence>?,
        organisation: Int64,
        actor: String
    ) throws -> (Silence, String) {
        let name = try AlertValidation.name(
            body.name ?? base?.stored.name ?? "silence \(AuthService.now())-\(UUID().uuidString.prefix(6))"
        )
        var silence = Silence(
            id: base?.stored.id,
            device: try AlertValidation.optionalText(body.device, field: "device", current: base?.value.device),
            tag: try AlertValidation.optionalText(body.tag, field: "tag", current: base?.value.tag),
            rule: try AlertValidation.optionalText(body.rule, field: "rule", current: base?.value.rule),
            schedule: try Self.schedule(body, over: base?.value.schedule),
            comment: base?.value.comment ?? "",
            organisationID: organisation,
            createdBy: base?.value.createdBy ?? actor
        )
        if let comment = body.comment {
            guard comment.count <= 1000 else { throw APIError.invalidBody("comment: at most 1000 characters") }
            silence.comment = comment
        }
        return (silence, name)
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/alert-silences",
            access: .role(.viewer),
            summary: "Silences and maintenance windows of your organisation",
            operation: .init(response: "AlertSilence", list: true, sortFields: AlertDefinitionAccess.sortFields)
        ) { request, context, principal in
            let list = try QueryParameters(request, context).list(sortFields: AlertDefinitionAccess.sortFields)
            let now = AuthService.now()
            let silences = try await self.access.silences(principal!).map {
                (name: $0.stored.name, id: $0.stored.id, json: AlertResourceEncoding.silence($0, now: now))
            }
            let page = AlertDefinitionAccess.page(silences, request: list)
            return try APIResponse.list(page.items, total: page.total, request: request, name: "alert-silences")
        }
        api.add(
            .post,
            "/api/v1/alert-silences",
            access: .role(.editor),
            action: "alert_silence.create",
            summary: "Create a silence or maintenance window",
            operation: .init(requestBody: "AlertSilenceInput", response: "AlertSilence", status: 201)
        ) { request, context, principal in
            let body = try await decodeBody(Body.self, from: request, context: context)
            let organisation = try AlertDefinitionAccess.organisation(of: principal!, requested: body.organisation_id)
            let (silence, name) = try self.silence(
                body,
                over: nil,
                organisation: organisation,
                actor: principal!.user.username
            )
            let id = try await self.access.write {
                try await self.access.catalog.add(silence, name: name, now: AuthService.now())
            }
            return APIResponse.json(
                AlertResourceEncoding.silence(try await self.access.silence(id, principal!), now: AuthService.now()),
                status: .created
            )
        }
        api.add(
            .get,
            "/api/v1/alert-silences/{id}",
            access: .role(.viewer),
            summary: "One silence",
            operation: .init(response: "AlertSilence")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            return APIResponse.json(
                AlertResourceEncoding.silence(try await self.access.silence(id, principal!), now: AuthService.now())
            )
        }
        api.add(
            .patch,
            "/api/v1/alert-silences/{id}",
            access: .role(.editor),
            action: "alert_silence.update",
            summary: "Change a silence (e.g. end it early)",
            operation: .init(requestBody: "AlertSilenceInput", response: "AlertSilence")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.access.silence(id, principal!)
            let body = try await decodeBody(Body.self, from: request, context: context)
            let organisation = AlertResourceEncoding.organisation(existing.value.organisationID)
            if let requested = body.organisation_id, requested != organisation {
                throw APIError.invalidBody("a silence cannot move to another organisation")
            }
            let (silence, name) = try self.silence(
                body,
                over: existing,
                organisation: organisation,
                actor: principal!.user.username
            )
            guard
                try await self.access.write({
                    try await self.access.catalog.update(silence, name: name, now: AuthService.now())
                })
            else { throw APIError.notFound("no silence \(id)") }
            return APIResponse.json(
                AlertResourceEncoding.silence(try await self.access.silence(id, principal!), now: AuthService.now())
            )
        }
        api.add(
            .delete,
            "/api/v1/alert-silences/{id}",
            access: .role(.editor),
            action: "alert_silence.delete",
            summary: "Delete a silence; silenced firing alerts are notified at the next evaluation",
            operation: .init(response: nil)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            _ = try await self.access.silence(id, principal!)
            _ = try await self.access.write { try await self.access.catalog.delete(.silence, id: id) }
            return APIResponse.noContent()
        }
    }
}
