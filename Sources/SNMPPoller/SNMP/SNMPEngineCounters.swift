import Synchronization

/// What an `SNMPEngine` has done since it started: requests sent and how many of them net-snmp
/// had to retransmit after a timeout. Retransmissions are work for nothing on both sides (the agent
/// often answers both copies); many of them mean agents slower than the timeout, or too many
/// requests in flight for them.
final class SNMPEngineCounters: Sendable {
    let requests = Atomic<Int>(0)
    let retransmissions = Atomic<Int>(0)
    let lateAnswers = Atomic<Int>(0)
    let timeouts = Atomic<Int>(0)
}

extension SNMPEngine {
    /// Requests sent (each counted once, however often it was retransmitted).
    public var requestsSent: Int { self.counters.requests.load(ordering: .relaxed) }

    /// Retransmissions net-snmp made after a request's timeout (one per resend).
    public var retransmissions: Int { self.counters.retransmissions.load(ordering: .relaxed) }

    /// Requests answered only after at least one retransmission (late answers).
    public var lateAnswers: Int { self.counters.lateAnswers.load(ordering: .relaxed) }

    /// Requests whose every try timed out.
    public var timeouts: Int { self.counters.timeouts.load(ordering: .relaxed) }
}
