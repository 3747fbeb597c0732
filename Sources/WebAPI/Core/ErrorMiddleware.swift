import Hummingbird
import Logging

/// Turns every error into the API's one error shape: ``APIError`` as is, Hummingbird's
/// `HTTPError` (unknown route, body too large...) by status, anything else as a 500 whose detail
/// goes to the log only.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError {
            let message =
                switch error.status.code {
                case 404: "no such route: \(request.method) \(request.uri.path)"
                case 413: "the request body is larger than allowed"
                default: error.status.reasonPhrase
                }
            return APIError(error.status, APIError.code(for: error.status), message, headers: error.headers).response
        } catch {
            context.logger.error("api: internal error on \(request.method) \(request.uri.path): \(error)")
            return APIError(.internalServerError, "internal_error", "internal error; see the daemon's log").response
        }
    }
}
