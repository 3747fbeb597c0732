/// One problem found in a configuration file, located by key path and line.
///
/// Its description reads like `flows.listeners[1].port: 70000 is not a port (line 23)`.
public struct ConfigurationIssue: Sendable, Equatable, CustomStringConvertible {
    /// Dotted key path with list indices, e.g. `http.port` or `snmp.devices[2].address`.
    public var path: String
    /// 1-based line in the file, when known.
    public var line: Int?
    /// What is wrong, and where possible what to write instead.
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = self.line.map { " (line \($0))" } ?? ""
        return self.path.isEmpty ? "\(self.message)\(location)" : "\(self.path): \(self.message)\(location)"
    }
}

/// The error thrown when a configuration cannot be used: every issue found, in file order.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the configuration was read from, if any.
    public var file: String?
    /// Every issue found. Never empty.
    public var issues: [ConfigurationIssue]

    public init(file: String?, issues: [ConfigurationIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let header = self.file.map { "\($0): " } ?? ""
        let count = self.issues.count == 1 ? "1 error" : "\(self.issues.count) errors"
        return "\(header)\(count)\n" + self.issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
