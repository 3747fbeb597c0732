import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Registers API routes with their access rule, so that authentication, the role check, CSRF,
/// the audit of mutating requests and the route catalog (OpenAPI, tests) happen in one place.
struct APIRouteBuilder {
    typealias Handler = @Sendable (Request, APIRequestContext, Principal?) async throws -> Response

    let router: Router<APIRequestContext>
    let authenticator: RequestAuthenticator
    let catalog: RouteCatalog

    /// Registers `path` (relative to the root, e.g. `/api/v1/devices/{id}`) for `method`.
    func add(
        _ method: HTTPRequest.Method,
        _ path: String,
        access: RouteAccess,
        action: String? = nil,
        summary: String,
        operation: OpenAPIOperation = OpenAPIOperation(),
        handler: @escaping Handler
    ) {
        self.catalog.add(
            RouteEntry(
                method: method,
                path: path,
                access: access,
                action: action,
                summary: summary,
                operation: operation
            )
        )
        let hummingbirdPath = RouterPath(
            path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        )
        let authenticator = self.authenticator
        self.router.on(hummingbirdPath, method: method) { request, context -> Response in
            var principal: Principal?
            let client = authenticator.clientAddress(request, context: context)
            do {
                if access != .anonymous {
                    principal = try await authenticator.authenticate(request, context: context)
                    try authenticator.authorize(principal, access: access)
                }
                let response = try await handler(request, context, principal)
                if let action {
                    await authenticator.audit(
                        action: action,
                        request: request,
                        principal: principal,
                        client: client,
                        status: response.status
                    )
                }
                return response
            } catch {
                if let action {
                    let status = (error as? APIError)?.status ?? (error as? HTTPError)?.status ?? .internalServerError
                    await authenticator.audit(
                        action: action,
                        request: request,
                        principal: principal,
                        client: client,
                        status: status
                    )
                }
                throw error
            }
        }
    }
}
