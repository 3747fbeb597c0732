/// How urgent an alert is. Ordered: `critical` is the highest.
///
/// The alerting issue builds rules, states and notifications on this vocabulary; it is shared
/// with the API (as the lower-case raw value) and with notification templates.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case info
    case warning
    case minor
    case major
    case critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        Self.allCases.firstIndex(of: self)!
    }

    /// Parses a severity written by a user: case-insensitive, with the common synonyms `warn`
    /// and `crit`.
    public init?(userText: String) {
        switch userText.lowercased() {
        case "warn": self = .warning
        case "crit": self = .critical
        case let text: self.init(rawValue: text)
        }
    }
}
