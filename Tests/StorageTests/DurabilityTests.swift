import Foundation
import GRDB
import NetmonCore
import Testing

@testable import Storage

/// Kills a real writer process (`storage-stress`) with SIGKILL at random moments and checks that
/// the database stays intact and keeps every sample the writer reported committed.
@Suite("Durability")
struct DurabilityTests {
    static let runs = 24

    /// The `storage-stress` executable, built next to the test bundle (SwiftPM builds it because
    /// the test target depends on it). `STORAGE_STRESS_PATH` overrides.
    static func stressExecutable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["STORAGE_STRESS_PATH"] {
            return path
        }
        let fileManager = FileManager.default
        var starts: [URL] = []
        if let exe = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe))
        }
        if let main = Bundle.main.executableURL {
            starts.append(main)
        }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
        for start in starts {
            // Linux: .build/<config>/netmondPackageTests.xctest; macOS: the bundle's Contents/MacOS.
            var directory = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("storage-stress").path
                if fileManager.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw StorageTestError("storage-stress not found next to \(starts.map(\.path)); set STORAGE_STRESS_PATH")
    }

    /// Runs the child for about `lifetime`, SIGKILLs it and returns the highest sequence it reported
    /// committed.
    static func runAndKill(executable: String, database: String, run: Int, lifetime: Duration) async throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [database, String(run)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: lifetime)
        kill(process.processIdentifier, SIGKILL)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "run \(run) ended before it was killed")
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        return lines.compactMap { line in
            line.hasPrefix("committed ") ? Int64(line.dropFirst("committed ".count)) : nil
        }.max() ?? 0
    }

    @Test("SIGKILL never loses a reported commit nor corrupts the database", .timeLimit(.minutes(1)))
    func killedWriter() async throws {
        let executable = try Self.stressExecutable()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/netmond.db"
        var generator = SystemRandomNumberGenerator()

        var reported: [Int: Int64] = [:]
        for run in 1...Self.runs {
            let lifetime = Duration.milliseconds(Int.random(in: 80...600, using: &generator))
            reported[run] = try await Self.runAndKill(
                executable: executable,
                database: path,
                run: run,
                lifetime: lifetime
            )
        }
        #expect(reported.values.filter { $0 > 0 }.count >= Self.runs / 2, "too few runs committed anything")

        let database = try NetmonDatabase.open(configuration: StorageConfiguration(path: path), logger: quietLogger)
        defer { try? database.close() }
        let integrity = try await database.pool.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check")
        }
        #expect(integrity == ["ok"])
        for (run, committed) in reported.sorted(by: { $0.key < $1.key }) where committed > 0 {
            let present = try await database.pool.read { db in
                try Int64.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM samples WHERE series_id = ? AND ts <= ? AND value = ts",
                    arguments: [run, committed]
                ) ?? 0
            }
            #expect(present == committed, "run \(run): reported \(committed) committed, found \(present)")
        }
    }
}

struct StorageTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
