import Foundation
import Hummingbird
import Logging
import NIOCore
import NetmonCore
import Prometheus

/// Builds netmond's HTTP face: `/healthz` and `/metrics` today; the REST API and the dashboard
/// mount on the same router as they land.
public enum WebAPIServer {
    /// Everything the HTTP layer needs from the rest of the daemon.
    public struct Dependencies: Sendable {
        /// Throws when the database is unusable; `/healthz` then answers 503.
        public var checkDatabase: @Sendable () async throws -> Void
        /// The registry behind the daemon's swift-metrics backend, rendered by `/metrics`.
        public var metrics: PrometheusCollectorRegistry
        /// When the daemon started, for the uptime in `/healthz`.
        public var startedAt: ContinuousClock.Instant

        public init(
            checkDatabase: @escaping @Sendable () async throws -> Void,
            metrics: PrometheusCollectorRegistry,
            startedAt: ContinuousClock.Instant = .now
        ) {
            self.checkDatabase = checkDatabase
            self.metrics = metrics
            self.startedAt = startedAt
        }
    }

    /// The router with every route netmond serves.
    public static func makeRouter(dependencies: Dependencies, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        HealthRoutes(dependencies: dependencies, logger: logger).register(on: router)
        MetricsRoutes(registry: dependencies.metrics).register(on: router)
        return router
    }

    /// The HTTP server as a swift-service-lifecycle service, listening where `configuration` says.
    /// `onServerRunning` is called once the socket listens, with its local address (`host:port`).
    public static func makeApplication(
        configuration: HTTPConfiguration,
        dependencies: Dependencies,
        logger: Logger,
        onServerRunning: @escaping @Sendable (_ localAddress: String) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: self.makeRouter(dependencies: dependencies, logger: logger),
            configuration: .init(
                address: .hostname(configuration.address, port: configuration.port),
                serverName: "netmond"
            ),
            onServerRunning: { channel in
                let address = channel.localAddress
                let host = address?.ipAddress ?? configuration.address
                let port = address?.port ?? configuration.port
                await onServerRunning(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
            },
            logger: logger
        )
    }
}
