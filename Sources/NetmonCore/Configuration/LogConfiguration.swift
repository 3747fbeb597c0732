import Logging

/// Configuration of logging (`log:` in netmond.yaml).
public struct LogConfiguration: Sendable, Equatable {
    /// How each log line is written to standard output.
    public enum Format: String, Sendable, CaseIterable {
        /// `journald` when standard output is the systemd journal, else `text`.
        case auto
        /// `2026-11-27T12:00:00.123Z info netmond: message key=value`.
        case text
        /// `<6>netmond: message key=value`: a syslog priority prefix journald turns into a level,
        /// no timestamp (journald adds its own).
        case journald
    }

    /// Lowest level written: trace, debug, info, notice, warning, error or critical.
    public var level: Logger.Level
    public var format: Format

    public init(level: Logger.Level = .info, format: Format = .auto) {
        self.level = level
        self.format = format
    }
}

extension LogConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("level", into: &self.level) {
            $0.oneOf([
                "trace": .trace, "debug": .debug, "info": .info, "notice": .notice, "warning": .warning,
                "error": .error, "critical": .critical,
            ])
        }
        mapping.read("format", into: &self.format) {
            $0.oneOf(["auto": .auto, "text": .text, "journald": .journald])
        }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([("level", .scalar(self.level.rawValue)), ("format", .scalar(self.format.rawValue))])
    }
}
