import ArgumentParser
import Logging
import Metrics
import NetmonCore
import Prometheus
import SNMPPoller
import ServiceLifecycle
import Storage
import UnixSignals
import WebAPI

/// `netmond run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground until SIGTERM or SIGINT.",
        discussion: """
            Loads and validates the configuration, opens (and migrates) the database, and starts \
            every service. SIGTERM or SIGINT shut down gracefully: sockets close, pending writes are \
            flushed, and netmond exits 0 within daemon.shutdown_timeout.
            """
    )

    @Option(name: .shortAndLong, help: "The configuration file.", completion: .file(extensions: ["yaml", "yml"]))
    var config: String = defaultConfigurationPath

    func run() async throws {
        let configuration: NetmondConfiguration
        do {
            configuration = try NetmondConfiguration.load(path: self.config)
        } catch {
            printError(error.description)
            printError(
                "netmond did not start: fix the configuration (check it with `netmond check-config \(self.config)`)."
            )
            throw ExitCode.failure
        }

        LoggingSystem.bootstrap { label in
            OneLineLogHandler(label: label, level: configuration.log.level, format: configuration.log.format)
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "netmond")

        do {
            try await Daemon(configuration: configuration, registry: registry, logger: logger).run()
        } catch let error as DaemonStartError {
            logger.critical("netmond did not start: \(error.message)")
            throw ExitCode.failure
        }
    }
}
