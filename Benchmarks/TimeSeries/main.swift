// timeseries-bench: a synthetic fleet of polled ports through the real SampleWriter, then the
// time-series engine's rollups, compression and queries, timed.
//
// Usage: timeseries-bench [--interfaces N] [--days D] [--long-days D] [--dir DIRECTORY]
// Build in release: swift build -c release --product timeseries-bench (see scripts/bench/timeseries.sh)

import Foundation
import Logging
import NetmonCore
import Storage

var options: [String: String] = [:]
var iterator = CommandLine.arguments.dropFirst().makeIterator()
while let argument = iterator.next() {
    if let value = iterator.next() { options[argument] = value }
}
let interfaceCount = Int(options["--interfaces"] ?? "") ?? 100
let days = Int64(options["--days"] ?? "") ?? 30
let longDays = Int64(options["--long-days"] ?? "") ?? 365
let directory = options["--dir"] ?? ".build/bench-timeseries"
let day: Int64 = 86_400_000
let end: Int64 = 1_767_225_600_000  // 2026-01-01T00:00Z: the data ends here
let now = end + 10 * 60_000

let fileManager = FileManager.default
try? fileManager.removeItem(atPath: directory)
try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
let logger = Logger(label: "timeseries-bench") { _ in SwiftLogNoOpLogHandler() }
let storage = StorageConfiguration(path: directory + "/netmond.db")
let database = try NetmonDatabase.open(configuration: storage, logger: logger)
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func format(_ value: Double, _ decimals: Int = 0) -> String {
    String(format: "%.\(decimals)f", value)
}

// MARK: Inventory: one device per 48 ports, the fleet plus one long-history port.

let inventory = InventoryStore(database: database)
let registry = SeriesRegistry(database: database)
var ports: [SyntheticPort] = []
var interfaceIDs: [Int64] = []
let metrics = [
    ("if_in_octets", "B/s", SeriesKind.rate), ("if_out_octets", "B/s", .rate),
    ("if_in_utilization_percent", "%", .gauge), ("if_out_utilization_percent", "%", .gauge),
]
for deviceIndex in 0...(interfaceCount / 48) {
    let first = deviceIndex * 48
    let count = deviceIndex == interfaceCount / 48 ? interfaceCount - first + 1 : 48  // + the long port
    guard count > 0 else { continue }
    let device = try await inventory.upsertDevice(
        DeviceRecord(name: "sw\(deviceIndex)", address: "192.0.2.\(deviceIndex % 250 + 1)", createdAt: 0)
    )
    guard let deviceID = device.id else { fatalError("no device id") }
    let records = (0..<count).map { index in
        // The speed the utilization series are computed with (SyntheticPort.poll).
        let profile = TrafficProfile.of(interface: first + index < interfaceCount ? first + index : 19)
        return InterfaceRecord(
            deviceID: deviceID,
            ifIndex: index + 1,
            ifName: "Gi0/\(index + 1)",
            speedBps: Int64(profile.speedBitsPerSecond)
        )
    }
    let stored = try await inventory.syncInterfaces(deviceID: deviceID, records, now: 0)
    for (index, record) in stored.sorted(by: { $0.ifIndex < $1.ifIndex }).enumerated() {
        guard let interfaceID = record.id else { continue }
        var seriesIDs: [Int64] = []
        for (metric, unit, kind) in metrics {
            seriesIDs.append(
                try await registry.seriesID(
                    for: SeriesKey(deviceID: deviceID, interfaceID: interfaceID, metric: metric, unit: unit, kind: kind)
                )
            )
        }
        // The last port overall is the long-history uplink (interface number 19 ≡ uplink profile).
        let number = first + index
        ports.append(
            SyntheticPort(interface: number < interfaceCount ? number : 19, device: deviceIndex, seriesIDs: seriesIDs)
        )
        interfaceIDs.append(interfaceID)
    }
}
let longPort = ports.removeLast()
let longInterfaceID = interfaceIDs.removeLast()

// MARK: Ingest

let fleetSamples = Int64(interfaceCount) * 4 * days * 1_440
let longSamples = 4 * longDays * 1_440
print(
    "workload: \(interfaceCount) ports × 4 series × \(days) days at 60 s (\(fleetSamples) samples) + 1 port × 4 × "
        + "\(longDays) days (\(longSamples)); profiles idle/access/uplink 40/35/25 %"
)
let writer = SampleWriter(database: database, configuration: storage, logger: logger)
let ingestStart = clock.now
var longRates: [(Int64, Double, Double)] = []
try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await writer.run() }
    var batch: [Sample] = []
    let firstMinute = (end - max(days, longDays) * day) / 60_000
    for minute in firstMinute..<(end / 60_000) {
        batch.removeAll(keepingCapacity: true)
        if minute >= (end - days * day) / 60_000 {
            for index in ports.indices { ports[index].poll(minute: minute, into: &batch) }
        }
        if minute >= (end - longDays * day) / 60_000 {
            let before = batch.count
            var port = longPort
            port.poll(minute: minute, into: &batch)
            longRates.append((batch[before].timestamp, batch[before].value, batch[before + 1].value))
        }
        while !writer.submit(batch) { try await Task.sleep(for: .milliseconds(1)) }
    }
    group.cancelAll()
    try await group.waitForAll()
}
let ingestTime = clock.now - ingestStart
let written = writer.statistics.written
print(
    "ingest: \(written) samples in \(format(seconds(ingestTime), 1)) s (\(format(Double(written) / seconds(ingestTime))) samples/s)"
)

// The long port's rates for the rrdtool peer.
var rrdLines = ""
for (timestamp, inbound, outbound) in longRates {
    rrdLines += "\(timestamp / 1000):\(inbound):\(outbound)\n"
}
try rrdLines.write(toFile: directory + "/longport.txt", atomically: true, encoding: .utf8)

// MARK: Rollups and compression

let configuration = TimeSeriesConfiguration(
    rawRetention: .seconds(400 * 86_400),  // keep every raw sample (compressed) to measure it
    compressAfter: .seconds(2 * 86_400),
    rollupDelay: .zero
)
let rollup = TimeSeriesRollup(database: database, rollupDelay: 0)
var mark = clock.now
var hours = 0
while true {
    let done = try await rollup.rollUpHours(now: now, maxHours: 48)
    if done == 0 { break }
    hours += done
}
let hourTime = clock.now - mark
mark = clock.now
var rolledDays = 0
while true {
    let done = try await rollup.rollUpDays(now: now, maxDays: 2)
    if done == 0 { break }
    rolledDays += done
}
let dayTime = clock.now - mark
print(
    "rollup 5m+1h: \(hours) hours in \(format(seconds(hourTime), 1)) s = \(format(Double(written) / seconds(hourTime))) "
        + "raw samples/s; 1d: \(rolledDays) days in \(format(seconds(dayTime), 1)) s = "
        + "\(format(Double(written) / seconds(dayTime))) raw samples/s"
)
mark = clock.now
let compressor = SampleCompressor(database: database, compressAfter: 2 * day)
var packed = 0
while true {
    let done = try await compressor.compressDays(now: now, maxDays: 2)
    if done == 0 { break }
    packed += done
}
let compressTime = clock.now - mark
print(
    "compression: \(packed) samples in \(format(seconds(compressTime), 1)) s (\(format(Double(packed) / seconds(compressTime))) samples/s)"
)
try database.checkpoint()

// MARK: Sizes

let sizes = try TimeSeriesBenchSizes.measure(database)
print(sizes.report())
for profile in TrafficProfile.allCases {
    let sample = ports.first { $0.profile == profile }
    if let sample {
        print(
            "  chunk payload, \(profile.rawValue) port: "
                + (try TimeSeriesBenchSizes.payload(database, seriesIDs: sample.seriesIDs))
        )
    }
}

// MARK: Queries

let engine = TimeSeriesEngine(database: database, configuration: configuration)
func timeQuery(
    _ label: String,
    span: Int64,
    step: Int64,
    aggregations: [TimeSeriesAggregation],
    offset: Int64 = 0
) async throws {
    var latencies: [Double] = []
    var rows = 0
    var resolution = TimeSeriesResolution.raw
    for _ in 0..<100 {
        let start = clock.now
        let response = try await engine.query(
            TimeSeriesQuery(
                seriesIDs: Array(longPort.seriesIDs.prefix(2)),
                from: end - offset - span,
                to: end - offset,
                step: step,
                aggregations: aggregations
            ),
            now: now
        )
        latencies.append(seconds(clock.now - start) * 1000)
        rows = response.series.reduce(0) { $0 + $1.points.count }
        resolution = response.resolution
    }
    latencies.sort()
    print(
        "query \(label): resolution \(resolution.rawValue), \(rows) points (in+out), median "
            + "\(format(latencies[49], 2)) ms, p99 \(format(latencies[98], 2)) ms"
    )
}
try await timeQuery("1 day, step 60 s, recent (raw rows)", span: day, step: 60_000, aggregations: [.avg, .max])
try await timeQuery(
    "1 day, step 60 s, 10 days ago (compressed)",
    span: day,
    step: 60_000,
    aggregations: [.avg, .max],
    offset: 10 * day
)
try await timeQuery(
    "1 day, step 5 m, 10 days ago",
    span: day,
    step: 300_000,
    aggregations: [.avg, .max, .p95],
    offset: 10 * day
)
try await timeQuery("30 days, step 1 h", span: 30 * day, step: 3_600_000, aggregations: [.avg, .max])
try await timeQuery("30 days, step 1 h with p95", span: 30 * day, step: 3_600_000, aggregations: [.avg, .max, .p95])
try await timeQuery("1 year, step 1 d", span: 365 * day, step: day, aggregations: [.avg, .max, .p95])
try await timeQuery("1 year, step 1 h", span: 365 * day, step: 3_600_000, aggregations: [.avg, .max])

// MARK: Billing

let reports = TrafficReports(database: database, configuration: configuration)
var billing: [Double] = []
var lastReport: BillingReport?
for _ in 0..<5 {
    let start = clock.now
    lastReport = try await reports.billing(
        subject: "100 ports",
        interfaceIDs: Array(interfaceIDs.prefix(100)),
        from: end - 30 * day,
        to: end,
        method: .max,
        now: now
    )
    billing.append(seconds(clock.now - start) * 1000)
}
billing.sort()
if let lastReport {
    print(
        "billing: \(lastReport.ports.count) ports × 30 days (max method): median \(format(billing[2], 1)) ms, "
            + "max \(format(billing[4], 1)) ms; 95th \(format((lastReport.billedBitsPerSecond ?? 0) / 1e6, 1)) Mbit/s, "
            + "\(lastReport.missingSamples) missing slots"
    )
}
let capacityStart = clock.now
let forecast = try await reports.capacity(interfaceID: longInterfaceID, days: 90, now: now)
print(
    "capacity: 90 daily p95 of the long port in \(format(seconds(clock.now - capacityStart) * 1000, 1)) ms; "
        + "slope \(format(forecast.slopePerDay ?? 0, 4)) %/day"
)
try database.close()
