import Foundation
import Logging
import NetmonCore
import NetmonTesting
import SNMPPoller
import ServiceLifecycle
import Synchronization
import Testing

/// Devices added, changed and removed while the scheduler runs (what the API does), against the
/// lab's real snmpd.
@Suite("Poll scheduler: run-time device changes", .serialized)
struct SchedulerRuntimeChangesTests {
    final class RecordingSink: SNMPPollSink {
        let reports = Mutex<[PollReport]>([])
        let discoveries = Mutex<[Int64]>([])

        func discovered(deviceID: Int64, system: DeviceSystemInfo, interfaces: [InterfaceInfo], at time: Int64) async {
            self.discoveries.withLock { $0.append(deviceID) }
        }
        func measured(deviceID: Int64, _ measurements: [NetmonCore.Measurement], at time: Int64) async {}
        func recorded(deviceID: Int64, _ events: [DeviceEvent]) async {}
        func completed(_ report: PollReport) async {
            self.reports.withLock { $0.append(report) }
        }

        func polls(of id: Int64) -> Int { self.reports.withLock { $0.filter { $0.deviceID == id }.count } }
    }

    init() throws {
        try Lab.startSNMPD()
    }

    static func device(id: Int64, community: String) -> MonitoredDevice {
        MonitoredDevice(
            id: id,
            name: "lab-\(id)",
            address: "127.0.0.1",
            tags: [],
            settings: SNMPDeviceSettings(
                port: Lab.snmpdPort,
                community: Secret(community),
                // Generous: the whole suite runs in parallel and snmpd answers every suite's polls.
                timeout: .seconds(2),
                retries: 1,
                pollInterval: .seconds(1)
            )
        )
    }

    static func wait(upTo seconds: Double, until condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("an added device is discovered and polled; a changed one uses its new settings; a removed one stops")
    func addChangeRemove() async throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let sink = RecordingSink()
        let scheduler = SNMPPollScheduler(
            engine: SNMPEngine(logger: logger),
            configuration: SNMPConfiguration(),
            devices: { [] },
            sink: sink,
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [scheduler], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            scheduler.apply(.upsert(Self.device(id: 7, community: Lab.community)))
            try await Self.wait(upTo: 30) { sink.polls(of: 7) >= 2 && sink.discoveries.withLock { $0.contains(7) } }
            #expect(sink.discoveries.withLock { $0.contains(7) })
            #expect(sink.reports.withLock { $0.filter { $0.deviceID == 7 }.allSatisfy { $0.error == nil } })

            // A wrong community: the restarted loop's polls fail.
            scheduler.apply(.upsert(Self.device(id: 7, community: "wrong-community")))
            let before = sink.polls(of: 7)
            try await Self.wait(upTo: 30) {
                sink.reports.withLock { $0.dropFirst(before).contains { $0.deviceID == 7 && $0.error != nil } }
            }
            #expect(sink.reports.withLock { $0.dropFirst(before).contains { $0.deviceID == 7 && $0.error != nil } })

            scheduler.apply(.remove(id: 7))
            // A poll in flight when the device is removed may still finish (within timeout × tries).
            try await Task.sleep(for: .seconds(5))
            let settled = sink.polls(of: 7)
            try await Task.sleep(for: .milliseconds(2500))
            #expect(sink.polls(of: 7) == settled)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
