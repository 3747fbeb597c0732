import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NetmonTesting
import Prometheus
import Testing

@testable import WebAPI

@Suite("Dashboard: routes, headers, caching")
struct DashboardRoutesTests {
    private func app() -> some ApplicationProtocol {
        Application(
            router: WebAPIServer.makeRouter(
                dependencies: .init(checkDatabase: {}, metrics: PrometheusCollectorRegistry()),
                logger: Logger(label: "test")
            )
        )
    }

    @Test("/ redirects to /ui/")
    func rootRedirects() async throws {
        try await self.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/ui/")
            }
        }
    }

    @Test(
        "every /ui/ path serves the page shell with a strict CSP",
        arguments: [
            "/ui", "/ui/", "/ui/login", "/ui/devices/3", "/ui/devices/3/interfaces/12", "/ui/flows?by=dst",
        ]
    )
    func shell(path: String) async throws {
        try await self.app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'self'"))
                #expect(csp.contains("script-src 'self';"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(!csp.contains("unsafe-eval"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.cacheControl] == "no-cache")
                #expect(response.headers[.eTag] == DashboardAssets.shell?.etag)
                #expect(String(buffer: response.body).contains("<script type=\"module\" src=\"/ui/assets/app.js\">"))
            }
        }
    }

    @Test("an asset is served with its content type and strong ETag")
    func asset() async throws {
        let asset = try #require(DashboardAssets.asset(named: "app.js"))
        try await self.app().test(.router) { client in
            try await client.execute(uri: "/ui/assets/app.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[.eTag] == asset.etag)
                #expect(response.headers[.contentEncoding] == nil)
                #expect(response.headers[.vary] == "Accept-Encoding")
                #expect(Array(response.body.readableBytesView) == asset.identity)
            }
        }
    }

    @Test("a client that accepts gzip gets the smaller gzip copy")
    func gzip() async throws {
        let asset = try #require(DashboardAssets.asset(named: "app.css"))
        let compressed = try #require(asset.gzip)
        #expect(compressed.count < asset.identity.count)
        try await self.app().test(.router) { client in
            try await client.execute(
                uri: "/ui/assets/app.css",
                method: .get,
                headers: [.acceptEncoding: "gzip, deflate, br"]
            ) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.contentLength] == String(compressed.count))
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
            }
        }
    }

    @Test("If-None-Match with the current ETag answers 304 without a body")
    func notModified() async throws {
        let asset = try #require(DashboardAssets.asset(named: "chart.js"))
        try await self.app().test(.router) { client in
            try await client.execute(
                uri: "/ui/assets/chart.js",
                method: .get,
                headers: [.ifNoneMatch: "\"stale\", \(asset.etag)"]
            ) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/ui/assets/chart.js", method: .get, headers: [.ifNoneMatch: "\"stale\""]) {
                response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("HEAD gives the headers of GET without a body")
    func head() async throws {
        let asset = try #require(DashboardAssets.asset(named: "app.js"))
        try await self.app().test(.router) { client in
            try await client.execute(uri: "/ui/assets/app.js", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] == asset.etag)
                #expect(response.headers[.contentLength] == String(asset.identity.count))
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test(
        "unknown assets and path tricks are 404",
        arguments: [
            "/ui/assets/nope.js", "/ui/assets/..%2FPackage.swift", "/ui/assets/%2E%2E", "/ui/assets/app.html",
        ]
    )
    func missing(path: String) async throws {
        try await self.app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("non-dashboard responses keep the strictest CSP")
    func apiKeepsStrictCSP() async throws {
        try await self.app().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; frame-ancestors 'none'")
            }
        }
    }

    @Test("Accept-Encoding and If-None-Match parsing")
    func headerParsing() {
        #expect(DashboardResponder.acceptsGzip("gzip"))
        #expect(DashboardResponder.acceptsGzip("br;q=1.0, gzip;q=0.8"))
        #expect(DashboardResponder.acceptsGzip("*"))
        #expect(!DashboardResponder.acceptsGzip("gzip;q=0"))
        #expect(!DashboardResponder.acceptsGzip("identity"))
        #expect(!DashboardResponder.acceptsGzip(nil))
        #expect(DashboardResponder.matches("*", etag: "\"a\""))
        #expect(DashboardResponder.matches("W/\"a\"", etag: "\"a\""))
        #expect(!DashboardResponder.matches("\"b\"", etag: "\"a\""))
    }
}
