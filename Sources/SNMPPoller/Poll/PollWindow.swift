/// How many polls may be in flight at once: an AIMD congestion window in the spirit of TCP's
/// (RFC 5681), fed by the outcome of every SNMP request.
///
/// A device is polled one request at a time, so polls in flight are requests in flight. The
/// window starts at its ceiling (`snmp.max_concurrent_polls`) and:
///
/// - shrinks multiplicatively (× `decreaseFactor`) on a congestion signal: a request answered
///   only after a retransmission (the agent is alive but its answer came later than the
///   timeout: the agents, or the path, queue more than they serve in time); a request answered
///   on its first try but after more than half the timeout (the queue is building: the early
///   warning, like ECN, that keeps the window below the point where retransmissions start); a
///   request whose every try timed out right after the same agent answered the previous one
///   (alive a moment ago, so overloaded, not dead);
/// - shrinks at most once per round trip: it ignores late answers to requests sent before its
///   last decrease (everything that was queued when the window was too large comes back late
///   together), and late answers until a window's worth of requests has completed since then
///   (one agent that always answers late sends its next request right after each answer, and
///   must not shrink the window once per request), nor while more polls are still in flight
///   than the window holds (a smaller window takes effect only as polls in flight finish, one
///   poll's duration later: until then more late answers are expected, not news);
/// - does not move when every try of a request timed out and the agent had not just answered: a
///   dead or misconfigured device gives no answer at all, and must not shrink the window of
///   every other device;
/// - grows additively by one poll per window's worth of requests answered on their first try
///   (`+1/size` per answer), and only while at least half of it is in use, so a window nobody
///   fills does not creep up to the ceiling unnoticed;
/// - stays between `floor` and `ceiling`.
///
/// Pure: the caller passes the clock readings, so tests drive it with plain numbers.
package struct PollWindow<Instant: Comparable & Sendable>: Sendable {
    /// What became of one request.
    package enum Outcome: Sendable, Hashable {
        /// Answered on its first try, within half the timeout.
        case answered
        /// Answered on its first try, but after more than half the timeout: congestion building.
        case answeredSlowly
        /// Answered, but only after net-snmp retransmitted it: congestion.
        case answeredAfterRetransmission
        /// Every try timed out, right after the agent answered the previous request: congestion.
        case timedOutAfterAnswer
        /// Every try timed out (the agent had not just answered), or it failed otherwise: no
        /// signal either way.
        case unanswered

        /// Whether this outcome says the agents have more in flight than they serve in time.
        package var isCongestion: Bool {
            switch self {
            case .answeredSlowly, .answeredAfterRetransmission, .timedOutAfterAnswer: true
            case .answered, .unanswered: false
            }
        }
    }

    /// A change of the window's integer limit.
    package struct Change: Sendable, Hashable {
        package var limit: Int
        package var decreased: Bool
    }

    /// The window never grows above this (`snmp.max_concurrent_polls`).
    package let ceiling: Int
    /// The window never shrinks below this (`snmp.min_concurrent_polls`).
    package let floor: Int
    /// The factor a decrease multiplies the window by (CUBIC's 0.7: gentler than Reno's 0.5, as
    /// congestion signals also come from agents that are only briefly slow).
    package let decreaseFactor: Double
    /// The window, fractional so that additive increase can add a fraction per answer.
    package private(set) var size: Double
    /// When the window last shrank; congestion signals of requests sent before then are ignored.
    package private(set) var lastDecrease: Instant?
    /// How often the window shrank.
    package private(set) var decreases = 0
    /// Requests completed (whatever their outcome) since the last decrease.
    package private(set) var completedSinceDecrease = 0

    /// - Parameters:
    ///   - ceiling: the largest window, also the first one; at least 1.
    ///   - floor: the smallest window; clamped to 1...ceiling.
    package init(ceiling: Int, floor: Int, decreaseFactor: Double = 0.7) {
        self.ceiling = max(1, ceiling)
        self.floor = min(self.ceiling, max(1, floor))
        self.decreaseFactor = min(0.95, max(0.1, decreaseFactor))
        self.size = Double(self.ceiling)
    }

    /// How many polls may be in flight now.
    package var limit: Int {
        min(self.ceiling, max(self.floor, Int(self.size.rounded(.down))))
    }

    /// Takes one request's outcome into account.
    ///
    /// - Parameters:
    ///   - sentAt: when the request was first sent.
    ///   - now: when its outcome arrived.
    ///   - inFlight: polls in flight now (growth only happens while half the window is used, a
    ///     further decrease only once the polls in flight fit in the window).
    /// - Returns: the new limit when it changed.
    package mutating func record(_ outcome: Outcome, sentAt: Instant, now: Instant, inFlight: Int) -> Change? {
        let before = self.limit
        self.completedSinceDecrease += 1
        switch outcome {
        case .answered:
            guard Double(inFlight) * 2 >= self.size, self.size < Double(self.ceiling) else { return nil }
            self.size = min(Double(self.ceiling), self.size + 1 / self.size)
        case .answeredSlowly, .answeredAfterRetransmission, .timedOutAfterAnswer:
            if let lastDecrease = self.lastDecrease {
                guard sentAt > lastDecrease, self.completedSinceDecrease > before, inFlight <= before else {
                    return nil
                }
            }
            guard self.size > Double(self.floor) else { return nil }
            self.size = max(Double(self.floor), self.size * self.decreaseFactor)
            self.lastDecrease = now
            self.completedSinceDecrease = 0
            self.decreases += 1
            return Change(limit: self.limit, decreased: true)
        case .unanswered:
            return nil
        }
        return self.limit == before ? nil : Change(limit: self.limit, decreased: false)
    }
}
