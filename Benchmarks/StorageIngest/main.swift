// storage-ingest-bench: ingests a polling-shaped workload through the real SampleWriter into a
// fresh database, then times the sqlite3 CLI importing the same rows from CSV.
//
// Usage: storage-ingest-bench [--samples N] [--series N] [--batch-size N] [--queue-capacity N]
//                             [--dir DIRECTORY] [--skip-sqlite3]
// Build in release: swift build -c release --product storage-ingest-bench

import Foundation
import Logging
import NetmonCore
import Storage

var options: [String: String] = [:]
var flags: Set<String> = []
var iterator = CommandLine.arguments.dropFirst().makeIterator()
while let argument = iterator.next() {
    if argument == "--skip-sqlite3" {
        flags.insert(argument)
    } else if let value = iterator.next() {
        options[argument] = value
    }
}
let seriesCount = Int(options["--series"] ?? "") ?? 10_000
let sampleCount = Int(options["--samples"] ?? "") ?? 10_000_000
let directory = options["--dir"] ?? ".build/bench-storage-ingest"
let workload = IngestWorkload(seriesCount: seriesCount, rounds: max(1, sampleCount / seriesCount))

let fileManager = FileManager.default
try? fileManager.removeItem(atPath: directory)
try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
let logger = Logger(label: "storage-ingest-bench") { _ in SwiftLogNoOpLogHandler() }

func fileSize(_ path: String) -> Int {
    ((try? fileManager.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

func rate(_ count: Int, _ duration: Duration) -> Double {
    Double(count) / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
}

func format(_ value: Double) -> String {
    String(format: "%.0f", value)
}

// MARK: netmond SampleWriter

var configuration = StorageConfiguration(path: directory + "/netmond.db")
if let batchSize = Int(options["--batch-size"] ?? "") {
    configuration.batchSize = batchSize
}
if let queueCapacity = Int(options["--queue-capacity"] ?? "") {
    configuration.queueCapacity = queueCapacity
}
let database = try NetmonDatabase.open(configuration: configuration, logger: logger)
let commitTime = CommitTime()
let writer = SampleWriter(database: database, configuration: configuration, logger: logger) { batch in
    commitTime.add(batch.duration)
}
print("workload: \(workload.sampleCount) samples, \(seriesCount) series, 60 s apart per series")
print(
    "writer: queueCapacity \(configuration.queueCapacity), batchSize \(configuration.batchSize), "
        + "flushInterval \(configuration.flushInterval)"
)

let clock = ContinuousClock()
let start = clock.now
let refusals = try await ingest(workload, through: writer)
let elapsed = clock.now - start
let statistics = writer.statistics
try database.checkpoint()
try database.close()
let netmondSize = fileSize(configuration.path)
let netmondRate = rate(statistics.written, elapsed)
print(
    "netmond SampleWriter: \(statistics.written) samples in \(elapsed), \(format(netmondRate)) samples/s, "
        + "\(statistics.batchesCommitted) transactions (\(commitTime.total) in commits), "
        + "\(refusals) refused submits (retried)"
)
print(
    "netmond on disk: \(netmondSize) bytes after checkpoint, "
        + String(format: "%.1f", Double(netmondSize) / Double(statistics.written)) + " bytes/sample"
)
guard statistics.written == workload.sampleCount, statistics.dropped == refusals * seriesCount else {
    print("error: written \(statistics.written) of \(workload.sampleCount), statistics \(statistics)")
    exit(1)
}

// MARK: sqlite3 CLI import of the same rows

if !flags.contains("--skip-sqlite3") {
    let csv = directory + "/samples.csv"
    try await SQLiteImport.exportCSV(workload, to: csv)
    let peerPath = directory + "/sqlite3-import.db"
    try NetmonDatabase.open(configuration: StorageConfiguration(path: peerPath), logger: logger).close()
    let peerElapsed = try SQLiteImport.run(
        csv: csv,
        database: peerPath,
        journalSizeLimit: configuration.journalSizeLimit
    )
    let peerRate = rate(workload.sampleCount, peerElapsed)
    let peerSize = fileSize(peerPath)
    print(
        "sqlite3 .import (CSV \(fileSize(csv)) bytes, one transaction): \(workload.sampleCount) rows in "
            + "\(peerElapsed), \(format(peerRate)) rows/s, "
            + String(format: "%.1f", Double(peerSize) / Double(workload.sampleCount)) + " bytes/row"
    )
    print("ratio netmond / sqlite3: " + String(format: "%.2f", netmondRate / peerRate) + "x")
    try? fileManager.removeItem(atPath: csv)
}
