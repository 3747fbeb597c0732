/// One reading of a counter, with the times it was taken at.
public struct CounterReading: Sendable, Hashable {
    /// The counter's width: 32-bit counters wrap at 2^32 (often within minutes on fast links).
    public enum Width: Sendable, Hashable {
        case bits32
        case bits64
    }

    public var value: UInt64
    public var width: Width
    /// The agent's sysUpTime (centiseconds) when it answered, when known.
    public var agentUptime: UInt32?
    /// The poller's clock when the answer arrived, UTC epoch milliseconds.
    public var wallTime: Int64
    /// `ifCounterDiscontinuityTime` (or another discontinuity marker), when the agent has one.
    public var discontinuityMarker: UInt32?

    public init(
        value: UInt64,
        width: Width,
        agentUptime: UInt32?,
        wallTime: Int64,
        discontinuityMarker: UInt32? = nil
    ) {
        self.value = value
        self.width = width
        self.agentUptime = agentUptime
        self.wallTime = wallTime
        self.discontinuityMarker = discontinuityMarker
    }
}

/// Why two readings give no rate. A gap is stored as such: graphs show a hole, never a spike.
public enum RateGap: Error, Sendable, Hashable, CustomStringConvertible {
    /// The agent's sysUpTime went backwards: it rebooted, its counters restarted.
    case agentRestarted
    /// The agent says the counter had a discontinuity (ifCounterDiscontinuityTime changed).
    case discontinuity
    /// A 64-bit counter went backwards without a reboot (reset by an operator or a line card).
    case counterReset
    /// The rate exceeds what the interface can carry: a counter glitch, not traffic.
    case impossible(rate: Double, limit: Double)
    /// No time passed between the readings (or time went backwards).
    case noElapsedTime

    public var description: String {
        switch self {
        case .agentRestarted: "agent restarted (sysUpTime went backwards)"
        case .discontinuity: "counter discontinuity (ifCounterDiscontinuityTime changed)"
        case .counterReset: "64-bit counter went backwards without a restart"
        case .impossible(let rate, let limit): "impossible rate \(rate)/s above the limit \(limit)/s"
        case .noElapsedTime: "no time elapsed between readings"
        }
    }
}

/// Turns two readings of one counter into a per-second rate, honestly.
///
/// - Time is the agent's own (sysUpTime delta) when it is plausible against the poller's clock
///   (within a factor of two), else the poller's; sysUpTime's own 2^32 wrap (497 days) is
///   recognised.
/// - A 32-bit counter that went backwards wrapped once; a 64-bit one was reset (a gap).
/// - sysUpTime going backwards is a restart (a gap), whatever the counter did.
/// - A changed discontinuity marker is a gap.
/// - A rate above `limit` (e.g. the interface speed in octets/s) is a gap, never capped.
public enum CounterRate {
    public static func rate(
        from previous: CounterReading,
        to current: CounterReading,
        limit: Double? = nil
    ) -> Result<Double, RateGap> {
        if let before = previous.discontinuityMarker, let after = current.discontinuityMarker, before != after {
            return .failure(.discontinuity)
        }
        let wallSeconds = Double(current.wallTime - previous.wallTime) / 1000
        var seconds = wallSeconds
        if let before = previous.agentUptime, let after = current.agentUptime {
            let ticks: Double
            if after >= before {
                ticks = Double(after - before)
            } else if Self.isUptimeWrap(before: before, after: after, wallSeconds: wallSeconds) {
                ticks = Double(UInt64(after) + (1 << 32) - UInt64(before))
            } else {
                return .failure(.agentRestarted)
            }
            let agentSeconds = ticks / 100
            if wallSeconds > 0, agentSeconds >= wallSeconds / 2, agentSeconds <= wallSeconds * 2 {
                seconds = agentSeconds
            }
        }
        guard seconds > 0 else { return .failure(.noElapsedTime) }

        let delta: UInt64
        if current.value >= previous.value {
            delta = current.value - previous.value
        } else {
            switch current.width {
            case .bits32:
                // Wrapped once past 2^32. (Twice within one interval cannot be seen; the limit catches
                // the impossible rates a misread wrap would give.)
                delta = (current.value &+ (1 << 32)) &- previous.value
            case .bits64:
                return .failure(.counterReset)
            }
        }
        let rate = Double(delta) / seconds
        if let limit, limit > 0, rate > limit {
            return .failure(.impossible(rate: rate, limit: limit))
        }
        return .success(rate)
    }

    /// sysUpTime wraps at 2^32 centiseconds; a reading just past the wrap is not a restart.
    private static func isUptimeWrap(before: UInt32, after: UInt32, wallSeconds: Double) -> Bool {
        let untilWrap = Double(UInt64(1 << 32) - UInt64(before)) / 100
        let sinceWrap = Double(after) / 100
        let implied = untilWrap + sinceWrap
        return wallSeconds > 0 && implied <= wallSeconds * 2 && implied >= wallSeconds / 2
    }
}
