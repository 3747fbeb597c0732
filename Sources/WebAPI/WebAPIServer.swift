import Alerting
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NetmonCore
import Prometheus
import Storage

/// Builds netmond's HTTP face: `/healthz`, `/metrics`, the REST API under `/api/v1` (with its
/// OpenAPI document) and `/metrics/devices`.
public enum WebAPIServer {
    /// Everything the HTTP layer needs from the rest of the daemon.
    public struct Dependencies: Sendable {
        /// Throws when the database is unusable; `/healthz` then answers 503.
        public var checkDatabase: @Sendable () async throws -> Void
        /// The registry behind the daemon's swift-metrics backend, rendered by `/metrics`.
        public var metrics: PrometheusCollectorRegistry
        /// When the daemon started, for the uptime in `/healthz`.
        public var startedAt: ContinuousClock.Instant
        /// The REST API's needs; nil serves only `/healthz` and `/metrics`.
        public var api: APIDependencies?

        public init(
            checkDatabase: @escaping @Sendable () async throws -> Void,
            metrics: PrometheusCollectorRegistry,
            startedAt: ContinuousClock.Instant = .now,
            api: APIDependencies? = nil
        ) {
            self.checkDatabase = checkDatabase
            self.metrics = metrics
            self.startedAt = startedAt
            self.api = api
        }
    }

    /// What the REST API reads and writes, and how it tells the poller about device changes.
    public struct APIDependencies: Sendable {
        public var database: NetmonDatabase
        public var auth: AuthService
        /// The SNMP section: defaults for new devices and the settings of configured devices.
        public var snmp: SNMPConfiguration
        public var http: HTTPConfiguration
        /// Called when a device is created, changed or deleted (the daemon passes it to the poller).
        public var onDeviceChange: @Sendable (DeviceChange) -> Void
        /// Exporter address → SNMP device name (`flows.exporters[].device`), to name flows' devices.
        public var flowExporterDevices: [String: String]
        /// Called when an alerting definition or an alert's acknowledgement changes (the daemon
        /// asks the evaluator for a cycle at once).
        public var onAlertingChange: @Sendable () -> Void
        /// The time-series engine's configuration (retention, `max_query_rows`, capacity threshold).
        public var timeSeries: TimeSeriesConfiguration
        /// The daemon's sample writer, for custom metric ingestion; nil answers 503 there.
        public var sampleWriter: SampleWriter?

        public init(
            database: NetmonDatabase,
            auth: AuthService,
            snmp: SNMPConfiguration,
            http: HTTPConfiguration,
            onDeviceChange: @escaping @Sendable (DeviceChange) -> Void,
            flowExporterDevices: [String: String] = [:],
            onAlertingChange: @escaping @Sendable () -> Void = {},
            timeSeries: TimeSeriesConfiguration = .init(),
            sampleWriter: SampleWriter? = nil
        ) {
            self.database = database
            self.auth = auth
            self.snmp = snmp
            self.http = http
            self.onDeviceChange = onDeviceChange
            self.flowExporterDevices = flowExporterDevices
            self.onAlertingChange = onAlertingChange
            self.timeSeries = timeSeries
            self.sampleWriter = sampleWriter
        }
    }

    /// The router with every route netmond serves.
    public static func makeRouter(dependencies: Dependencies, logger: Logger) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware())
        if let api = dependencies.api, !api.http.corsAllowedOrigins.isEmpty {
            router.add(middleware: AllowListCORSMiddleware(allowedOrigins: Set(api.http.corsAllowedOrigins)))
        }
        HealthRoutes(dependencies: dependencies, logger: logger).register(on: router)
        MetricsRoutes(registry: dependencies.metrics).register(on: router)
        if let api = dependencies.api {
            _ = self.registerAPI(api, on: router)
        }
        DashboardRoutes().register(on: router)
        return router
    }

    /// Registers every API route; returns the catalog of what was registered.
    @discardableResult
    static func registerAPI(_ api: APIDependencies, on router: Router<APIRequestContext>) -> RouteCatalog {
        let catalog = RouteCatalog()
        let authenticator = RequestAuthenticator(
            service: api.auth,
            clientAddresses: ClientAddress(trustedProxies: Set(api.auth.configuration.trustedProxies))
        )
        let builder = APIRouteBuilder(router: router, authenticator: authenticator, catalog: catalog)
        let devices = DeviceAdminStore(database: api.database)
        AuthRoutes(service: api.auth, authenticator: authenticator, secureCookies: api.http.tls != nil).register(
            on: builder
        )
        AccountRoutes(service: api.auth).register(on: builder)
        DeviceRoutes(devices: devices, snmp: api.snmp, onDeviceChange: api.onDeviceChange).register(on: builder)
        TelemetryRoutes(
            devices: devices,
            telemetry: TelemetryStore(database: api.database),
            engine: TimeSeriesEngine(database: api.database, configuration: api.timeSeries),
            events: EventListStore(database: api.database)
        ).register(on: builder)
        let scope = ReportScope(database: api.database)
        ReportRoutes(reports: TrafficReports(database: api.database, configuration: api.timeSeries), scope: scope)
            .register(on: builder)
        IngestRoutes(
            writer: api.sampleWriter,
            registry: SeriesRegistry(database: api.database),
            devices: devices,
            scope: scope
        ).register(on: builder)
        FlowRoutes(flows: FlowQueries(database: api.database, exporterDevices: api.flowExporterDevices))
            .register(on: builder)
        DeviceMetricsRoutes(telemetry: TelemetryStore(database: api.database)).register(on: builder)
        SavedDashboardRoutes(
            dashboards: DashboardStore(database: api.database),
            telemetry: TelemetryStore(database: api.database),
            catalog: SeriesCatalog(database: api.database)
        ).register(on: builder)
        self.registerAlerting(api, on: builder)
        builder.add(
            .get,
            "/api/v1/openapi.json",
            access: .anonymous,
            summary: "This API as an OpenAPI 3.0 document",
            operation: .init(response: nil)
        ) { _, _, _ in
            APIResponse.json(OpenAPIDocument.build(catalog.entries, version: NetmondVersion.current))
        }
        return catalog
    }

    /// The alerting routes: rules, channels, policies, silences, alerts and notifications.
    private static func registerAlerting(_ api: APIDependencies, on builder: APIRouteBuilder) {
        let access = AlertDefinitionAccess(
            catalog: AlertingCatalog(database: api.database),
            onChange: api.onAlertingChange
        )
        let list = AlertListStore(database: api.database)
        AlertRuleRoutes(access: access).register(on: builder)
        AlertChannelRoutes(access: access, alerts: list, database: api.database).register(on: builder)
        AlertPolicyRoutes(access: access).register(on: builder)
        AlertSilenceRoutes(access: access).register(on: builder)
        AlertRoutes(access: access, list: list, store: AlertStore(database: api.database)).register(on: builder)
    }

    /// The HTTP server as a swift-service-lifecycle service, listening where `configuration` says,
    /// over HTTPS when `configuration.tls` names a certificate and key (plain HTTP is then refused
    /// on that port). Idle connections close after 60 s; request heads are limited to 16 KiB per
    /// field, 64 KiB in all and 100 fields. `onServerRunning` is called once the socket listens,
    /// with its local address (`host:port`).
    /// - Throws: ``HTTPStartError`` naming the `http.tls` key whose file is missing, unreadable or
    ///   wrong.
    public static func makeApplication(
        configuration: HTTPConfiguration,
        dependencies: Dependencies,
        logger: Logger,
        onServerRunning: @escaping @Sendable (_ localAddress: String) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let http1 = HTTPServerBuilder.http1(configuration: Self.http1Configuration)
        let server =
            try configuration.tls.map {
                try HTTPServerBuilder.tls(http1, tlsConfiguration: ServerTLS.configuration($0))
            }
            ?? http1
        return Application(
            router: self.makeRouter(dependencies: dependencies, logger: logger),
            server: server,
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

    /// HTTP/1.1 settings: idle connections close after 60 s, and request heads are bounded (a field
    /// of at most 16 KiB, 64 KiB and 100 fields in all; larger heads close the connection).
    static let http1Configuration = HTTP1Channel.Configuration(
        idleTimeout: .seconds(60),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: 16 * 1024,
            maxHeaderListSize: 64 * 1024,
            maxHeaderFieldCount: 100
        )
    )
}
