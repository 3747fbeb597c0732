/// Configuration of the daemon as a whole (`daemon:` in netmond.yaml).
public struct DaemonConfiguration: Sendable, Equatable {
    /// Longest time a graceful shutdown (SIGTERM, SIGINT) may take before netmond exits anyway.
    public var shutdownTimeout: Duration

    public init(shutdownTimeout: Duration = .seconds(10)) {
        self.shutdownTimeout = shutdownTimeout
    }
}

extension DaemonConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("shutdown_timeout", into: &self.shutdownTimeout) { $0.duration(in: .seconds(1)...(.seconds(300))) }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([("shutdown_timeout", .scalar(ConfigParsers.format(self.shutdownTimeout)))])
    }
}
