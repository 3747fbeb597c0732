import Foundation
import Hummingbird
import Storage

/// `/api/v1/users`, `/api/v1/organisations`, `/api/v1/api-keys` and `/api/v1/audit`.
struct AccountRoutes {
    let service: AuthService

    struct NewUser: Decodable {
        var username: String
        var password: String
        var role: String
        var organisation_id: Int64?
        var superadmin: Bool?
    }

    struct UserChange: Decodable {
        var role: String?
        var disabled: Bool?
        var password: String?
    }

    struct OrganisationBody: Decodable {
        var name: String
    }

    struct NewAPIKey: Decodable {
        var name: String
        var role: String?
        var expires_at: Int64?
    }

    static func role(_ text: String, field: String = "role") throws -> AccountRole {
        guard let role = AccountRole(rawValue: text) else {
            throw APIError.invalidBody("\(field) must be admin, editor or viewer")
        }
        return role
    }

    static func validName(_ name: String, field: String) throws -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._@- "))
        guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(allowed.contains),
            name.trimmingCharacters(in: .whitespaces) == name
        else {
            throw APIError.invalidBody("\(field): 1 to 64 letters, digits, spaces, '.', '_', '@' or '-'")
        }
        return name
    }

    func register(on api: APIRouteBuilder) {
        self.registerUsers(on: api)
        self.registerOrganisations(on: api)
        self.registerAPIKeys(on: api)
        api.add(
            .get,
            "/api/v1/audit",
            access: .role(.admin),
            summary: "The audit log of your organisation (a superadmin's: every one), newest first",
            operation: .init(
                parameters: [
                    .time("from"), .time("to"), .integer("user", "only this user id"),
                    .string("action", "only this action, e.g. login or device.create"),
                    .enumeration("outcome", ["success", "failure", "denied"]),
                ],
                response: "AuditEntry",
                list: true
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let range = try query.timeRange(maxSpan: Int64.max)
            let page = try query.list(sortFields: [String]())
            let outcome = try query.string("outcome").map { text in
                guard let outcome = AuditEntry.Outcome(rawValue: text) else {
                    throw APIError.invalidParameter("outcome", "must be success, failure or denied")
                }
                return outcome
            }
            let entries = try await self.service.audit.entries(
                from: range.from,
                to: range.to,
                organisationID: principal!.organisationScope,
                userID: try query.int("user", in: 1...Int64.max),
                action: try query.string("action", maxLength: 64),
                outcome: outcome,
                limit: page.limit,
                offset: page.offset
            )
            return try APIResponse.list(
                entries.items.map(ResourceEncoding.audit),
                total: entries.total,
                request: request,
                name: "audit"
            )
        }
    }

    // MARK: Users

    /// The user `id` if the principal may see it, else 404.
    private func visibleUser(_ id: Int64, _ principal: Principal) async throws -> UserAccount {
        guard let user = try await self.service.accounts.user(id: id),
            principal.canSee(organisationID: user.organisation.id)
        else { throw APIError.notFound("no user \(id)") }
        return user
    }

    private func registerUsers(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/users",
            access: .role(.admin),
            summary: "Users of your organisation (a superadmin's: every one, or ?organisation=)",
            operation: .init(
                parameters: [.integer("organisation", "superadmin only: this organisation's users")],
                response: "User",
                list: true,
                sortFields: AccountStore.userSortFields.keys.sorted()
            )
        ) { request, context, principal in
            let query = QueryParameters(request, context)
            let page = try query.list(sortFields: AccountStore.userSortFields.keys)
            var scope = principal!.organisationScope
            if principal!.isSuperadmin { scope = try query.int("organisation", in: 1...Int64.max) }
            let users = try await self.service.accounts.users(organisationID: scope, list: page)
            return try APIResponse.list(
                users.items.map(ResourceEncoding.user),
                total: users.total,
                request: request,
                name: "users"
            )
        }
        api.add(
            .post,
            "/api/v1/users",
            access: .role(.admin),
            action: "user.create",
            summary: "Create a user",
            operation: .init(requestBody: "NewUser", response: "User", status: 201)
        ) { request, context, principal in
            let principal = principal!
            let body = try await decodeBody(NewUser.self, from: request, context: context)
            let username = try Self.validName(body.username, field: "username")
            let role = try Self.role(body.role)
            if let problem = AuthService.passwordProblem(body.password) { throw APIError.invalidBody(problem) }
            if !principal.isSuperadmin,
                body.superadmin == true || (body.organisation_id.map { $0 != principal.user.organisation.id } ?? false)
            {
                throw APIError.forbidden("only a superadmin creates superadmins or users of other organisations")
            }
            let organisation = body.organisation_id ?? principal.user.organisation.id
            guard try await self.service.accounts.organisation(id: organisation) != nil else {
                throw APIError.invalidBody("no organisation \(organisation)")
            }
            do {
                let user = try await self.service.accounts.createUser(
                    username: username,
                    passwordHash: try await self.service.hashPassword(body.password),
                    organisationID: organisation,
                    role: role,
                    superadmin: body.superadmin ?? false,
                    now: AuthService.now()
                )
                return APIResponse.json(ResourceEncoding.user(user), status: .created)
            } catch let error as StoreConflictError {
                throw APIError.conflict(error.message)
            }
        }
        api.add(
            .get,
            "/api/v1/users/{id}",
            access: .role(.admin),
            summary: "One user",
            operation: .init(response: "User")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            return APIResponse.json(ResourceEncoding.user(try await self.visibleUser(id, principal!)))
        }
        api.add(
            .patch,
            "/api/v1/users/{id}",
            access: .role(.admin),
            action: "user.update",
            summary: "Change a user's role, disable or enable them, or set their password",
            operation: .init(requestBody: "UserChange", response: "User")
        ) { request, context, principal in
            let principal = principal!
            let id = try QueryParameters(request, context).id("id")
            let target = try await self.visibleUser(id, principal)
            let body = try await decodeBody(UserChange.self, from: request, context: context)
            if target.superadmin && !principal.isSuperadmin {
                throw APIError.forbidden("only a superadmin changes a superadmin")
            }
            let role = try body.role.map { try Self.role($0) }
            if target.id == principal.user.id, body.disabled == true || role.map({ $0 < target.role }) == true {
                throw APIError.conflict("you cannot disable or demote yourself")
            }
            if let password = body.password, let problem = AuthService.passwordProblem(password) {
                throw APIError.invalidBody(problem)
            }
            var hash: String?
            if let password = body.password { hash = try await self.service.hashPassword(password) }
            guard
                let user = try await self.service.accounts.updateUser(
                    id: id,
                    role: role,
                    disabled: body.disabled,
                    passwordHash: hash,
                    now: AuthService.now()
                )
            else { throw APIError.notFound("no user \(id)") }
            return APIResponse.json(ResourceEncoding.user(user))
        }
        api.add(
            .delete,
            "/api/v1/users/{id}",
            access: .role(.admin),
            action: "user.delete",
            summary: "Delete a user (not yourself)",
            operation: .init(response: nil)
        ) { request, context, principal in
            let principal = principal!
            let id = try QueryParameters(request, context).id("id")
            let target = try await self.visibleUser(id, principal)
            guard target.id != principal.user.id else { throw APIError.conflict("you cannot delete yourself") }
            if target.superadmin && !principal.isSuperadmin {
                throw APIError.forbidden("only a superadmin deletes a superadmin")
            }
            _ = try await self.service.accounts.deleteUser(id: id)
            return APIResponse.noContent()
        }
    }

    // MARK: Organisations

    private func registerOrganisations(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/organisations",
            access: .role(.viewer),
            summary: "Your organisation (a superadmin's: every one)",
            operation: .init(response: "Organisation", list: true)
        ) { request, context, principal in
            let all = try await self.service.accounts.organisations()
            let visible = all.filter { principal!.canSee(organisationID: $0.id) }
            let page = try QueryParameters(request, context).list(sortFields: [String]())
            let items = visible.dropFirst(page.offset).prefix(page.limit).map(ResourceEncoding.organisation)
            return try APIResponse.list(Array(items), total: visible.count, request: request, name: "organisations")
        }
        api.add(
            .post,
            "/api/v1/organisations",
            access: .superadmin,
            action: "organisation.create",
            summary: "Create an organisation",
            operation: .init(requestBody: "OrganisationBody", response: "Organisation", status: 201)
        ) { request, context, _ in
            let body = try await decodeBody(OrganisationBody.self, from: request, context: context)
            let name = try Self.validName(body.name, field: "name")
            do {
                let organisation = try await self.service.accounts.createOrganisation(
                    name: name,
                    now: AuthService.now()
                )
                return APIResponse.json(ResourceEncoding.organisation(organisation), status: .created)
            } catch let error as StoreConflictError {
                throw APIError.conflict(error.message)
            }
        }
        api.add(
            .get,
            "/api/v1/organisations/{id}",
            access: .role(.viewer),
            summary: "One organisation",
            operation: .init(response: "Organisation")
        ) { request, context, principal in
            let id = try QueryParameters(request, context).id("id")
            guard principal!.canSee(organisationID: id),
                let organisation = try await self.service.accounts.organisation(id: id)
            else { throw APIError.notFound("no organisation \(id)") }
            return APIResponse.json(ResourceEncoding.organisation(organisation))
        }
        api.add(
            .patch,
            "/api/v1/organisations/{id}",
            access: .superadmin,
            action: "organisation.update",
            summary: "Rename an organisation",
            operation: .init(requestBody: "OrganisationBody", response: "Organisation")
        ) { request, context, _ in
            let id = try QueryParameters(request, context).id("id")
            let body = try await decodeBody(OrganisationBody.self, from: request, context: context)
            let name = try Self.validName(body.name, field: "name")
            do {
                guard let organisation = try await self.service.accounts.renameOrganisation(id: id, name: name) else {
                    throw APIError.notFound("no organisation \(id)")
                }
                return APIResponse.json(ResourceEncoding.organisation(organisation))
            } catch let error as StoreConflictError {
                throw APIError.conflict(error.message)
            }
        }
        api.add(
            .delete,
            "/api/v1/organisations/{id}",
            access: .superadmin,
            action: "organisation.delete",
            summary: "Delete an empty organisation",
            operation: .init(response: nil)
        ) { request, context, _ in
            let id = try QueryParameters(request, context).id("id")
            do {
                guard try await self.service.accounts.deleteOrganisation(id: id) else {
                    throw APIError.notFound("no organisation \(id)")
                }
                return APIResponse.noContent()
            } catch let error as StoreConflictError {
                throw APIError.conflict(error.message)
            }
        }
    }

    // MARK: API keys

    private func registerAPIKeys(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/api/v1/api-keys",
            access: .role(.viewer),
            summary: "Your API keys (an admin's: the organisation's)",
            operation: .init(response: "APIKey", list: true)
        ) { request, context, principal in
            let principal = principal!
            let page = try QueryParameters(request, context).list(sortFields: [String]())
            let keys =
                principal.has(.admin)
                ? try await self.service.credentials.apiKeys(userID: nil, organisationID: principal.organisationScope)
                : try await self.service.credentials.apiKeys(userID: principal.user.id, organisationID: nil)
            let items = keys.dropFirst(page.offset).prefix(page.limit).map(ResourceEncoding.apiKey)
            return try APIResponse.list(Array(items), total: keys.count, request: request, name: "api-keys")
        }
        api.add(
            .post,
            "/api/v1/api-keys",
            access: .role(.viewer),
            action: "api_key.create",
            summary: "Create an API key for yourself; the secret is in this answer only",
            operation: .init(requestBody: "NewAPIKey", response: "NewAPIKeyResponse", status: 201)
        ) { request, context, principal in
            let principal = principal!
            guard principal.method != .apiKey else { throw APIError.forbidden("API keys cannot create API keys") }
            let body = try await decodeBody(NewAPIKey.self, from: request, context: context)
            let name = try Self.validName(body.name, field: "name")
            let role = try body.role.map { try Self.role($0) } ?? principal.user.role
            guard role <= principal.user.role || principal.isSuperadmin else {
                throw APIError.forbidden("a key's role cannot be higher than yours")
            }
            if let expiry = body.expires_at, expiry <= AuthService.now() {
                throw APIError.invalidBody("expires_at must be in the future (epoch milliseconds)")
            }
            let (key, secret) = try await self.service.createAPIKey(
                for: principal.user,
                name: name,
                role: role,
                expiresAt: body.expires_at
            )
            guard case .object(var fields) = ResourceEncoding.apiKey(key) else { throw APIError.invalidBody("") }
            fields.append(("secret", .string(secret)))
            return APIResponse.json(.object(fields), status: .created)
        }
        api.add(
            .delete,
            "/api/v1/api-keys/{id}",
            access: .role(.viewer),
            action: "api_key.revoke",
            summary: "Revoke an API key (yours; an admin: any of the organisation's)",
            operation: .init(response: nil)
        ) { request, context, principal in
            let principal = principal!
            let id = try QueryParameters(request, context).id("id")
            guard let key = try await self.service.credentials.apiKey(id: id),
                let owner = try await self.service.accounts.user(id: key.userID),
                key.userID == principal.user.id
                    || (principal.has(.admin) && principal.canSee(organisationID: owner.organisation.id))
            else { throw APIError.notFound("no API key \(id)") }
            _ = try await self.service.credentials.revokeAPIKey(id: id, now: AuthService.now())
            return APIResponse.noContent()
        }
    }
}
