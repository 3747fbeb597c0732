/// A binding read by a walk, with the agent's sysUpTime from the same response when asked for.
public struct TimedVarBind: Sendable, Hashable {
    public var varBind: VarBind
    /// sysUpTime (centiseconds) carried by the response this binding came in.
    public var agentUptime: UInt32?
}

/// Table walks: GETBULK on v2c/v3 (GETNEXT on v1), several columns at once, with back-off on
/// `tooBig` and timeouts and protection against agents that loop.
extension SNMPClient {
    /// Every binding under `root`, in OID order.
    public func walk(_ root: OID, maxRepetitions: Int = 25, limit: Int = 1_000_000) async throws -> [VarBind] {
        try await self.walkColumns([root], maxRepetitions: maxRepetitions, limit: limit)[0]
    }

    /// Walks several subtrees (typically table columns) side by side, one request for all of
    /// them; returns the bindings of each subtree, in OID order.
    ///
    /// - Throws: `SNMPError` with `.malformedResponse` when the agent returns OIDs that do not
    ///   increase (a loop) or more than `limit` bindings in all; the request's error otherwise.
    public func walkColumns(
        _ roots: [OID],
        maxRepetitions: Int = 25,
        limit: Int = 1_000_000
    ) async throws
        -> [[VarBind]]
    {
        try await self.walkColumns(roots, maxRepetitions: maxRepetitions, limit: limit, withAgentUptime: false)
            .map { $0.map(\.varBind) }
    }

    /// Like `walkColumns`, with sysUpTime asked in every request (as a GETBULK non-repeater), so
    /// each binding carries the agent's time of the very response it came in: rates computed
    /// from it do not depend on how long the walk or the poller took.
    public func walkColumns(
        _ roots: [OID],
        maxRepetitions: Int = 25,
        limit: Int = 1_000_000,
        withAgentUptime: Bool
    ) async throws -> [[TimedVarBind]] {
        let useBulk: Bool = {
            if case .v1 = self.target.credentials { return false }
            return true
        }()
        if !useBulk, roots.count > 1 {
            // v1 has no per-column end marker: noSuchName ends the whole request. One column at a time.
            var results: [[TimedVarBind]] = []
            for root in roots {
                results.append(
                    try await self.walkColumns(
                        [root],
                        maxRepetitions: 1,
                        limit: limit,
                        withAgentUptime: withAgentUptime
                    )[0]
                )
            }
            return results
        }
        // GETNEXT of sysUpTime's column returns sysUpTime.0.
        let clock: [OID] = withAgentUptime ? [OID(Array(SystemMIB.sysUpTime.components.dropLast()))] : []
        var results = Array(repeating: [TimedVarBind](), count: roots.count)
        var cursors = roots
        var active = Array(roots.indices)
        // Rows per request: max-repetitions, but no more bindings per response than the budget
        // (a response of ~4 KB), which halves on tooBig or a timeout.
        var budget = max(1, maxRepetitions) * 4
        var total = 0

        while !active.isEmpty {
            let asked = active.map { cursors[$0] }
            var varBinds: [VarBind]
            do {
                varBinds =
                    try await useBulk
                    ? self.getBulk(
                        clock + asked,
                        nonRepeaters: clock.count,
                        maxRepetitions: max(1, min(maxRepetitions, budget / asked.count))
                    )
                    : self.getNext(clock + asked)
            } catch let error as SNMPError where useBulk && budget > asked.count && Self.shouldBackOff(error) {
                budget = max(asked.count, budget / 2)
                continue
            } catch let error as SNMPError where !useBulk && error.errorStatus == 2 {
                break  // v1 noSuchName: past the end of the MIB view
            }
            var uptime: UInt32?
            if !clock.isEmpty, !varBinds.isEmpty {
                if case .timeTicks(let ticks) = varBinds.removeFirst().value { uptime = ticks }
            }
            guard !varBinds.isEmpty else {
                throw SNMPError(.malformedResponse, "an empty response to a walk request")
            }
            var finished = [Bool](repeating: false, count: roots.count)
            for (position, varBind) in varBinds.enumerated() {
                let column = active[position % asked.count]
                if finished[column] { continue }
                if varBind.value == .endOfMibView {
                    finished[column] = true
                    continue
                }
                // GETNEXT/GETBULK must return OIDs strictly after the one asked for; an agent that
                // does not would make the walk endless.
                guard varBind.oid > cursors[column] else {
                    throw SNMPError(
                        .malformedResponse,
                        "the agent returned \(varBind.oid) after \(cursors[column]): OIDs not increasing, walk stopped"
                    )
                }
                guard varBind.oid.isDescendant(of: roots[column]), !varBind.value.isException else {
                    finished[column] = true
                    continue
                }
                cursors[column] = varBind.oid
                results[column].append(TimedVarBind(varBind: varBind, agentUptime: uptime))
                total += 1
                guard total <= limit else {
                    throw SNMPError(.malformedResponse, "more than \(limit) bindings in one walk, stopped")
                }
            }
            active.removeAll { finished[$0] }
        }
        return results
    }

    /// `tooBig` and timeouts are answered by asking for fewer repetitions.
    private static func shouldBackOff(_ error: SNMPError) -> Bool {
        error.code == .timeout || (error.code == .agentError && error.errorStatus == 1)
    }
}
