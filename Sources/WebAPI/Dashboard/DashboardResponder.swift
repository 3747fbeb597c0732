import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Turns an asset and the request's headers into a response: conditional GET (`If-None-Match` →
/// 304), gzip when the client accepts it, and the dashboard's cache and security headers.
enum DashboardResponder {
    /// The Content-Security-Policy of every dashboard response: only our own scripts, styles and
    /// API; no inline script, no eval, and (in browsers that enforce Trusted Types) no string can
    /// reach an HTML sink such as `innerHTML` at all.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        + "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'"

    /// Assets are revalidated on every use (cheap: a 304 without a body), so an upgraded daemon
    /// never serves a stale script next to a new page.
    static let cacheControl = "no-cache"

    /// The response for `asset` to `request` (GET, or HEAD: the same headers without a body).
    static func response(for asset: DashboardAsset, request: Request) -> Response {
        let requestHeaders = request.headers
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: asset.etag,
            .cacheControl: self.cacheControl,
            .vary: "Accept-Encoding",
            .contentSecurityPolicy: self.contentSecurityPolicy,
        ]
        if let ifNoneMatch = requestHeaders[.ifNoneMatch], self.matches(ifNoneMatch, etag: asset.etag) {
            return Response(status: .notModified, headers: headers)
        }
        var bytes = asset.identity
        if let gzip = asset.gzip, self.acceptsGzip(requestHeaders[.acceptEncoding]) {
            bytes = gzip
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(bytes.count)
        if request.method == .head {
            return Response(status: .ok, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A plain-text error in the dashboard's headers (a missing asset).
    static func notFound() -> Response {
        Response(
            status: .notFound,
            headers: [
                .contentType: "text/plain; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy: self.contentSecurityPolicy,
            ],
            body: .init(byteBuffer: ByteBuffer(string: "not found\n"))
        )
    }

    /// Whether an `If-None-Match` value names `etag` (a list of tags, or `*`; weak tags compare
    /// weakly, as RFC 9110 says for If-None-Match).
    static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        let wanted = ifNoneMatch.trimmingCharacters(in: .whitespaces)
        if wanted == "*" { return true }
        return wanted.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }

    /// Whether an `Accept-Encoding` value allows gzip (present and not `q=0`).
    static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        for part in acceptEncoding.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = fields.first, coding == "gzip" || coding == "*" else { continue }
            let zeroQuality = fields.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
            if coding == "gzip" { return !zeroQuality }
            if !zeroQuality { return true }
        }
        return false
    }
}
