import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes each message as one line on standard output, in a format
/// journald and `grep` both read well: `2026-11-27T12:00:00.123Z info netmond: message key=value`,
/// or with `journald` format `<6>netmond: message key=value` (journald turns the `<N>` syslog
/// priority into the entry's level and adds its own timestamp).
public struct OneLineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let journald: Bool
    private let output: @Sendable (String) -> Void

    /// - Parameters:
    ///   - format: `.auto` picks `.journald` when the `JOURNAL_STREAM` environment variable says
    ///     standard output is the journal.
    ///   - output: where finished lines go; standard output by default.
    public init(
        label: String,
        level: Logger.Level,
        format: LogConfiguration.Format,
        output: (@Sendable (String) -> Void)? = nil
    ) {
        self.label = label
        self.logLevel = level
        switch format {
        case .auto: self.journald = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        case .text: self.journald = false
        case .journald: self.journald = true
        }
        self.output = output ?? StandardOutput.write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = Self.format(
            level: event.level,
            label: self.label,
            message: event.message.description,
            metadata: merged,
            date: self.journald ? nil : Date()
        )
        self.output(line)
    }

    /// Formats one log line (pure: used by the handler and tested directly). Newlines and other
    /// control characters in messages and values are escaped so one event is always one line;
    /// values with spaces or quotes are quoted.
    public static func format(
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata,
        date: Date?
    ) -> String {
        var line = ""
        if let date {
            line += Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
            line += " \(level.rawValue) "
        } else {
            line += "<\(level.syslogPriority)>"
        }
        line += "\(label): \(escapeControls(message))"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(quoteIfNeeded(escapeControls("\(metadata[key]!)")))"
        }
        return line
    }

    private static func escapeControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                escaped += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func quoteIfNeeded(_ text: String) -> String {
        guard text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }
}

extension Logger.Level {
    /// The syslog priority journald maps this level to.
    var syslogPriority: Int {
        switch self {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}

/// Serialised, line-buffered writes to standard output, so concurrent log lines never interleave.
enum StandardOutput {
    private static let lock = Mutex(())

    static let write: @Sendable (String) -> Void = { line in
        lock.withLock { _ in
            var text = line
            text.append("\n")
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
