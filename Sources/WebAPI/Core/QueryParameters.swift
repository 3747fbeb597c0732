import Foundation
import Hummingbird
import NIOCore
import Storage

/// Parsing and validation of query and path parameters; every malformed value is a 400
/// `invalid_parameter` naming the parameter.
struct QueryParameters {
    let request: Request
    let context: APIRequestContext

    init(_ request: Request, _ context: APIRequestContext) {
        self.request = request
        self.context = context
    }

    func string(_ name: String, maxLength: Int = 256) throws -> String? {
        guard let value = self.request.uri.queryParameters.get(name) else { return nil }
        guard value.count <= maxLength else { throw APIError.invalidParameter(name, "longer than \(maxLength)") }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = try self.string(name, maxLength: 20) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw APIError.invalidParameter(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A path parameter that is a positive database id.
    func id(_ name: String) throws -> Int64 {
        guard let text = self.context.parameters.get(name), let value = Int64(text), value > 0 else {
            throw APIError.invalidParameter(name, "must be a positive integer id")
        }
        return value
    }

    /// A time: epoch milliseconds or RFC 3339.
    func time(_ name: String) throws -> Int64? {
        guard let text = try self.string(name, maxLength: 40) else { return nil }
        if let milliseconds = Int64(text), milliseconds >= 0, milliseconds < 32_503_680_000_000 {
            return milliseconds
        }
        if let date = Self.rfc3339(text) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        throw APIError.invalidParameter(name, "must be epoch milliseconds or an RFC 3339 time")
    }

    static func rfc3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// `from`/`to`, defaulting to the last hour; `from` must be before `to`; at most `maxSpan` ms.
    func timeRange(maxSpan: Int64 = 366 * 86_400_000) throws -> (from: Int64, to: Int64) {
        let to = try self.time("to") ?? AuthService.now()
        let from = try self.time("from") ?? (to - 3_600_000)
        guard from < to else { throw APIError.invalidParameter("from", "must be before to") }
        guard to - from <= maxSpan else { throw APIError.invalidParameter("from", "the range is longer than allowed") }
        return (from, to)
    }

    /// `limit`, `offset`, `sort` (whitelisted, `-` for descending) and `q`.
    func list(sortFields: some Collection<String>, defaultLimit: Int64 = 100) throws -> ListRequest {
        let limit = try self.int("limit", in: 1...1000) ?? defaultLimit
        let offset = try self.int("offset", in: 0...10_000_000) ?? 0
        var sort = try self.string("sort", maxLength: 64)
        var descending = false
        if let field = sort, field.hasPrefix("-") {
            descending = true
            sort = String(field.dropFirst())
        }
        if let field = sort, !sortFields.contains(field) {
            throw APIError.invalidParameter(
                "sort",
                "must be one of \(sortFields.sorted().joined(separator: ", ")) (prefix - to reverse)"
            )
        }
        return ListRequest(
            limit: Int(limit),
            offset: Int(offset),
            sort: sort,
            descending: descending,
            search: try self.string("q", maxLength: 128)
        )
    }
}

/// Decodes a JSON request body into `T`, with 400 `invalid_body` on malformed input.
func decodeBody<T: Decodable>(_ type: T.Type, from request: Request, context: APIRequestContext) async throws -> T {
    var request = request
    let buffer: ByteBuffer
    do {
        buffer = try await request.collectBody(upTo: APIRequestContext.maximumBodySize)
    } catch {
        throw APIError(.contentTooLarge, "payload_too_large", "the request body is larger than 256 KiB")
    }
    do {
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    } catch DecodingError.keyNotFound(let key, _) {
        throw APIError.invalidBody("missing field \(key.stringValue)")
    } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
        let field = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw APIError.invalidBody("field \(field.isEmpty ? "(body)" : field) has the wrong type")
    } catch {
        throw APIError.invalidBody("the body must be a JSON object")
    }
}
