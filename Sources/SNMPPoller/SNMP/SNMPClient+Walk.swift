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
        if case .v1 = self.target.credentials, roots.count > 1 {
            // v1 has no per-column end marker: noSuchName ends the whole request. One column at a time.
            var results: [[VarBind]] = []
            for root in roots { results.append(try await self.walk(root, limit: limit)) }
            return results
        }
        var results = Array(repeating: [VarBind](), count: roots.count)
        var cursors = roots
        var active = Array(roots.indices)
        var repetitions = max(1, maxRepetitions)
        var total = 0
        let useBulk: Bool = {
            if case .v1 = self.target.credentials { return false }
            return true
        }()

        while !active.isEmpty {
            let asked = active.map { cursors[$0] }
            let varBinds: [VarBind]
            do {
                varBinds =
                    try await useBulk
                    ? self.getBulk(asked, maxRepetitions: max(1, repetitions / asked.count))
                    : self.getNext(asked)
            } catch let error as SNMPError where useBulk && repetitions > asked.count && Self.shouldBackOff(error) {
                repetitions = max(asked.count, repetitions / 2)
                continue
            } catch let error as SNMPError where !useBulk && error.errorStatus == 2 {
                break  // v1 noSuchName: past the end of the MIB view
            }
            guard !varBinds.isEmpty else {
                throw SNMPError(.malformedResponse, "an empty response to a walk request")
            }
            var finished: Set<Int> = []
            for (position, varBind) in varBinds.enumerated() {
                let column = active[position % asked.count]
                if finished.contains(column) { continue }
                let root = roots[column]
                if varBind.value == .endOfMibView {
                    finished.insert(column)
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
                guard varBind.oid.isDescendant(of: root), !varBind.value.isException else {
                    finished.insert(column)
                    continue
                }
                cursors[column] = varBind.oid
                results[column].append(varBind)
                total += 1
                guard total <= limit else {
                    throw SNMPError(.malformedResponse, "more than \(limit) bindings in one walk, stopped")
                }
            }
            active.removeAll { finished.contains($0) }
        }
        return results
    }

    /// `tooBig` and timeouts are answered by asking for fewer repetitions.
    private static func shouldBackOff(_ error: SNMPError) -> Bool {
        error.code == .timeout || (error.code == .agentError && error.errorStatus == 1)
    }
}
