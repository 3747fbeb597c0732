// storage-stress: writes samples through the real SampleWriter until killed, printing one line per
// committed transaction. StorageTests' durability test runs it, SIGKILLs it at random moments and
// checks that every sample it reported committed is in the database.
//
// Usage: storage-stress DATABASE_PATH RUN_ID
// Sample n (n = 1, 2, ...) of a run is (series_id: RUN_ID, ts: n, value: n). Each commit prints
// "committed <n>": every sample up to sequence number n is committed.

import Glibc
import Logging
import NetmonCore
import Storage

/// Unbuffered output, so nothing reported is lost to a SIGKILL.
enum Output {
    static func line(_ line: String, to descriptor: Int32 = 1) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            _ = write(descriptor, buffer.baseAddress, buffer.count)
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let runID = Int64(arguments[2]) else {
    Output.line("usage: storage-stress DATABASE_PATH RUN_ID", to: 2)
    exit(2)
}

let logger = Logger(label: "storage-stress") { _ in SwiftLogNoOpLogHandler() }
let configuration = StorageConfiguration(
    path: arguments[1],
    queueCapacity: 20_000,
    batchSize: 1_000,
    flushInterval: .milliseconds(20)
)

let database = try NetmonDatabase.open(configuration: configuration, logger: logger)
let writer = SampleWriter(database: database, configuration: configuration, logger: logger) { batch in
    Output.line("committed \(batch.lastSequence)")
}
Output.line("ready")

try await withThrowingDiscardingTaskGroup { group in
    group.addTask {
        try await writer.run()
    }
    var next: Int64 = 1
    while true {
        let batch = (next..<(next + 100)).map { Sample(seriesID: runID, timestamp: $0, value: Double($0)) }
        if writer.submit(batch) {
            next += 100
        } else {
            try await Task.sleep(for: .milliseconds(1))
        }
        await Task.yield()
    }
}
