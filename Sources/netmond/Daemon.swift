import Alerting
import FlowCollector
import Foundation
import Logging
import NetmonCore
import Prometheus
import SNMPPoller
import ServiceLifecycle
import Storage
import UnixSignals
import WebAPI

/// A failure that keeps the daemon from starting, with a message that says what to do.
struct DaemonStartError: Error {
    var message: String
}

/// Composes every netmond service into one `ServiceGroup` and runs it until SIGTERM or SIGINT.
///
/// Services are listed in dependency order; the group shuts them down in reverse, so the HTTP
/// server stops taking requests and the poller stops polling before the storage writer makes its
/// final flush.
struct Daemon {
    let configuration: NetmondConfiguration
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    func run() async throws {
        let startedAt = ContinuousClock.now
        NetSNMPLibrary.initialize()
        ProcessLimits.raiseOpenFileLimit(logger: self.logger)
        ProcessLimits.tuneMalloc(logger: self.logger)
        self.registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "netmond",
                metricName: "build",
                unitName: "info",
                helpText: "Always 1; the labels name the running version."
            ),
            labels: [("version", NetmondVersion.current)]
        ).set(1.0)

        let database: NetmonDatabase
        do {
            database = try NetmonDatabase.open(configuration: self.configuration.storage, logger: self.logger)
        } catch {
            throw DaemonStartError(message: "\(error)")
        }
        let checkpointer: WALCheckpointer
        do {
            checkpointer = try WALCheckpointer(
                database: database,
                thresholdBytes: self.configuration.storage.journalSizeLimit,
                logger: self.logger
            )
        } catch {
            throw DaemonStartError(message: "\(error)")
        }
        let writer = SampleWriter(database: database, configuration: self.configuration.storage, logger: self.logger)
        let snmpSink = SNMPStorageSink(
            database: database,
            writer: writer,
            registry: SeriesRegistry(database: database),
            logger: self.logger
        )
        let snmpDevices = self.configuration.snmp.devices
        let managedDevices = DeviceAdminStore(database: database)
        let poller = SNMPPollScheduler(
            engine: SNMPEngine(logger: self.logger),
            configuration: self.configuration.snmp,
            devices: {
                // The config file's devices, then those created through the API.
                try await snmpSink.seed(snmpDevices)
                    + managedDevices.managedDevices(excludingNames: Set(snmpDevices.map(\.name)))
            },
            sink: snmpSink,
            logger: self.logger
        )

        let timeSeries = TimeSeriesMaintenance(
            database: database,
            configuration: self.configuration.timeSeries,
            logger: self.logger
        )

        let flowWriter = FlowWriter(
            database: database,
            configuration: self.configuration.flowStorage,
            logger: self.logger
        )
        let flowListeners = FlowListenerService(
            configuration: self.configuration.flows,
            sink: { records in flowWriter.submit(records) },
            logger: self.logger
        )

        let auth = try await self.makeAuthService(database: database)
        let systemd = self.makeSystemdNotifier()
        let captures = CaptureService(
            configuration: self.configuration.capture,
            sink: { records in flowWriter.submit(records) },
            logger: self.logger
        )

        let evaluator =
            self.configuration.alerting.enabled
            ? AlertEvaluator(
                database: database,
                configuration: self.configuration.alerting,
                logger: self.logger,
                exporterDevices: self.configuration.flows.exporterDevices
            )
            : nil
        let http = try self.makeHTTPServer(
            database: database,
            auth: auth,
            poller: poller,
            evaluator: evaluator,
            writer: writer,
            systemd: systemd,
            startedAt: startedAt
        )

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // First, so that it stops last, after the writers' final commits.
            .init(service: checkpointer, serviceName: "wal-checkpointer"),
            .init(service: writer, serviceName: "storage-writer"),
            .init(service: timeSeries, serviceName: "timeseries-maintenance"),
            .init(service: flowWriter, serviceName: "flow-writer"),
            .init(service: poller, serviceName: "snmp-poller"),
            .init(service: flowListeners, serviceName: "flow-listeners"),
            .init(service: captures, serviceName: "captures"),
        ]
        if let evaluator {
            let alerting = self.configuration.alerting
            services.append(
                .init(
                    service: AlertDispatcher(database: database, configuration: alerting, logger: self.logger),
                    serviceName: "alert-dispatcher"
                )
            )
            services.append(
                .init(
                    service: evaluator,
                    serviceName: "alert-evaluator"
                )
            )
        }
        services.append(.init(service: http, serviceName: "http"))
        // Last, so that it hears of a graceful shutdown first and tells systemd STOPPING=1.
        services.append(.init(service: systemd, serviceName: "systemd-notifier"))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: self.logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = self.configuration.daemon.shutdownTimeout
        groupConfiguration.maximumCancellationDuration = .seconds(5)

        self.logger.info(
            "netmond \(NetmondVersion.current) starting",
            metadata: [
                "http.address": "\(self.configuration.http.address):\(self.configuration.http.port)",
                "storage.path": "\(self.configuration.storage.path)",
            ]
        )
        try await ServiceGroup(configuration: groupConfiguration).run()
        self.logger.info("netmond stopped")
    }

    /// The HTTP server with the REST API.
    /// - Throws: ``DaemonStartError`` when `http.tls` names unusable files.
    private func makeHTTPServer(
        database: NetmonDatabase,
        auth: AuthService,
        poller: SNMPPollScheduler,
        evaluator: AlertEvaluator?,
        writer: SampleWriter,
        systemd: SystemdNotifierService,
        startedAt: ContinuousClock.Instant
    ) throws -> some Service {
        let scheme = self.configuration.http.tls == nil ? "http" : "https"
        do {
            return try WebAPIServer.makeApplication(
                configuration: self.configuration.http,
                dependencies: .init(
                    checkDatabase: { try await database.checkHealth() },
                    metrics: self.registry,
                    startedAt: startedAt,
                    api: .init(
                        database: database,
                        auth: auth,
                        snmp: self.configuration.snmp,
                        http: self.configuration.http,
                        onDeviceChange: { change in poller.apply(change) },
                        flowExporterDevices: self.configuration.flows.exporterDevices,
                        onAlertingChange: { evaluator?.requestEvaluation() },
                        timeSeries: self.configuration.timeSeries,
                        sampleWriter: writer
                    )
                ),
                logger: self.logger,
                onServerRunning: { address in
                    self.logger.info("netmond ready: \(scheme)://\(address)/healthz and /metrics")
                    systemd.send("READY=1\nSTATUS=Serving HTTP on \(address)")
                }
            )
        } catch {
            throw DaemonStartError(message: "\(error)")
        }
    }

    /// The API's authentication: the JWT key (created on first start) and the account stores.
    /// Logs how to create the first admin while no user exists.
    private func makeAuthService(database: NetmonDatabase) async throws -> AuthService {
        let key: [UInt8]
        do {
            key = try JWTKeyFile.loadOrCreate(path: self.configuration.jwtKeyPath)
        } catch {
            throw DaemonStartError(message: "\(error)")
        }
        let auth = await AuthService(
            database: database,
            configuration: self.configuration.auth,
            key: key,
            logger: self.logger
        )
        if try await AccountStore(database: database).userCount() == 0 {
            let http = self.configuration.http
            let host = http.address.contains(":") ? "[\(http.address)]" : http.address
            // As a service (not root), the command must run as the service user too, or the files it
            // creates in the state directory would be root's.
            let command =
                geteuid() == 0
                ? "netmond user add --admin NAME" : "runuser -u \(Self.userName()) -- netmond user add --admin NAME"
            let hint =
                "no user exists yet: create the first admin with `\(command)` "
                + "(it asks for the password), then log in at http://\(host):\(http.port)/"
            self.logger.notice("\(hint)")
        }
        return auth
    }

    /// The name of the user the daemon runs as (its uid when it has no name).
    private static func userName() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "#\(geteuid())" }
        return String(cString: name)
    }

    /// The systemd notifier for `NOTIFY_SOCKET` (a no-op outside systemd); an unusable value is
    /// logged and ignored rather than keeping the daemon from starting.
    private func makeSystemdNotifier() -> SystemdNotifierService {
        let notifier: SystemdNotifier
        do {
            notifier = try SystemdNotifier(environment: ProcessInfo.processInfo.environment)
        } catch {
            self.logger.warning("systemd notifications disabled: \(error)")
            notifier = SystemdNotifier(address: nil, watchdogInterval: nil)
        }
        return SystemdNotifierService(notifier: notifier, logger: self.logger)
    }
}
