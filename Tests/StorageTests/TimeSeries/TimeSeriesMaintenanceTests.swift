import GRDB
import NetmonCore
import ServiceLifecycleTestKit
import Testing

@testable import Storage

@Suite("TimeSeriesMaintenance service")
struct TimeSeriesMaintenanceTests {
    @Test("the service rolls up on start and returns promptly on graceful shutdown")
    func runsAndStops() async throws {
        try await withTemporaryDatabase { database, storage in
            try await SampleStoreTests.write(
                TimeSeriesEngineTests.samples(days: 1),
                database: database,
                configuration: storage
            )
            let now = TimeSeriesEngineTests.start + TimeSeriesEngineTests.day + 600_000
            let service = TimeSeriesMaintenance(
                database: database,
                configuration: TimeSeriesConfiguration(rollupDelay: .zero, maintenanceInterval: .seconds(3_600)),
                logger: quietLogger
            ) { now }
            let clock = ContinuousClock()
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await service.run() }
                    let deadline = clock.now + .seconds(30)
                    var mark: Int64?
                    while mark != TimeSeriesEngineTests.start + TimeSeriesEngineTests.day, clock.now < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                        mark = try await database.pool.read { db in
                            try TimeSeriesState.get(TimeSeriesState.rollupDay, db: db)
                        }
                    }
                    #expect(mark == TimeSeriesEngineTests.start + TimeSeriesEngineTests.day)
                    let stopping = clock.now
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                    // Sleeping an hour between passes, it still stops at once.
                    #expect(clock.now - stopping < .seconds(5))
                }
            }
        }
    }
}
