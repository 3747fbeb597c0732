import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
import WebAPI

@Suite("GET /healthz and /metrics")
struct HealthAndMetricsTests {
    struct DatabaseDown: Error {}

    private func router(
        databaseUp: Bool,
        registry: PrometheusCollectorRegistry = .init()
    ) -> Router<APIRequestContext> {
        WebAPIServer.makeRouter(
            dependencies: .init(
                checkDatabase: { if !databaseUp { throw DatabaseDown() } },
                metrics: registry,
                startedAt: .now - .seconds(42)
            ),
            logger: Logger(label: "test")
        )
    }

    @Test("healthz answers 200 with version and uptime while the database works")
    func healthy() async throws {
        let app = Application(router: self.router(databaseUp: true))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body =
                    try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                #expect(body?["status"] as? String == "ok")
                #expect(body?["database"] as? String == "ok")
                #expect((body?["uptime_seconds"] as? Int ?? 0) >= 42)
                #expect(body?["version"] as? String != nil)
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test("healthz answers 503 while the database is unusable, without details")
    func unhealthy() async throws {
        let app = Application(router: self.router(databaseUp: false))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let text = String(buffer: response.body)
                #expect(text.contains("\"unavailable\""))
                #expect(!text.contains("DatabaseDown"))
            }
        }
    }

    @Test("metrics renders the registry in the Prometheus text format")
    func metrics() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "netmond_test", unitName: "total", helpText: "test")
        )
        .increment(by: Int64(3))
        let app = Application(router: self.router(databaseUp: true, registry: registry))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(String(buffer: response.body).contains("netmond_test_total 3"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test("an unknown path is a 404")
    func notFound() async throws {
        let app = Application(router: self.router(databaseUp: true))
        try await app.test(.router) { client in
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
