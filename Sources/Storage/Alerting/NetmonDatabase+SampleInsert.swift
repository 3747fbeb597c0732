internal import GRDB
import NetmonCore

extension NetmonDatabase {
    /// Writes `samples` in one transaction, bypassing the ``SampleWriter`` queue (tests,
    /// benchmarks and tools that need the samples stored when the call returns).
    package func insertSamples(_ samples: [Sample]) async throws {
        let sorted = samples.sorted { ($0.seriesID, $0.timestamp) < ($1.seriesID, $1.timestamp) }
        try await self.pool.write { db in
            try SampleBatchInserter.insert(sorted: sorted[...], db: db)
        }
    }
}
