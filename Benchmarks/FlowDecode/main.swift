import FlowCollector
import Foundation
import GRDB
import Logging
import NetmonCore
import NetmonTesting
import Storage

#if canImport(Glibc)
import Glibc
#endif

// Decode + aggregate throughput of one core: the committed captures of real exporters are decoded
// over and over by the listener's FlowDatagramProcessor and folded into per-minute aggregates by
// FlowMinuteAggregator, as the receive path and the flow writer do. Each pass rewrites the source
// addresses so the aggregator sees 100,000 keys per minute (a busy edge), and time advances one
// minute every 2,000 datagrams so minutes close and fold to the top keys as in production.
//
// Usage: flow-decode-bench [seconds per protocol, default 5]

struct Workload {
    var name: String
    var capture: String
    var listener: FlowConfiguration.ListenerProtocol
}

let workloads = [
    Workload(name: "NetFlow v5", capture: "softflowd-v5", listener: .netflow),
    Workload(name: "NetFlow v9", capture: "softflowd-v9", listener: .netflow),
    Workload(name: "IPFIX", capture: "pmacct-ipfix", listener: .ipfix),
    Workload(name: "sFlow v5", capture: "pmacct-sflow", listener: .sflow),
]

/// CPU time of the calling thread (the benchmark runs on one thread).
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let seconds = Double(CommandLine.arguments.dropFirst().first ?? "") ?? 5
let fixtures = RepositoryPaths.file("Tests/Fixtures/flows")
print("protocol    records/s/core  ns/record  datagrams  records     cpu_s")
for workload in workloads {
    let file = try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(workload.capture).pcap"))
    let datagrams = try PcapFile(bytes: [UInt8](file)).udpDatagrams()
    var processor = FlowDatagramProcessor(protocol: workload.listener)
    var aggregator = FlowMinuteAggregator(topKeys: 1_000)
    var now: Int64 = 1_767_225_600_000
    var records = 0
    var datagramCount = 0
    var keyBase: UInt32 = 0
    let started = threadCPUSeconds()
    var elapsed = 0.0
    while elapsed < seconds {
        for _ in 0..<50 {
            for datagram in datagrams {
                var result = processor.process(datagram.payload, from: datagram.source, now: now)
                for index in result.records.indices {
                    result.records[index].sourceAddress = .v4(0x0A00_0000 | (keyBase % 100_000))
                    keyBase &+= 1
                }
                aggregator.add(result.records, receivedAt: now)
                records += result.records.count
                datagramCount += 1
                if datagramCount % 2_000 == 0 {
                    now += 60_000
                    _ = aggregator.closeMinutes(now: now)
                }
            }
        }
        elapsed = threadCPUSeconds() - started
    }
    _ = aggregator.closeAll()
    let rate = Double(records) / elapsed
    print(
        workload.name.padding(toLength: 12, withPad: " ", startingAt: 0)
            + String(format: "%14.0f  %9.0f  %9d  %9d  %8.2f", rate, 1e9 / rate, datagramCount, records, elapsed)
    )
}

// End to end into SQLite: IPFIX decoded as above, then written by the FlowWriter (raw flows packed
// per exporter and minute, and per-minute aggregates, WAL, synchronous=NORMAL) to a fresh
// database. Reported per CPU second of the whole process (decode thread + writer), so it is the
// cost per record on a core.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-decode-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let logger = Logger(label: "flow-decode-bench") { _ in SwiftLogNoOpLogHandler() }
let database = try NetmonDatabase.open(
    configuration: StorageConfiguration(path: directory.path + "/bench.db"),
    logger: logger
)
// The fixture's flows are from 2026-01-01: keep them from retention.
let writer = FlowWriter(
    database: database,
    configuration: FlowStorageConfiguration(
        rawRetention: .seconds(366 * 86_400),
        aggregateRetention: .seconds(3_660 * 86_400)
    ),
    logger: logger
)
let ipfix = try PcapFile(
    bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/pmacct-ipfix.pcap")))
).udpDatagrams()
let target = Int(seconds * 300_000)
let cpuBefore = processCPUSeconds()
let wallBefore = ContinuousClock.now
var stored = 0
var refused = 0
try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await writer.run() }
    var processor = FlowDatagramProcessor(protocol: .ipfix)
    var keyBase: UInt32 = 0
    let now = Int64(Date().timeIntervalSince1970 * 1_000)
    while stored < target {
        var batch: [FlowRecord] = []
        while batch.count < 2_000 {
            for datagram in ipfix {
                var result = processor.process(datagram.payload, from: datagram.source, now: now)
                for index in result.records.indices {
                    result.records[index].sourceAddress = .v4(0x0A00_0000 | (keyBase % 100_000))
                    keyBase &+= 1
                }
                batch += result.records
            }
        }
        // netmond drops a refused batch; the benchmark retries it to measure the writer at full speed.
        while !writer.submit(batch) {
            refused += 1
            try await Task.sleep(for: .milliseconds(1))
        }
        stored += batch.count
    }
    group.cancelAll()
    try await group.waitForAll()
}
let cpu = processCPUSeconds() - cpuBefore
let wall = (ContinuousClock.now - wallBefore) / .seconds(1)
let rows = try database.pool.read { db in
    try Int.fetchOne(db, sql: "SELECT coalesce(sum(records), 0) FROM flows_raw_packed") ?? 0
}
let (packs, packBytes) = try database.pool.read { db in
    let row = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(length(data)), 0) FROM flows_raw_packed")!
    return (row[0] as Int, row[1] as Int)
}
print(
    "IPFIX → SQLite: \(rows) raw records stored of \(stored) decoded, in \(packs) packs of "
        + String(format: "%.1f bytes/record; ", Double(packBytes) / Double(max(rows, 1)))
        + String(
            format: "%.0f records/s per CPU second (%.2f CPU s), %.0f records/s wall (%.2f s); writer busy %d times",
            Double(rows) / cpu,
            cpu,
            Double(rows) / wall,
            wall,
            refused
        )
)

// Reading raw flows back: a top-10 of sources over everything stored decodes every pack.
let queries = FlowQueries(database: database)
let queryCPUBefore = processCPUSeconds()
let top = try await queries.topTalkers(by: .source, from: 0, to: .max, source: .raw, limit: 10)
let queryCPU = processCPUSeconds() - queryCPUBefore
print(
    "raw top-10 sources over \(rows) records: "
        + String(
            format: "%.0f records/s per CPU second (%.3f CPU s), top %llu bytes",
            Double(rows) / queryCPU,
            queryCPU,
            top.first?.bytes ?? 0
        )
)
