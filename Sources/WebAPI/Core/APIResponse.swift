import HTTPTypes
import Hummingbird
import NIOCore

/// Builds API responses: JSON from a ``JSONValue``, lists and series as JSON or CSV.
enum APIResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.bytes)))
    }

    static func noContent(headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.cacheControl] = "no-store"
        return Response(status: .noContent, headers: headers)
    }

    static func csv(_ text: String, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(name).csv\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// Whether the request asks for CSV (`?format=csv` or an `Accept` preferring text/csv).
    static func wantsCSV(_ request: Request) throws -> Bool {
        if let format = request.uri.queryParameters["format"] {
            switch format {
            case "csv": return true
            case "json": return false
            default: throw APIError.invalidParameter("format", "must be json or csv")
            }
        }
        guard let accept = request.headers[.accept] else { return false }
        return accept.contains("text/csv") && !accept.contains("application/json")
    }

    /// `{"items":[...],"total":N}` or the CSV of the items.
    static func list(_ items: [JSONValue], total: Int, request: Request, name: String) throws -> Response {
        if try self.wantsCSV(request) {
            return self.csv(CSVRenderer.render(items), name: name)
        }
        return self.json(.object([("items", .array(items)), ("total", .int(Int64(total)))]))
    }
}
