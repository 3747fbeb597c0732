/// Why a delivery attempt failed, and whether retrying can help.
public struct DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The HTTP status or SMTP reply code, when one came.
    public var status: Int?
    /// False when retrying cannot help (refused destination, redirect, bad request): dead at once.
    public var retryable: Bool

    public init(_ message: String, status: Int? = nil, retryable: Bool) {
        self.message = message
        self.status = status
        self.retryable = retryable
    }

    public var description: String { self.message }
}
