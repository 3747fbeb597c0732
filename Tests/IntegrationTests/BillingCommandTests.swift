import Foundation
import Logging
import NetmonCore
import NetmonTesting
import Storage
import Testing

/// Drives `netmond billing` and `netmond capacity` on a database written through the real writer.
@Suite("netmond billing and capacity")
struct BillingCommandTests {
    @Test("netmond billing prints the same report as the library, as CSV and JSON; capacity prints a forecast")
    func billing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmond-billing-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = StorageConfiguration(path: directory.appendingPathComponent("netmond.db").path)
        let config = directory.appendingPathComponent("netmond.yaml").path
        try "storage:\n  path: \(storage.path)\n".write(toFile: config, atomically: true, encoding: .utf8)

        let logger = Logger(label: "billing-test") { _ in SwiftLogNoOpLogHandler() }
        let database = try NetmonDatabase.open(configuration: storage, logger: logger)
        let inventory = InventoryStore(database: database)
        let device = try await inventory.upsertDevice(DeviceRecord(name: "edge1", address: "192.0.2.1", createdAt: 0))
        let interfaces = try await inventory.syncInterfaces(
            deviceID: device.id!,
            [InterfaceRecord(deviceID: device.id!, ifIndex: 1, ifName: "xe-0/0/0", speedBps: 1_000_000_000)],
            now: 0
        )
        let interfaceID = interfaces[0].id!
        let registry = SeriesRegistry(database: database)
        var seriesIDs: [Int64] = []
        for metric in ["if_in_octets", "if_out_octets", "if_in_utilization_percent", "if_out_utilization_percent"] {
            seriesIDs.append(
                try await registry.seriesID(
                    for: SeriesKey(deviceID: device.id, interfaceID: interfaceID, metric: metric, kind: .rate)
                )
            )
        }
        // Two days at 60 s: rates rise through the day; one hour missing.
        let day: Int64 = 86_400_000
        let start: Int64 = 1_767_225_600_000
        var samples: [Sample] = []
        for minute in 0..<(2 * 1_440) where !(600..<660).contains(minute) {
            let timestamp = start + Int64(minute) * 60_000 + 17
            let rate = Double(minute % 1_440) * 1_000
            samples.append(Sample(seriesID: seriesIDs[0], timestamp: timestamp, value: rate))
            samples.append(Sample(seriesID: seriesIDs[1], timestamp: timestamp, value: rate / 2))
            samples.append(Sample(seriesID: seriesIDs[2], timestamp: timestamp, value: Double(minute) / 100))
            samples.append(Sample(seriesID: seriesIDs[3], timestamp: timestamp, value: Double(minute) / 200))
        }
        let writer = SampleWriter(database: database, configuration: storage, logger: logger)
        #expect(writer.submit(samples))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            while writer.statistics.written < samples.count { try await Task.sleep(for: .milliseconds(20)) }
            group.cancelAll()
        }
        let now = start + 2 * day + 3_600_000
        let rollup = TimeSeriesRollup(database: database, rollupDelay: 0)
        while try await rollup.rollUpHours(now: now, maxHours: 100) > 0 {}
        while try await rollup.rollUpDays(now: now, maxDays: 10) > 0 {}
        let expected = try await TrafficReports(database: database).billing(
            subject: "edge1 uplink",
            interfaceIDs: [interfaceID],
            from: start,
            to: start + 2 * day,
            method: .max,
            now: now
        )
        // The bill's slots are the engine's 5-minute averages.
        let engine = TimeSeriesEngine(database: database)
        let inbound = try await engine.query(
            TimeSeriesQuery(seriesIDs: [seriesIDs[0]], from: start, to: start + 2 * day, step: 300_000),
            now: now
        )
        let slotBits = inbound.series[0].points.compactMap { $0.values[0] }.map { $0 * 8 }
        #expect(slotBits.count == 576 - 12)
        #expect(expected.inboundP95BitsPerSecond == Percentile.nearestRank(slotBits, percent: 95))
        try database.close()
        #expect(expected.slotsInPeriod == 576)
        #expect(expected.missingSamples == 24)
        #expect(expected.ports[0].name == "edge1 xe-0/0/0")

        let netmond = RepositoryPaths.executable("netmond")
        let arguments = [
            "billing", "--config", config, "--interface", "\(interfaceID)", "--name", "edge1 uplink", "--from",
            "2026-01-01", "--to", "2026-01-03T00:00:00Z", "--method", "max",
        ]
        let csv = try await runCommand(netmond, arguments)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout == expected.renderCSV())
        let json = try await runCommand(netmond, arguments + ["--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout == (try expected.renderJSON()) + "\n")
        let bad = try await runCommand(
            netmond,
            ["billing", "--config", config, "--interface", "1", "--from", "x", "--to", "y"]
        )
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--from x is not YYYY-MM-DD"))

        let capacity = try await runCommand(
            netmond,
            ["capacity", "--config", config, "--interface", "\(interfaceID)", "--days", "1000"]
        )
        #expect(capacity.status == 0, "\(capacity.stderr)")
        #expect(capacity.stdout.contains("\"threshold\" : 80"))
        #expect(capacity.stdout.contains("\"p95Percent\""))
    }
}
