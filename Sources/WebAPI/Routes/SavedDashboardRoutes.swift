import Foundation
import Hummingbird
import Storage

/// `/api/v1/dashboards`: saved dashboards (named, ordered panels of series charts and flow
/// top-N tables), and `/api/v1/series/catalog`, the series search their editor uses. Not to be
/// confused with ``DashboardRoutes``, which serves the HTML application.
///
/// Who may do what (every route needs a session or key of any role):
/// - everyone sees their own dashboards and the shared ones of their organisation (a
///   superadmin: of every organisation); private dashboards are private even from admins, and
///   every dashboard of another organisation answers 404;
/// - everyone may create, change and delete their own private dashboards;
/// - sharing one, or changing or deleting a shared one, needs the editor role and ownership, or
///   the admin role in its organisation; only the owner makes a shared dashboard private again.
struct SavedDashboardRoutes {
    let dashboards: DashboardStore
    let telemetry: TelemetryStore
    let catalog: SeriesCatalog

    /// Why `principal` may not write `dashboard` (its current state), or nil when it may.
    static func writeRefusal(_ dashboard: SavedDashboard, by principal: Principal) -> String? {
        let isOwner = dashboard.ownerID == principal.user.id
        if dashboard.visibility == .private { return isOwner ? nil : "only its owner changes a private dashboard" }
        if isOwner && principal.has(.editor) { return nil }
        if principal.has(.admin) && principal.canSee(organisationID: dashboard.organisationID) { return nil }
        return "a shared dashboard is changed by its owner (editor role) or an admin of the organisation"
    }

    /// The dashboard `id` if `principal` may see it, else 404.
    private func visible(_ id: Int64, _ principal: Principal) async throws -> SavedDashboard {
        guard let dashboard = try await self.dashboards.dashboard(id: id),
            dashboard.isVisible(to: principal.user.id, organisationScope: principal.organisationScope)
        else { throw APIError.notFound("no dashboard \(id)") }
        return dashboard
    }

    /// 400 unless every series of `panels` exists in `organisationID` (ids of other organisations
    /// get the same answer as missing ones).
    private func checkSeries(_ panels: [DashboardPanel], organisationID: Int64) async throws {
        let ids = Array(Set(panels.flatMap(\.seriesIDs))).sorted()
        guard !ids.isEmpty else { return }
        let found = Set(
            try await self.telemetry.series(ids: ids).filter { $0.organisationID == organisationID }.map(\.id)
        )
        let missing = ids.filter { !found.contains($0) }
        guard missing.isEmpty else {
            throw APIError.invalidBody("no series \(missing.map(String.init).joined(separator: ","))")
        }
    }

    private func encode(_ dashboard: SavedDashboard, _ principal: Principal, withPanels: Bool) -> JSONValue {
        ResourceEncoding.dashboard(
            dashboard,
            canEdit: Self.writeRefusal(dashboard, by: principal) == nil,
            withPanels: withPanels
        )
    }

    func register(on api: APIRouteBuilder) {
        self.registerReads(on: api)
        self.registerWrites(on: api)
        self.registerCatalog(on: api)
    }

    // MARK: Reads

    private func registerReads(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/dashboards",
            access: .role(.viewer),
            summary: "Your dashboards and the shared ones of your organisation (without their panels)",
            operation: .init(
                parameters: [.enumeration("visibility", DashboardVisibility.allCases.map(\.rawValue))],
                response: "DashboardSummary",
                list: true,
                sortFields: DashboardStore.sortFields.keys.sorted()
            )
        ) { request, context, principal in
            let principal = principal!
            let query = QueryParameters(request, context)
            let page = try query.list(sortFields: DashboardStore.sortFields.keys)
            let visibility = try query.string("visibility", maxLength: 16).map { text in
                guard let visibility = DashboardVisibility(rawValue: text) else {
                    throw APIError.invalidParameter("visibility", "must be private or shared")
                }
                return visibility
            }
            let found = try await self.dashboards.list(
                userID: principal.user.id,
                organisationScope: principal.organisationScope,
                visibility: visibility,
                list: page
            )
            return try APIResponse.list(
                found.items.map { self.encode($0, principal, withPanels: false) },
                total: found.total,
                request: request,
                name: "dashboards"
            )
        }
        api.add(
            .get,
            "/api/v1/dashboards/{id}",
            access: .role(.viewer),
            summary: "One dashboard with its panels",
            operation: .init(response: "Dashboard")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let dashboard = try await self.visible(id, principal!)
            return APIResponse.json(self.encode(dashboard, principal!, withPanels: true))
        }
    }

    // MARK: Writes

    private func registerWrites(on api: APIRouteBuilder) {
        api.add(
            .post,
            "/api/v1/dashboards",
            access: .role(.viewer),
            action: "dashboard.create",
            summary: "Create a dashboard of yours (sharing it needs the editor role)",
            operation: .init(requestBody: "NewDashboard", response: "Dashboard", status: 201)
        ) { request, context, principal in
            let principal = principal!
            let body = try await decodeBody(SavedDashboardBody.New.self, from: request, context: context)
            let visibility = try body.visibility.map(SavedDashboardBody.visibility) ?? .private
            if visibility == .shared && !principal.has(.editor) {
                throw APIError.forbidden("sharing a dashboard needs the editor role")
            }
            let draft = try SavedDashboardBody.validated(
                DashboardDraft(
                    name: body.name,
                    visibility: visibility,
                    panels: try SavedDashboardBody.panels(body.panels ?? [])
                )
            )
            let organisationID = principal.user.organisation.id
            try await self.checkSeries(draft.panels, organisationID: organisationID)
            do {
                let dashboard = try await self.dashboards.create(
                    draft,
                    ownerID: principal.user.id,
                    organisationID: organisationID,
                    now: AuthService.now()
                )
                return APIResponse.json(self.encode(dashboard, principal, withPanels: true), status: .created)
            } catch let error as StoreConflictError {
                throw APIError.conflict(error.message)
            } catch let error as DashboardValidationError {
                throw APIError.invalidBody(error.description)
            }
        }
        api.add(
            .patch,
            "/api/v1/dashboards/{id}",
            access: .role(.viewer),
            action: "dashboard.update",
            summary: "Rename a dashboard, share or unshare it, or replace its panels",
            operation: .init(requestBody: "DashboardChange", response: "Dashboard")
        ) { request, context, principal in
            let principal = principal!
            let id = try QueryParameters(request, context).id("id")
            let current = try await self.visible(id, principal)
            if let refusal = Self.writeRefusal(current, by: principal) { throw APIError.forbidden(refusal) }
            let body = try await decodeBody(SavedDashboardBody.Change.self, from: request, context: context)
            let visibility = try body.visibility.map(SavedDashboardBody.visibility) ?? current.visibility
            if visibility == .shared && !principal.has(.editor) {
                throw APIError.forbidden("sharing a dashboard needs the editor role")
            }
            if visibility == .private && current.visibility == .shared && current.ownerID != principal.user.id {
                throw APIError.forbidden("only its owner makes a shared dashboard private")
            }
            let draft = try SavedDashboardBody.validated(
                DashboardDraft(
                    name: body.name ?? current.name,
                    visibility: visibility,
                    panels: try body.panels.map(SavedDashboardBody.panels) ?? current.panels
                )
            )
            if body.panels != nil { try await self.checkSeries(draft.panels, organisationID: current.organisationID) }
            do {
                guard let dashboard = try await self.dashboards.update(id: id, draft, now: AuthService.now()) else {
                    throw APIError.notFound("no dashboard \(id)")
                }
                return APIResponse.json(self.encode(dashboard, principal, withPanels: true))
            } catch let error as DashboardValidationError {
                throw APIError.invalidBody(error.description)
            }
        }
        api.add(
            .delete,
            "/api/v1/dashboards/{id}",
            access: .role(.viewer),
            action: "dashboard.delete",
            summary: "Delete a dashboard (the same rule as changing it)",
            operation: .init(response: nil)
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            let current = try await self.visible(id, principal!)
            if let refusal = Self.writeRefusal(current, by: principal!) { throw APIError.forbidden(refusal) }
            guard try await self.dashboards.delete(id: id) else { throw APIError.notFound("no dashboard \(id)") }
            return APIResponse.noContent()
        }
    }

    // MARK: Series catalog

    private func registerCatalog(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/series/catalog",
            access: .role(.viewer),
            summary: "Series you may chart, searchable by device, interface name or alias, and metric",
            operation: .init(
                parameters: [
                    .integer("device", "only this device's series"),
                    .integer("interface", "only this interface's series (an interface id)"),
                ],
                response: "SeriesCatalogEntry",
                list: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let page = try query.list(sortFields: [String]())
            let found = try await self.catalog.search(
                organisationID: principal!.organisationScope,
                deviceID: try query.int("device", in: 1...Int64.max),
                interfaceID: try query.int("interface", in: 1...Int64.max),
                list: page
            )
            return try APIResponse.list(
                found.items.map(ResourceEncoding.seriesCatalogEntry),
                total: found.total,
                request: request,
                name: "series-catalog"
            )
        }
    }
}
