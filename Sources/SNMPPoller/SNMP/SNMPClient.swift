/// Requests to one agent through the shared `SNMPEngine`. Cheap to copy; `close()` ends the session.
public struct SNMPClient: Sendable {
    let engine: SNMPEngine
    let session: Int
    public let target: SNMPTarget

    /// Sends one request and waits for its response.
    public func send(_ request: SNMPRequest) async throws -> SNMPResponse {
        try await self.engine.send(request, session: self.session)
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
