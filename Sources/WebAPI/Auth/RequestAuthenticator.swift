import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Finds and checks a request's credentials (bearer JWT, API key, or session cookie with its
/// CSRF header), checks the role a route needs, and audits mutating requests.
struct RequestAuthenticator: Sendable {
    static let accessCookie = "netmond_access"
    static let refreshCookie = "netmond_refresh"
    static let csrfCookie = "netmond_csrf"

    let service: AuthService
    let clientAddresses: ClientAddress

    func clientAddress(_ request: Request, context: APIRequestContext) -> String {
        self.clientAddresses.resolve(request, peer: context.remoteAddress)
    }

    /// The request's principal.
    /// - Throws: 401 without valid credentials; 403 `csrf_failed` for a cookie-authenticated
    ///   mutating request without the matching `X-CSRF-Token`.
    func authenticate(_ request: Request, context: APIRequestContext) async throws -> Principal {
        if let authorization = request.headers[.authorization] {
            guard authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
                throw APIError.unauthorized("the Authorization header must be \"Bearer <token>\"")
            }
            let credential = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            let principal =
                credential.hasPrefix(AuthService.apiKeyPrefix)
                ? try await self.service.principal(apiKey: credential)
                : try await self.service.principal(accessToken: credential, method: .jwt)
            guard let principal else { throw APIError.unauthorized("invalid or expired credentials") }
            return principal
        }
        if let apiKey = request.headers[.xAPIKey] {
            guard let principal = try await self.service.principal(apiKey: apiKey) else {
                throw APIError.unauthorized("invalid, expired or revoked API key")
            }
            return principal
        }
        if let cookie = request.cookies[Self.accessCookie]?.value {
            guard let principal = try await self.service.principal(accessToken: cookie, method: .cookie) else {
                throw APIError.unauthorized("the session expired; log in again")
            }
            if Self.isMutating(request.method) {
                let expected = request.cookies[Self.csrfCookie]?.value ?? ""
                let presented = request.headers[.xCSRFToken] ?? ""
                guard !expected.isEmpty,
                    SecretMaterial.constantTimeEqual(Array(expected.utf8), Array(presented.utf8))
                else {
                    throw APIError(
                        .forbidden,
                        "csrf_failed",
                        "the X-CSRF-Token header must match the netmond_csrf cookie"
                    )
                }
            }
            return principal
        }
        throw APIError.unauthorized()
    }

    func authorize(_ principal: Principal?, access: RouteAccess) throws {
        switch access {
        case .anonymous:
            return
        case .role(let role):
            guard let principal else { throw APIError.unauthorized() }
            guard principal.has(role) else { throw APIError.forbidden("this needs the \(role.rawValue) role") }
        case .superadmin:
            guard let principal else { throw APIError.unauthorized() }
            guard principal.isSuperadmin else { throw APIError.forbidden("this needs a superadmin session") }
        }
    }

    func audit(
        action: String,
        request: Request,
        principal: Principal?,
        client: String,
        status: HTTPResponse.Status
    ) async {
        let outcome: AuditEntry.Outcome =
            switch status.code {
            case 200..<400: .success
            case 401, 403: .denied
            default: .failure
            }
        await self.service.record(
            AuditEntry(
                time: AuthService.now(),
                userID: principal?.user.id,
                username: principal?.user.username,
                organisationID: principal?.user.organisation.id,
                action: action,
                target: String(request.uri.path.prefix(256)),
                method: request.method.rawValue,
                path: String(request.uri.path.prefix(256)),
                clientAddress: client,
                outcome: outcome,
                status: status.code
            )
        )
    }

    static func isMutating(_ method: HTTPRequest.Method) -> Bool {
        method == .post || method == .put || method == .patch || method == .delete
    }
}
