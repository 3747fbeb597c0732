import Synchronization

/// Requests to one agent through the shared `SNMPEngine`. Cheap to copy; `close()` ends the session.
public struct SNMPClient: Sendable {
    /// Requests sent and bindings received through this client (and its copies).
    public final class Statistics: Sendable {
        private let counts = Mutex<(requests: Int, varBinds: Int)>((0, 0))

        public var requests: Int { self.counts.withLock { $0.requests } }
        public var varBinds: Int { self.counts.withLock { $0.varBinds } }

        func record(varBinds: Int) {
            self.counts.withLock {
                $0.requests += 1
                $0.varBinds += varBinds
            }
        }
    }

    let engine: SNMPEngine
    let session: Int
    public let target: SNMPTarget
    public let statistics = Statistics()

    /// Sends one request and waits for its response.
    public func send(_ request: SNMPRequest) async throws -> SNMPResponse {
        let response = try await self.engine.send(request, session: self.session)
        self.statistics.record(varBinds: response.varBinds.count)
        return response
    }

    /// GET of `oids`; exceptions (noSuchObject...) come back as values.
    public func get(_ oids: [OID]) async throws -> [VarBind] {
        try await self.send(.get(oids)).varBinds
    }

    /// GETNEXT of `oids`.
    public func getNext(_ oids: [OID]) async throws -> [VarBind] {
        try await self.send(.getNext(oids)).varBinds
    }

    /// GETBULK (v2c/v3).
    public func getBulk(_ oids: [OID], nonRepeaters: Int = 0, maxRepetitions: Int) async throws -> [VarBind] {
        try await self.send(.getBulk(nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions, oids)).varBinds
    }

    /// Ends the session. Requests still in flight fail.
    public func close() {
        self.engine.closeSession(self.session)
    }
}
