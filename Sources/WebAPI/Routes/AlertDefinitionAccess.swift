import Alerting
import Foundation
import Storage

/// Organisation-scoped reads of alerting definitions for the routes: a caller sees the
/// definitions of its organisation (a superadmin every one); another organisation's definition
/// is a 404, as for devices.
struct AlertDefinitionAccess: Sendable {
    let catalog: AlertingCatalog
    /// Called after every change of a definition or an alert (the daemon re-evaluates at once).
    let onChange: @Sendable () -> Void

    static func organisation(of principal: Principal, requested: Int64?) throws -> Int64 {
        let organisation = requested ?? principal.user.organisation.id
        guard principal.canSee(organisationID: organisation) else {
            throw APIError.forbidden("only a superadmin manages other organisations' alerting")
        }
        return organisation
    }

    func rules(_ principal: Principal) async throws -> [AlertingCatalog.Entry<AlertRule>] {
        try await self.catalog.entries(.rule, as: AlertRule.self) { $0.id = $1 }.filter {
            principal.canSee(organisationID: AlertResourceEncoding.organisation($0.value.organisationID))
        }
    }

    func rule(_ id: Int64, _ principal: Principal) async throws -> AlertingCatalog.Entry<AlertRule> {
        guard let entry = try await self.catalog.entry(.rule, id: id, as: AlertRule.self, setID: { $0.id = $1 }),
            principal.canSee(organisationID: AlertResourceEncoding.organisation(entry.value.organisationID))
        else { throw APIError.notFound("no alert rule \(id)") }
        return entry
    }

    func channels(_ principal: Principal) async throws -> [AlertingCatalog.Entry<AlertChannel>] {
        try await self.catalog.entries(.channel, as: AlertChannel.self) { $0.id = $1 }.filter {
            principal.canSee(organisationID: AlertResourceEncoding.organisation($0.value.organisationID))
        }
    }

    func channel(_ id: Int64, _ principal: Principal) async throws -> AlertingCatalog.Entry<AlertChannel> {
        guard let entry = try await self.catalog.entry(.channel, id: id, as: AlertChannel.self, setID: { $0.id = $1 }),
            principal.canSee(organisationID: AlertResourceEncoding.organisation(entry.value.organisationID))
        else { throw APIError.notFound("no alert channel \(id)") }
        return entry
    }

    func policies(_ principal: Principal) async throws -> [AlertingCatalog.Entry<EscalationPolicy>] {
        try await self.catalog.entries(.policy, as: EscalationPolicy.self) { $0.id = $1 }.filter {
            principal.canSee(organisationID: AlertResourceEncoding.organisation($0.value.organisationID))
        }
    }

    func policy(_ id: Int64, _ principal: Principal) async throws -> AlertingCatalog.Entry<EscalationPolicy> {
        guard
            let entry = try await self.catalog.entry(.policy, id: id, as: EscalationPolicy.self, setID: { $0.id = $1 }),
            principal.canSee(organisationID: AlertResourceEncoding.organisation(entry.value.organisationID))
        else { throw APIError.notFound("no escalation policy \(id)") }
        return entry
    }

    func silences(_ principal: Principal) async throws -> [AlertingCatalog.Entry<Silence>] {
        try await self.catalog.entries(.silence, as: Silence.self) { $0.id = $1 }.filter {
            principal.canSee(organisationID: AlertResourceEncoding.organisation($0.value.organisationID))
        }
    }

    func silence(_ id: Int64, _ principal: Principal) async throws -> AlertingCatalog.Entry<Silence> {
        guard let entry = try await self.catalog.entry(.silence, id: id, as: Silence.self, setID: { $0.id = $1 }),
            principal.canSee(organisationID: AlertResourceEncoding.organisation(entry.value.organisationID))
        else { throw APIError.notFound("no silence \(id)") }
        return entry
    }

    /// Whether a definition named `name` of `kind` exists in `organisation`.
    func exists(_ kind: AlertDefinitionKind, named name: String, in organisation: Int64) async throws -> Bool {
        struct Owner: Decodable, Sendable { var organisationID: Int64? }
        return try await self.catalog.entries(kind, as: Owner.self) { _, _ in }.contains {
            $0.stored.name == name && AlertResourceEncoding.organisation($0.value.organisationID) == organisation
        }
    }

    /// Runs a store write, turning a taken name into 409.
    func write<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            self.onChange()
            return result
        } catch let error as StoreConflictError {
            throw APIError.conflict(error.message)
        }
    }

    /// Sort fields of the definition lists.
    static let sortFields = ["id", "name", "created_at", "updated_at"]

    /// A text that sorts like `value` (integers zero-padded).
    static func sortText(_ value: JSONValue?) -> String {
        switch value {
        case .int(let number): String(repeating: "0", count: max(0, 20 - String(number).count)) + String(number)
        case .string(let text): text.lowercased()
        case .bool(let flag): flag ? "1" : "0"
        default: ""
        }
    }

    /// A list answer over already filtered items: `q` (name substring), sort on a whitelisted
    /// field (``sortFields``), paging.
    static func page(
        _ items: [(name: String, id: Int64, json: JSONValue)],
        request: ListRequest
    ) -> (items: [JSONValue], total: Int) {
        var selected = items
        if let search = request.search?.lowercased(), !search.isEmpty {
            selected = selected.filter { $0.name.lowercased().contains(search) }
        }
        if let sort = request.sort {
            selected.sort { a, b in
                let (x, y) = (Self.sortText(a.json[sort]), Self.sortText(b.json[sort]))
                return x == y ? a.id < b.id : x < y
            }
        } else {
            selected.sort { $0.name == $1.name ? $0.id < $1.id : $0.name < $1.name }
        }
        if request.descending { selected.reverse() }
        let total = selected.count
        let page = selected.dropFirst(request.offset).prefix(request.limit).map(\.json)
        return (Array(page), total)
    }
}
