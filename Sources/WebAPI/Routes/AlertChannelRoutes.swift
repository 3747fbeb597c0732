import Alerting
import Foundation
import Hummingbird
import Storage

/// `/api/v1/alert-channels`: notification channels (webhook, Slack, Teams, email) per
/// organisation, and "send a test notification". The webhook signing secret is write-only
/// (`secret_set` tells whether one is set); Slack and Teams URLs are shown without their path.
struct AlertChannelRoutes {
    let access: AlertDefinitionAccess
    let alerts: AlertListStore
    let database: NetmonDatabase

    struct Body: Decodable, Sendable {
        var name: String?
        var type: String?
        var url: String?
        /// Webhook HMAC key; "" removes it.
        var secret: String?
        var recipients: [String]?
        var subject_template: String?
        var body_template: String?
        var organisation_id: Int64?
    }

    static let types = AlertChannel.Kind.allCases.map(\.rawValue)

    static func url(_ text: String) throws -> String {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else {
            throw APIError.invalidBody(
                "url must be an http or https URL with a host (no user info), at most 2048 bytes"
            )
        }
        return text
    }

    static func recipient(_ text: String) throws -> String {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            text.unicodeScalars.allSatisfy({
                $0.isASCII && $0.value > 32 && $0.value < 127 && !"<>,;\"\\".unicodeScalars.contains($0)
            })
        else { throw APIError.invalidBody("recipients: \(text.prefix(64)) is not an email address") }
        return text
    }

    /// The channel `body` describes over `base` (nil for a new one), validated.
    func channel(_ body: Body, over base: AlertChannel?, organisation: Int64) throws -> AlertChannel {
        guard let name = body.name ?? base?.name else { throw APIError.invalidBody("name is required") }
        guard let typeText = body.type ?? base?.kind.rawValue else { throw APIError.invalidBody("type is required") }
        guard let kind = AlertChannel.Kind(rawValue: typeText) else {
            throw APIError.invalidBody("type must be one of \(Self.types.joined(separator: ", "))")
        }
        var channel = AlertChannel(
            id: base?.id,
            name: try AlertValidation.name(name),
            kind: kind,
            url: base?.url ?? "",
            secret: base?.secret,
            recipients: base?.recipients ?? [],
            subjectTemplate: base?.subjectTemplate ?? "",
            bodyTemplate: base?.bodyTemplate ?? "",
            organisationID: organisation
        )
        if let url = body.url { channel.url = try Self.url(url) }
        if let secret = body.secret {
            guard secret.utf8.count <= 256 else { throw APIError.invalidBody("secret: at most 256 bytes") }
            channel.secret = secret.isEmpty ? nil : secret
        }
        if let recipients = body.recipients {
            guard recipients.count <= 50 else { throw APIError.invalidBody("recipients: at most 50") }
            channel.recipients = try recipients.map(Self.recipient)
        }
        for (field, text) in [("subject_template", body.subject_template), ("body_template", body.body_template)] {
            if let text, text.utf8.count > 16_384 { throw APIError.invalidBody("\(field): at most 16 KiB") }
        }
        if let subject = body.subject_template { channel.subjectTemplate = subject }
        if let text = body.body_template { channel.bodyTemplate = text }
        switch kind {
        case .webhook, .slack, .teams:
            guard !channel.url.isEmpty else { throw APIError.invalidBody("url is required for \(kind.rawValue)") }
        case .email:
            guard !channel.recipients.isEmpty else { throw APIError.invalidBody("recipients are required for email") }
        }
        return channel
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/alert-channels",
            access: .role(.viewer),
            summary: "Notification channels of your organisation (secrets are never shown)",
            operation: .init(response: "AlertChannel", list: true, sortFields: AlertDefinitionAccess.sortFields)
        ) { request, context, principal in
            let list = try QueryParameters(request, context).list(sortFields: AlertDefinitionAccess.sortFields)
            let channels = try await self.access.channels(principal!).map {
                (name: $0.value.name, id: $0.stored.id, json: AlertResourceEncoding.channel($0))
            }
            let page = AlertDefinitionAccess.page(channels, request: list)
            return try APIResponse.list(page.items, total: page.total, request: request, name: "alert-channels")
        }
        api.add(
            .post,
            "/api/v1/alert-channels",
            access: .role(.editor),
            action: "alert_channel.create",
            summary: "Create a notification channel",
            operation: .init(requestBody: "AlertChannelInput", response: "AlertChannel", status: 201)
        ) { request, context, principal in
            let body = try await decodeBody(Body.self, from: request, context: context)
            let organisation = try AlertDefinitionAccess.organisation(of: principal!, requested: body.organisation_id)
            let channel = try self.channel(body, over: nil, organisation: organisation)
            let id = try await self.access.write { try await self.access.catalog.add(channel, now: AuthService.now()) }
            return APIResponse.json(
                AlertResourceEncoding.channel(try await self.access.channel(id, principal!)),
                status: .created
            )
        }
        api.add(
            .get,
            "/api/v1/alert-channels/{id}",
            access: .role(.viewer),
            summary: "One notification channel",
            operation: .init(response: "AlertChannel")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            return APIResponse.json(AlertResourceEncoding.channel(try await self.access.channel(id, principal!)))
        }
        api.add(
            .patch,
            "/api/v1/alert-channels/{id}",
            access: .role(.editor),
            action: "alert_channel.update",
            summary: "Change a notification channel (omitted fields, the secret included, are kept)",
            operation: .init(requestBody: "AlertChannelInput", response: "AlertChannel")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.access.channel(id, principal!)
            let body = try await decodeBody(Body.self, from: request, context: context)
            let organisation = AlertResourceEncoding.organisation(existing.value.organisationID)
            if let requested = body.organisation_id, requested != organisation {
                throw APIError.invalidBody("a channel cannot move to another organisation")
            }
            if let name = body.name, name != existing.value.name {
                throw APIError.invalidBody("a channel cannot be renamed (policies name it); create a new one")
            }
            let channel = try self.channel(body, over: existing.value, organisation: organisation)
            guard try await self.access.write({ try await self.access.catalog.update(channel, now: AuthService.now()) })
            else { throw APIError.notFound("no alert channel \(id)") }
            return APIResponse.json(AlertResourceEncoding.channel(try await self.access.channel(id, principal!)))
        }
        api.add(
            .delete,
            "/api/v1/alert-channels/{id}",
            access: .role(.editor),
            action: "alert_channel.delete",
            summary: "Delete a notification channel",
            operation: .init(response: nil)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.access.channel(id, principal!)
            let used = try await self.access.policies(principal!).filter {
                $0.value.steps.contains { $0.channels.contains(existing.value.name) }
            }
            if let policy = used.first {
                throw APIError.conflict("escalation policy \(policy.value.name) notifies this channel")
            }
            _ = try await self.access.write { try await self.access.catalog.delete(.channel, id: id) }
            return APIResponse.noContent()
        }
        api.add(
            .post,
            "/api/v1/alert-channels/{id}/test",
            access: .role(.editor),
            action: "alert_channel.test",
            summary: "Send a test notification through the channel (its delivery log shows the outcome)",
            operation: .init(response: "AlertNotification", status: 202)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.access.channel(id, principal!)
            let organisation = AlertResourceEncoding.organisation(existing.value.organisationID)
            guard
                let key = try await TestNotification.send(
                    channelID: id,
                    database: self.database,
                    now: AuthService.now()
                ),
                let notification = try await self.alerts.notification(idempotencyKey: key, organisationID: organisation)
            else { throw APIError.notFound("no alert channel \(id)") }
            return APIResponse.json(AlertResourceEncoding.notification(notification), status: .accepted)
        }
    }
}
