/// What became of one request sent through an `SNMPClient`, for whoever adapts to the agents'
/// pace (the poll scheduler's window).
public struct SNMPRequestCompletion: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Answered on its first try.
        case answered
        /// Answered after net-snmp retransmitted it (`retransmissions` times): the agent or the
        /// path is alive but slower than the timeout.
        case answeredAfterRetransmission(retransmissions: Int)
        /// Every try timed out.
        case timedOut
        /// Failed otherwise (an agent error, a malformed answer, a closed session...).
        case failed
    }

    public var outcome: Outcome
    /// When the request was first sent.
    public var sentAt: ContinuousClock.Instant
    /// When its outcome arrived.
    public var completedAt: ContinuousClock.Instant
}

/// Told of every request an `SNMPClient` completes, on the task that sent it. Must be quick and
/// must not block: it runs between a response and the next request.
public protocol SNMPRequestObserver: Sendable {
    func completed(_ completion: SNMPRequestCompletion)
}
