import Alerting
import FlowCollector
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
        let writer = SampleWriter(database: database, configuration: self.configuration.storage, logger: self.logger)
        let snmpSink = SNMPStorageSink(
            database: database,
            writer: writer,
            registry: SeriesRegistry(database: database),
            logger: self.logger
        )
        let snmpDevices = self.configuration.snmp.devices
        let poller = SNMPPollScheduler(
            engine: SNMPEngine(logger: self.logger),
            configuration: self.configuration.snmp,
            devices: { try await snmpSink.seed(snmpDevices) },
            sink: snmpSink,
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

        let http = WebAPIServer.makeApplication(
            configuration: self.configuration.http,
            dependencies: .init(
                checkDatabase: { try await database.checkHealth() },
                metrics: self.registry,
                startedAt: startedAt
            ),
            logger: self.logger
        )

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: writer, serviceName: "storage-writer"),
            .init(service: flowWriter, serviceName: "flow-writer"),
            .init(service: poller, serviceName: "snmp-poller"),
            .init(service: flowListeners, serviceName: "flow-listeners"),
        ]
        if self.configuration.alerting.enabled {
            let alerting = self.configuration.alerting
            services.append(
                .init(
                    service: AlertDispatcher(database: database, configuration: alerting, logger: self.logger),
                    serviceName: "alert-dispatcher"
                )
            )
            services.append(
                .init(
                    service: AlertEvaluator(database: database, configuration: alerting, logger: self.logger),
                    serviceName: "alert-evaluator"
                )
            )
        }
        services.append(.init(service: http, serviceName: "http"))
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
}
