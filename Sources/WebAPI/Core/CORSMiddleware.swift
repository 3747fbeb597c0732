import HTTPTypes
import Hummingbird

/// Cross-origin access for the configured origins only (`http.cors.allowed_origins`); with none
/// configured the middleware is not installed and browsers apply the same-origin policy.
struct AllowListCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], self.allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin,
                    .accessControlAllowMethods: "GET, POST, PATCH, PUT, DELETE",
                    .accessControlAllowHeaders: "Authorization, Content-Type, X-API-Key, X-CSRF-Token",
                    .accessControlMaxAge: "600",
                    .vary: "Origin",
                ]
            )
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        return response
    }
}
