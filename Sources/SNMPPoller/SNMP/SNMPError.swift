/// Why an SNMP request failed.
public struct SNMPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No response within timeout × (retries + 1).
        case timeout
        /// The session could not be opened (bad address, bad v3 parameters...).
        case sessionFailed
        /// net-snmp refused to send the request.
        case sendFailed
        /// The agent answered with an error-status (noSuchName, tooBig, authorizationError...).
        case agentError
        /// An SNMPv3 report: unknown user, wrong digest (password), decryption error...
        case authenticationFailed
        /// The response made no sense (wrong types, OIDs not increasing in a walk, too large).
        case malformedResponse
        /// The engine was shut down.
        case engineStopped
    }

    public var code: Code
    public var message: String
    /// For `agentError`: the SNMP error-status value (1 tooBig, 2 noSuchName, ...).
    public var errorStatus: Int?

    public init(_ code: Code, _ message: String, errorStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.errorStatus = errorStatus
    }

    public var description: String { "\(self.code.rawValue): \(self.message)" }

    /// The SNMP error-status names of RFC 3416.
    static func statusName(_ status: Int) -> String {
        let names = [
            "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
            "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue", "resourceUnavailable",
            "commitFailed", "undoFailed", "authorizationError", "notWritable", "inconsistentName",
        ]
        return status >= 0 && status < names.count ? names[status] : "error-status \(status)"
    }
}
