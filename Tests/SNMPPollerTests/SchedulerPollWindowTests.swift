import Logging
import NetmonCore
import NetmonTesting
import ServiceLifecycle
import Synchronization
import Testing

@testable import SNMPPoller

/// The scheduler's poll window against the lab's hostile agent: dead devices (`silent`) next to
/// healthy ones (`ok`) leave it at its ceiling; an agent that answers after the timeout (`slow`,
/// 3 s against 2 s) shrinks it.
@Suite("Poll scheduler: the adaptive window (lab)", .serialized)
struct SchedulerPollWindowTests {
    init() throws {
        try Lab.startHostileAgent()
    }

    private static func device(id: Int64, community: String, timeout: Duration) -> MonitoredDevice {
        MonitoredDevice(
            id: id,
            name: "\(community)-\(id)",
            address: "127.0.0.1",
            tags: [],
            settings: SNMPDeviceSettings(
                port: Lab.hostilePort,
                community: Secret(community),
                timeout: timeout,
                retries: 1,
                pollInterval: .seconds(1)
            )
        )
    }

    /// Runs a scheduler over `devices` until `condition` holds or `seconds` pass; returns its window.
    private func run(
        _ devices: [MonitoredDevice],
        sink: SchedulerRuntimeChangesTests.RecordingSink,
        for seconds: Int,
        until condition: @escaping (AdaptivePollLimiter.Snapshot) -> Bool
    ) async throws -> AdaptivePollLimiter.Snapshot {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let scheduler = SNMPPollScheduler(
            engine: SNMPEngine(logger: logger),
            configuration: SNMPConfiguration(maxConcurrentPolls: 10, minConcurrentPolls: 2),
            devices: { devices },
            sink: sink,
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [scheduler], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline, !condition(scheduler.windowSnapshot) {
                try await Task.sleep(for: .milliseconds(100))
            }
            let snapshot = scheduler.windowSnapshot
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return snapshot
        }
    }

    @Test("dead devices time out without shrinking the window of the healthy ones")
    func deadDevices() async throws {
        let sink = SchedulerRuntimeChangesTests.RecordingSink()
        let devices = [
            Self.device(id: 1, community: "silent", timeout: .milliseconds(300)),
            Self.device(id: 2, community: "silent", timeout: .milliseconds(300)),
            Self.device(id: 3, community: "ok", timeout: .seconds(2)),
            Self.device(id: 4, community: "ok", timeout: .seconds(2)),
        ]
        let deadPolled: @Sendable ([PollReport]) -> Bool = { reports in
            reports.contains { $0.deviceID == 1 && $0.error != nil && $0.timeouts == 1 && $0.lateAnswers == 0 }
        }
        let healthyPolled: @Sendable ([PollReport]) -> Bool = { reports in
            reports.contains { $0.deviceID == 3 && $0.error == nil && $0.requests > 3 }
        }
        // Until both kinds of poll were reported (seconds when the machine is idle; bounded for a
        // loaded one), then the window must be untouched.
        let window = try await self.run(devices, sink: sink, for: 30) { _ in
            sink.reports.withLock { deadPolled($0) && healthyPolled($0) }
        }
        #expect(window.limit == 10)
        #expect(window.decreases == 0)
        let reports = sink.reports.withLock { $0 }
        #expect(deadPolled(reports))
        #expect(healthyPolled(reports))
    }

    @Test("an agent that answers only after a retransmission shrinks the window")
    func lateAgent() async throws {
        let sink = SchedulerRuntimeChangesTests.RecordingSink()
        let devices = [
            Self.device(id: 1, community: "slow", timeout: .seconds(2)),
            Self.device(id: 2, community: "ok", timeout: .seconds(2)),
        ]
        let window = try await self.run(devices, sink: sink, for: 10) { $0.decreases > 0 }
        #expect(window.decreases >= 1)
        #expect(window.limit < 10)
        #expect(window.lateAnswers >= 1)
    }
}
