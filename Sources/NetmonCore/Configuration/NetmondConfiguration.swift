import Foundation
import Yams

/// The whole configuration of netmond, decoded from one YAML file (etc/netmond.yaml documents
/// every key). Sections a file leaves out keep their documented defaults.
public struct NetmondConfiguration: Sendable, Equatable {
    public var daemon: DaemonConfiguration
    public var log: LogConfiguration
    public var http: HTTPConfiguration
    public var storage: StorageConfiguration
    public var snmp: SNMPConfiguration
    public var flows: FlowConfiguration
    /// Flow storage: raw and per-minute retention, top keys, writer queue (`flow_storage:`).
    public var flowStorage: FlowStorageConfiguration
    /// API authentication: JWT key, token lifetimes, bcrypt cost, login rate limits (`auth:`).
    public var auth: AuthConfiguration
    /// The time-series engine: rollups, retention, compression, disk budget (`timeseries:`).
    public var timeSeries: TimeSeriesConfiguration
    /// Live packet captures turned into flows (`capture:`, default none).
    public var capture: CaptureConfiguration
    /// Alerting: evaluation, delivery, SSRF allowance, SMTP and seeded rules (`alerting:`).
    public var alerting: AlertingConfiguration

    public init(
        daemon: DaemonConfiguration = .init(),
        log: LogConfiguration = .init(),
        http: HTTPConfiguration = .init(),
        storage: StorageConfiguration = .init(),
        snmp: SNMPConfiguration = .init(),
        flows: FlowConfiguration = .init(),
        flowStorage: FlowStorageConfiguration = .init(),
        auth: AuthConfiguration = .init(),
        timeSeries: TimeSeriesConfiguration = .init(),
        capture: CaptureConfiguration = .init(),
        alerting: AlertingConfiguration = .init()
    ) {
        self.daemon = daemon
        self.log = log
        self.http = http
        self.storage = storage
        self.snmp = snmp
        self.flows = flows
        self.flowStorage = flowStorage
        self.auth = auth
        self.timeSeries = timeSeries
        self.capture = capture
        self.alerting = alerting
    }

    /// Reads and validates the configuration file at `path`.
    ///
    /// - Throws: `ConfigurationError` listing every problem with its key path and line, including
    ///   a missing or unreadable file and invalid YAML.
    public static func load(path: String) throws(ConfigurationError) -> NetmondConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? "cannot be read (check its permissions and that it is UTF-8 text)"
                : "does not exist; pass the path of a netmond.yaml (the package installs /etc/netmond/netmond.yaml)"
            throw ConfigurationError(file: path, issues: [.init(path: "", line: nil, message: "the file \(reason)")])
        }
        return try self.parse(yaml: text, file: path)
    }

    /// Decodes and validates configuration text; `file` only labels errors.
    public static func parse(yaml: String, file: String? = nil) throws(ConfigurationError) -> NetmondConfiguration {
        let root: Node
        do {
            guard let document = try Yams.compose(yaml: yaml) else { return NetmondConfiguration() }
            root = document
        } catch let error as YamlError {
            throw ConfigurationError(file: file, issues: [Self.issue(for: error)])
        } catch {
            throw ConfigurationError(
                file: file,
                issues: [.init(path: "", line: nil, message: "invalid YAML: \(error)")]
            )
        }
        let diagnostics = ConfigDiagnostics()
        let configuration = NetmondConfiguration(ConfigValue(node: root, path: "", diagnostics: diagnostics))
        guard diagnostics.issues.isEmpty else {
            throw ConfigurationError(file: file, issues: diagnostics.issues)
        }
        return configuration
    }

    private static func issue(for error: YamlError) -> ConfigurationIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }
            return .init(path: "", line: mark.line, message: "invalid YAML: \(detail.joined(separator: ", "))")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .init(
                path: "",
                line: context.mark.line,
                message: "duplicate keys in one mapping: \(duplicates.joined(separator: ", "))"
            )
        default:
            return .init(path: "", line: nil, message: "invalid YAML: \(error)")
        }
    }

    /// The JWT signing key file: `auth.jwt_key_file`, or `jwt.key` beside the database.
    public var jwtKeyPath: String {
        if let path = self.auth.jwtKeyFile { return path }
        let database = self.storage.path
        guard let slash = database.lastIndex(of: "/") else { return "jwt.key" }
        return String(database[...slash]) + "jwt.key"
    }

    /// The effective configuration, every default filled in, as YAML.
    public func renderYAML() -> String {
        self.configTree.yaml()
    }
}

extension NetmondConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        self.daemon = mapping["daemon"].map(DaemonConfiguration.init) ?? .init()
        self.log = mapping["log"].map(LogConfiguration.init) ?? .init()
        self.http = mapping["http"].map(HTTPConfiguration.init) ?? .init()
        self.storage = mapping["storage"].map(StorageConfiguration.init) ?? .init()
        self.snmp = mapping["snmp"].map(SNMPConfiguration.init) ?? .init()
        self.flows = mapping["flows"].map(FlowConfiguration.init) ?? .init()
        self.flowStorage = mapping["flow_storage"].map(FlowStorageConfiguration.init) ?? .init()
        self.auth = mapping["auth"].map(AuthConfiguration.init) ?? .init()
        self.timeSeries = mapping["timeseries"].map(TimeSeriesConfiguration.init) ?? .init()
        self.capture = mapping["capture"].map(CaptureConfiguration.init) ?? .init()
        self.alerting = mapping["alerting"].map(AlertingConfiguration.init) ?? .init()
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([
            ("daemon", self.daemon.configTree),
            ("log", self.log.configTree),
            ("http", self.http.configTree),
            ("storage", self.storage.configTree),
            ("snmp", self.snmp.configTree),
            ("flows", self.flows.configTree),
            ("flow_storage", self.flowStorage.configTree),
            ("auth", self.auth.configTree),
            ("timeseries", self.timeSeries.configTree),
            ("capture", self.capture.configTree),
            ("alerting", self.alerting.configTree),
        ])
    }
}
