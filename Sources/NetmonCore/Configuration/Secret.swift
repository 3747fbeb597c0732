/// A password or community string from the configuration. Its description is always `***`, so
/// it never reaches a log line, an error message or `check-config` output by accident.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself: pass it to the library that needs it, never to a log.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
}
