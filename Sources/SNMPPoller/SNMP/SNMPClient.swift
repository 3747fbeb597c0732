import Synchronization

/// Requests to one agent through the shared `SNMPEngine`. Cheap to copy; `close()` ends the session.
public struct SNMPClient: Sendable {
    /// What a client's requests came to; `SNMPClient.Statistics` sums them.
    public struct Counts: Sendable, Hashable {
        /// Requests sent (each once, however often net-snmp retransmitted it).
        public var requests = 0
        /// Bindings received.
        public var varBinds = 0
        /// Retransmissions net-snmp made (a timed-out request counts its `retries`).
        public var retransmissions = 0
        /// Requests answered only after a retransmission.
        public var lateAnswers = 0
        /// Requests whose every try timed out.
        public var timeouts = 0

        public init() {}

        /// What happened between `earlier` and `self`.
        public static func - (later: Counts, earlier: Counts) -> Counts {
            var delta = Counts()
            delta.requests = later.requests - earlier.requests
            delta.varBinds = later.varBinds - earlier.varBinds
            delta.retransmissions = later.retransmissions - earlier.retransmissions
            delta.lateAnswers = later.lateAnswers - earlier.lateAnswers
            delta.timeouts = later.timeouts - earlier.timeouts
            return delta
        }
    }

    /// Requests sent and bindings received through this client (and its copies).
    public final class Statistics: Sendable {
        private let state = Mutex(Counts())
        /// When the last answer (of any kind) came.
        private let lastAnswer = Mutex<ContinuousClock.Instant?>(nil)

        public var counts: Counts { self.state.withLock { $0 } }
        public var requests: Int { self.counts.requests }
        public var varBinds: Int { self.counts.varBinds }

        /// When the agent last answered a request of this client.
        var lastAnswerAt: ContinuousClock.Instant? { self.lastAnswer.withLock { $0 } }

        func record(
            _ outcome: SNMPRequestCompletion.Outcome,
            varBinds: Int,
            retries: Int,
            at time: ContinuousClock.Instant
        ) {
            switch outcome {
            case .answered, .answeredAfterRetransmission, .rejected: self.lastAnswer.withLock { $0 = time }
            case .timedOut, .failed: break
            }
            self.state.withLock { counts in
                counts.requests += 1
                counts.varBinds += varBinds
                switch outcome {
                case .answered, .rejected, .failed:
                    break
                case .answeredAfterRetransmission(let retransmissions):
                    counts.lateAnswers += 1
                    counts.retransmissions += retransmissions
                case .timedOut:
                    counts.timeouts += 1
                    counts.retransmissions += retries
                }
            }
        }
    }

    let engine: SNMPEngine
    let session: Int
    public let target: SNMPTarget
    public let statistics = Statistics()
    /// Told of every request's outcome (the poll scheduler's window listens here).
    public var observer: (any SNMPRequestObserver)?

    /// Sends one request and waits for its response.
    public func send(_ request: SNMPRequest) async throws -> SNMPResponse {
        let sentAt = ContinuousClock.now
        let followsAnswer = self.statistics.lastAnswerAt.map { sentAt - $0 < self.target.timeout } ?? false
        let outcome: SNMPRequestCompletion.Outcome
        let result: Result<SNMPResponse, any Error>
        do {
            let response = try await self.engine.send(request, session: self.session)
            outcome =
                response.retransmissions > 0
                ? .answeredAfterRetransmission(retransmissions: response.retransmissions) : .answered
            result = .success(response)
        } catch let error as SNMPError where error.code == .timeout {
            (outcome, result) = (.timedOut, .failure(error))
        } catch let error as SNMPError
            where [.agentError, .authenticationFailed, .malformedResponse].contains(error.code)
        {
            (outcome, result) = (.rejected, .failure(error))
        } catch {
            (outcome, result) = (.failed, .failure(error))
        }
        let varBinds = (try? result.get())?.varBinds.count ?? 0
        let completedAt = ContinuousClock.now
        self.statistics.record(outcome, varBinds: varBinds, retries: self.target.retries, at: completedAt)
        self.observer?.completed(
            SNMPRequestCompletion(
                outcome: outcome,
                sentAt: sentAt,
                completedAt: completedAt,
                timeout: self.target.timeout,
                followsAnswer: followsAnswer
            )
        )
        return try result.get()
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
