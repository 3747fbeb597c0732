import Foundation
import Logging
import NetmonCore

@testable import Storage

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        self.path = NSTemporaryDirectory() + "netmond-storage-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: false)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}

/// Logging that goes nowhere: tests assert on values, not on log lines.
let quietLogger = Logger(label: "storage-tests") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` with a migrated database in a fresh directory, removed afterwards.
func withTemporaryDatabase<Result>(
    queueCapacity: Int = 500_000,
    batchSize: Int = 20_000,
    flushInterval: Duration = .milliseconds(50),
    journalSizeLimit: Int = 16 * 1_024 * 1_024,
    _ body: (NetmonDatabase, StorageConfiguration) async throws -> Result
) async throws -> Result {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let configuration = StorageConfiguration(
        path: directory.path + "/netmond.db",
        queueCapacity: queueCapacity,
        batchSize: batchSize,
        flushInterval: flushInterval,
        journalSizeLimit: journalSizeLimit
    )
    let database = try NetmonDatabase.open(configuration: configuration, logger: quietLogger)
    defer { try? database.close() }
    return try await body(database, configuration)
}
