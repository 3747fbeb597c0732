/// Counters of a ``SampleWriter`` since it was created.
public struct SampleWriterStatistics: Sendable, Hashable {
    /// Samples accepted by ``SampleWriter/submit(_:)``.
    public var accepted: Int
    /// Samples refused by ``SampleWriter/submit(_:)`` (queue full or writer stopped).
    public var dropped: Int
    /// Samples committed to the database.
    public var written: Int
    /// Transactions committed.
    public var batchesCommitted: Int
    /// Failed commit attempts (each is retried a bounded number of times).
    public var commitErrors: Int
    /// Accepted samples given up after their batch failed every attempt.
    public var discarded: Int
    /// Accepted samples not yet committed (waiting or being written).
    public var queueDepth: Int
    /// The most samples the queue holds.
    public var queueCapacity: Int

    /// Creates statistics (all zero by default).
    public init(
        accepted: Int = 0,
        dropped: Int = 0,
        written: Int = 0,
        batchesCommitted: Int = 0,
        commitErrors: Int = 0,
        discarded: Int = 0,
        queueDepth: Int = 0,
        queueCapacity: Int = 0
    ) {
        self.accepted = accepted
        self.dropped = dropped
        self.written = written
        self.batchesCommitted = batchesCommitted
        self.commitErrors = commitErrors
        self.discarded = discarded
        self.queueDepth = queueDepth
        self.queueCapacity = queueCapacity
    }
}

/// What a ``SampleWriter`` reports after each committed transaction.
public struct CommittedBatch: Sendable, Hashable {
    /// Samples in the transaction.
    public var sampleCount: Int
    /// The queue sequence number of the transaction's last sample: the `n`-th sample ever accepted
    /// has sequence number `n` (from 1). Batches commit in order, so every sample with a sequence
    /// number up to this one is committed (or was discarded and counted).
    public var lastSequence: UInt64
    /// How long the transaction took.
    public var duration: Duration

    /// Creates a report.
    public init(sampleCount: Int, lastSequence: UInt64, duration: Duration) {
        self.sampleCount = sampleCount
        self.lastSequence = lastSequence
        self.duration = duration
    }
}
