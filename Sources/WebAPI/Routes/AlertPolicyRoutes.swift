import Alerting
import Foundation
import Hummingbird
import Storage

/// `/api/v1/alert-policies`: escalation policies (ordered steps of channels, repeat) per
/// organisation.
struct AlertPolicyRoutes {
    let access: AlertDefinitionAccess

    struct Body: Decodable, Sendable {
        struct Step: Decodable, Sendable {
            var after_ms: Int64?
            var channels: [String]
        }

        var name: String?
        var steps: [Step]?
        var repeat_ms: Int64?
        var organisation_id: Int64?
    }

    func policy(_ body: Body, over base: EscalationPolicy?, organisation: Int64) async throws -> EscalationPolicy {
        guard let name = body.name ?? base?.name else { throw APIError.invalidBody("name is required") }
        var policy = EscalationPolicy(
            id: base?.id,
            name: try AlertValidation.name(name),
            steps: base?.steps ?? [],
            repeatMilliseconds: base?.repeatMilliseconds ?? 0,
            organisationID: organisation
        )
        if let steps = body.steps {
            guard (1...20).contains(steps.count) else { throw APIError.invalidBody("steps: 1 to 20") }
            var known: Set<String> = []
            for step in steps {
                guard (1...20).contains(step.channels.count) else {
                    throw APIError.invalidBody("steps[].channels: 1 to 20 channel names")
                }
                for channel in step.channels where !known.contains(channel) {
                    guard try await self.access.exists(.channel, named: channel, in: organisation) else {
                        throw APIError.invalidBody("steps[].channels: no channel named \(channel) in this organisation")
                    }
                    known.insert(channel)
                }
            }
            policy.steps = try steps.map { step in
                let after = step.after_ms ?? 0
                guard (0...(7 * 86_400_000)).contains(after) else {
                    throw APIError.invalidBody("steps[].after_ms must be 0 to 604800000 (7 days)")
                }
                return EscalationStep(afterMilliseconds: after, channels: step.channels)
            }
        }
        guard !policy.steps.isEmpty else { throw APIError.invalidBody("steps are required") }
        if let repeatInterval = body.repeat_ms {
            guard repeatInterval == 0 || (60_000...(7 * 86_400_000)).contains(repeatInterval) else {
                throw APIError.invalidBody("repeat_ms must be 0 (never) or 60000 to 604800000")
            }
            policy.repeatMilliseconds = repeatInterval
        }
        return policy
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/alert-policies",
            access: .role(.viewer),
            summary: "Escalation policies of your organisation",
            operation: .init(response: "AlertPolicy", list: true, sortFields: AlertDefinitionAccess.sortFields)
        ) { request, context, principal in
            let list = try QueryParameters(request, context).list(sortFields: AlertDefinitionAccess.sortFields)
            let policies = try await self.access.policies(principal!).map {
                (name: $0.value.name, id: $0.stored.id, json: AlertResourceEncoding.policy($0))
            }
            let page = AlertDefinitionAccess.page(policies, request: list)
            return try APIResponse.list(page.items, total: page.total, request: request, name: "alert-policies")
        }
        api.add(
            .post,
            "/api/v1/alert-policies",
            access: .role(.editor),
            action: "alert_policy.create",
            summary: "Create an escalation policy",
            operation: .init(requestBody: "AlertPolicyInput", response: "AlertPolicy", status: 201)
        ) { request, context, principal in
            let body = try await decodeBody(Body.self, from: request, context: context)
            let organisation = try AlertDefinitionAccess.organisation(of: principal!, requested: body.organisation_id)
            let policy = try await self.policy(body, over: nil, organisation: organisation)
            let id = try await self.access.write { try await self.access.catalog.add(policy, now: AuthService.now()) }
            return APIResponse.json(
                AlertResourceEncoding.policy(try await self.access.policy(id, principal!)),
                status: .created
            )
        }
        api.add(
            .get,
            "/api/v1/alert-policies/{id}",
            access: .role(.viewer),
            summary: "One escalation policy",
            operation: .init(response: "AlertPolicy")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            return APIResponse.json(AlertResourceEncoding.policy(try await self.access.policy(id, principal!)))
        }
        api.add(
            .patch,
            "/api/v1/alert-policies/{id}",
            access: .role(.editor),
            action: "alert_policy.update",
            summary: "Change an escalation policy",
            operation: .init(requestBody: "AlertPolicyInput", response: "AlertPolicy")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.access.policy(id, principal!)
            let body = try await decodeBody(Body.self, from: request, context: context)
            let organisation = AlertResourceEncoding.organisation(existing.value.organisationID)
            if let requested = body.organisation_id, requested != organisation {
                throw APIError.invalidBody("a policy cannot move to another organisation")
            }
            if let name = body.name, name != existing.value.name {
                throw APIError.invalidBody("a policy cannot be renamed (rules name it); create a new one")
            }
            let policy = try await self.policy(body, over: existing.value, organisation: organisation)
            guard try await self.access.write({ try await self.access.catalog.update(policy, now: AuthService.now()) })
            else { throw APIError.notFound("no escalation policy \(id)") }
            return APIResponse.json(AlertResourceEncoding.policy(try await self.access.policy(id, principal!)))
        }
        api.add(
            .delete,
            "/api/v1/alert-policies/{id}",
            access: .role(.editor),
            action: "alert_policy.delete",
            summary: "Delete an escalation policy (refused while a rule uses it)",
            operation: .init(response: nil)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.access.policy(id, principal!)
            if let rule = try await self.access.rules(principal!).first(where: {
                $0.value.policy == existing.value.name
            }) {
                throw APIError.conflict("alert rule \(rule.value.name) uses this policy")
            }
            _ = try await self.access.write { try await self.access.catalog.delete(.policy, id: id) }
            return APIResponse.noContent()
        }
    }
}
