import NetmonCore
import Storage
import Synchronization

/// Feeds `workload` to `writer` while it runs, then shuts it down; returns the refused submits.
func ingest(_ workload: IngestWorkload, through writer: SampleWriter) async throws -> Int {
    var refusals = 0
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await writer.run()
        }
        try await workload.forEachRound { round in
            // Producers never wait in netmond; the benchmark retries refused batches to measure
            // the writer at full speed.
            while !writer.submit(round) {
                refusals += 1
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        // Cancellation makes the writer stop accepting, write everything accepted, and return.
        group.cancelAll()
        try await group.waitForAll()
    }
    return refusals
}

/// Sums the commit durations the writer reports.
final class CommitTime: Sendable {
    private let sum = Mutex<Duration>(.zero)

    func add(_ duration: Duration) {
        self.sum.withLock { $0 += duration }
    }

    var total: Duration {
        self.sum.withLock { $0 }
    }
}
