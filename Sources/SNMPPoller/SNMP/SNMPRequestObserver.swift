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
        /// The agent answered with an error (an error-status, a v3 report) or with something
        /// that could not be read.
        case rejected
        /// Failed without an answer (not sent, the session closed, the engine stopped).
        case failed
    }

    public var outcome: Outcome
    /// When the request was first sent.
    public var sentAt: ContinuousClock.Instant
    /// When its outcome arrived.
    public var completedAt: ContinuousClock.Instant
    /// The agent's timeout per try.
    public var timeout: Duration
    /// The client's previous request was answered less than one `timeout` before this one was
    /// sent: the agent was alive a moment ago (a walk's next request, a poll's next step). A
    /// timeout then means an agent that is overloaded, not dead.
    public var followsAnswer: Bool

    public init(
        outcome: Outcome,
        sentAt: ContinuousClock.Instant,
        completedAt: ContinuousClock.Instant,
        timeout: Duration,
        followsAnswer: Bool
    ) {
        self.outcome = outcome
        self.sentAt = sentAt
        self.completedAt = completedAt
        self.timeout = timeout
        self.followsAnswer = followsAnswer
    }
}

/// Told of every request an `SNMPClient` completes, on the task that sent it. Must be quick and
/// must not block: it runs between a response and the next request.
public protocol SNMPRequestObserver: Sendable {
    func completed(_ completion: SNMPRequestCompletion)
}
