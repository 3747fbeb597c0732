import Alerting
import Foundation
import Hummingbird
import Storage

/// `/api/v1/alert-rules`: CRUD of alert rules, per organisation. Viewers read, editors write;
/// every change is audited and reaches the evaluator at once (it re-reads rules each cycle and
/// is asked for a cycle now).
struct AlertRuleRoutes {
    let access: AlertDefinitionAccess

    /// The rule `body` describes over `base` (nil for a new rule), validated. With `kind` in the
    /// body the condition is rebuilt from the body alone; without, the body's condition fields
    /// change those of `base`.
    func rule(_ body: AlertRuleBody, over base: AlertRule?, organisation: Int64) async throws -> AlertRule {
        let fields =
            base.map { body.fields.kind == nil ? AlertRuleFields($0.condition).overlaid(by: body.fields) : body.fields }
            ?? body.fields
        guard let name = body.name ?? base?.name else { throw APIError.invalidBody("name is required") }
        var rule = AlertRule(
            id: base?.id,
            name: try AlertValidation.name(name),
            condition: try fields.condition(),
            scope: base?.scope ?? .all,
            severity: base?.severity ?? .warning,
            forMilliseconds: base?.forMilliseconds ?? 0,
            policy: base?.policy,
            enabled: body.enabled ?? base?.enabled ?? true,
            organisationID: organisation
        )
        if let severity = body.severity {
            guard let parsed = Severity(rawValue: severity) else {
                throw APIError.invalidBody(
                    "severity must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            rule.severity = parsed
        }
        if let forMilliseconds = body.for_ms {
            guard (0...(7 * 86_400_000)).contains(forMilliseconds) else {
                throw APIError.invalidBody("for_ms must be 0 to 604800000 (7 days)")
            }
            rule.forMilliseconds = forMilliseconds
        }
        if let scope = body.scope {
            rule.scope.tag = try AlertValidation.optionalText(scope.tag, field: "scope.tag", current: rule.scope.tag)
            rule.scope.device = try AlertValidation.optionalText(
                scope.device,
                field: "scope.device",
                current: rule.scope.device
            )
            rule.scope.interfacePattern = try AlertValidation.optionalText(
                scope.interface,
                field: "scope.interface",
                current: rule.scope.interfacePattern
            )
        }
        if let policy = body.policy {
            if policy.isEmpty {
                rule.policy = nil
            } else {
                guard try await self.access.exists(.policy, named: policy, in: organisation) else {
                    throw APIError.invalidBody("policy: no escalation policy named \(policy) in this organisation")
                }
                rule.policy = policy
            }
        }
        return rule
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/alert-rules",
            access: .role(.viewer),
            summary: "Alert rules of your organisation",
            operation: .init(response: "AlertRule", list: true, sortFields: AlertDefinitionAccess.sortFields)
        ) { request, context, principal in
            let list = try QueryParameters(request, context).list(sortFields: AlertDefinitionAccess.sortFields)
            let rules = try await self.access.rules(principal!).map {
                (name: $0.value.name, id: $0.stored.id, json: AlertResourceEncoding.rule($0))
            }
            let page = AlertDefinitionAccess.page(rules, request: list)
            return try APIResponse.list(page.items, total: page.total, request: request, name: "alert-rules")
        }
        api.add(
            .post,
            "/api/v1/alert-rules",
            access: .role(.editor),
            action: "alert_rule.create",
            summary: "Create an alert rule; the evaluator applies it at once",
            operation: .init(requestBody: "AlertRuleInput", response: "AlertRule", status: 201)
        ) { request, context, principal in
            let body = try await decodeBody(AlertRuleBody.self, from: request, context: context)
            let organisation = try AlertDefinitionAccess.organisation(of: principal!, requested: body.organisation_id)
            let rule = try await self.rule(body, over: nil, organisation: organisation)
            let id = try await self.access.write { try await self.access.catalog.add(rule, now: AuthService.now()) }
            return APIResponse.json(
                AlertResourceEncoding.rule(try await self.access.rule(id, principal!)),
                status: .created
            )
        }
        api.add(
            .get,
            "/api/v1/alert-rules/{id}",
            access: .role(.viewer),
            summary: "One alert rule",
            operation: .init(response: "AlertRule")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            return APIResponse.json(AlertResourceEncoding.rule(try await self.access.rule(id, principal!)))
        }
        api.add(
            .patch,
            "/api/v1/alert-rules/{id}",
            access: .role(.editor),
            action: "alert_rule.update",
            summary: "Change an alert rule (enable, disable, thresholds...); applied at once",
            operation: .init(requestBody: "AlertRuleInput", response: "AlertRule")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let existing = try await self.access.rule(id, principal!)
            let body = try await decodeBody(AlertRuleBody.self, from: request, context: context)
            let organisation = AlertResourceEncoding.organisation(existing.value.organisationID)
            if let requested = body.organisation_id, requested != organisation {
                throw APIError.invalidBody("a rule cannot move to another organisation")
            }
            let rule = try await self.rule(body, over: existing.value, organisation: organisation)
            guard try await self.access.write({ try await self.access.catalog.update(rule, now: AuthService.now()) })
            else { throw APIError.notFound("no alert rule \(id)") }
            return APIResponse.json(AlertResourceEncoding.rule(try await self.access.rule(id, principal!)))
        }
        api.add(
            .delete,
            "/api/v1/alert-rules/{id}",
            access: .role(.editor),
            action: "alert_rule.delete",
            summary: "Delete an alert rule with its alerts",
            operation: .init(response: nil)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            _ = try await self.access.rule(id, principal!)
            _ = try await self.access.write { try await self.access.catalog.delete(.rule, id: id) }
            return APIResponse.noContent()
        }
    }
}
