import Foundation
import Logging
import NetmonCore
import NetmonTesting
import Testing

@testable import SNMPPoller

/// The congestion signal end to end, against the lab's hostile agent: its `slow` community
/// answers every request after 3 s (NETMOND_LAB_HOSTILE_SLOW), i.e. after net-snmp's first
/// retransmission with a 2 s timeout; `silent` never answers (a dead device); `ok` answers at once.
@Suite("SNMP late answers and the poll window (lab)", .serialized)
struct LateAnswerLabTests {
    static let engine = SNMPEngine(logger: Logger(label: "test.late-answers"))

    init() throws {
        try Lab.startHostileAgent()
    }

    private func client(
        community: String,
        timeout: Duration,
        retries: Int,
        observer: (any SNMPRequestObserver)?
    ) async throws -> SNMPClient {
        var client = try await Self.engine.client(
            for: SNMPTarget(
                address: "127.0.0.1",
                port: Lab.hostilePort,
                credentials: .v2c(community: community),
                timeout: timeout,
                retries: retries
            )
        )
        client.observer = observer
        return client
    }

    @Test("an answer that needed a retransmission is counted late and shrinks the window")
    func lateAnswer() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 10, floor: 2))
        let client = try await self.client(community: "slow", timeout: .seconds(2), retries: 2, observer: limiter)
        defer { client.close() }
        let lateBefore = Self.engine.lateAnswers
        let response = try await client.send(.get([SystemMIB.sysUpTime]))
        #expect(response.retransmissions >= 1)
        #expect(response.elapsed >= .seconds(2))
        let counts = client.statistics.counts
        #expect(counts.requests == 1)
        #expect(counts.lateAnswers == 1)
        #expect(counts.retransmissions == response.retransmissions)
        #expect(counts.timeouts == 0)
        #expect(Self.engine.lateAnswers - lateBefore == 1)
        #expect(limiter.snapshot.limit == 7)
        #expect(limiter.snapshot.decreases == 1)
    }

    @Test("an answer on the first try that took more than half the timeout also shrinks the window")
    func slowAnswer() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 10, floor: 2))
        let client = try await self.client(community: "slow", timeout: .seconds(5), retries: 0, observer: limiter)
        defer { client.close() }
        let response = try await client.send(.get([SystemMIB.sysUpTime]))
        #expect(response.retransmissions == 0)
        #expect(response.elapsed > .milliseconds(2_500))
        #expect(client.statistics.counts.lateAnswers == 0)
        #expect(limiter.snapshot.limit == 7)
    }

    @Test("a device that never answers times out without moving the window")
    func deadDevice() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 10, floor: 2))
        let client = try await self.client(
            community: "silent",
            timeout: .milliseconds(300),
            retries: 1,
            observer: limiter
        )
        defer { client.close() }
        let timeoutsBefore = Self.engine.timeouts
        let error = await #expect(throws: SNMPError.self) { try await client.get([SystemMIB.sysUpTime]) }
        #expect(error?.code == .timeout)
        let counts = client.statistics.counts
        #expect(counts.requests == 1)
        #expect(counts.timeouts == 1)
        #expect(counts.retransmissions == 1)
        #expect(counts.lateAnswers == 0)
        #expect(Self.engine.timeouts - timeoutsBefore == 1)
        #expect(limiter.snapshot.limit == 10)
        #expect(limiter.snapshot.decreases == 0)
    }

    @Test("a poll's report carries its requests, retransmissions, late answers and timeouts")
    func pollReport() async throws {
        let limiter = AdaptivePollLimiter(window: PollWindow(ceiling: 10, floor: 2))
        let client = try await self.client(community: "ok", timeout: .seconds(2), retries: 1, observer: limiter)
        defer { client.close() }
        var poller = DevicePoller(
            device: MonitoredDevice(
                id: 1,
                name: "hostile-ok",
                address: "127.0.0.1",
                tags: [],
                settings: SNMPDeviceSettings(port: Lab.hostilePort, community: Secret("ok"))
            )
        )
        let outcome = await poller.poll(client, clock: { Int64(Date().timeIntervalSince1970 * 1000) })
        #expect(outcome.report.error == nil)
        #expect(outcome.report.requests > 3)
        #expect(outcome.report.requests == client.statistics.requests)
        #expect(outcome.report.retransmissions == 0)
        #expect(outcome.report.lateAnswers == 0)
        #expect(outcome.report.timeouts == 0)
        #expect(limiter.snapshot.limit == 10)
    }
}
