import HTTPTypes
import Hummingbird
import NIOCore

/// An API failure with a status, a stable snake_case code and a human message; rendered as
/// `{"error":{"code":...,"message":...}}`. Messages never hold stack traces, SQL or secrets.
struct APIError: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response
    }

    var response: Response {
        let body = JSONValue.object([
            ("error", .object([("code", .string(self.code)), ("message", .string(self.message))]))
        ])
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }

    static func unauthorized(_ message: String = "authentication required") -> APIError {
        APIError(.unauthorized, "unauthorized", message, headers: [.wwwAuthenticate: "Bearer realm=\"netmond\""])
    }

    static func forbidden(_ message: String = "your role does not allow this") -> APIError {
        APIError(.forbidden, "forbidden", message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, "not_found", message)
    }

    static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, "invalid_parameter", "\(name): \(message)")
    }

    static func invalidBody(_ message: String) -> APIError {
        APIError(.badRequest, "invalid_body", message)
    }

    static func conflict(_ message: String) -> APIError {
        APIError(.conflict, "conflict", message)
    }

    /// The stable code of a Hummingbird `HTTPError` status.
    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 406: "not_acceptable"
        case 408: "request_timeout"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 429: "rate_limited"
        case 503: "unavailable"
        default: status.code >= 500 ? "internal_error" : "bad_request"
        }
    }
}
