import Foundation
import NetmonCore

/// The peer measurement: the `sqlite3` CLI importing the same rows from CSV.
enum SQLiteImport {
    /// Writes the workload's rows as `series_id,ts,value` lines.
    static func exportCSV(_ workload: IngestWorkload, to path: String) async throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        try await workload.forEachRound { round in
            for sample in round {
                buffer += "\(sample.seriesID),\(sample.timestamp),\(sample.value)\n"
            }
            if buffer.utf8.count >= 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }

    /// Imports `csv` into the (already migrated) database at `database` in one transaction, with
    /// the pragmas netmond uses; returns the wall time of the `sqlite3` process.
    static func run(csv: String, database: String, journalSizeLimit: Int) throws -> Duration {
        let script = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA journal_size_limit = \(journalSizeLimit);
            PRAGMA foreign_keys = ON;
            .mode csv
            BEGIN;
            .import '\(csv)' samples
            COMMIT;
            PRAGMA wal_checkpoint(TRUNCATE);

            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(script.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("sqlite3 exited with status \(process.terminationStatus)")
        }
        return elapsed
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
