/// Configuration of the SQLite storage (`storage:` in netmond.yaml).
public struct StorageConfiguration: Sendable, Equatable {
    /// Path of the SQLite database file. Its directory must exist and be writable.
    public var path: String
    /// Samples the writer queue holds at most; beyond it new batches are dropped and counted.
    public var queueCapacity: Int
    /// Samples written in one transaction at most.
    public var batchSize: Int
    /// Longest time an accepted sample waits in the queue before it is written.
    public var flushInterval: Duration
    /// How long a connection waits for a lock held by another before failing.
    public var busyTimeout: Duration
    /// Size the WAL file is truncated to after a checkpoint, in bytes (`PRAGMA journal_size_limit`),
    /// and the WAL size at which the daemon's background checkpointer starts (`WALCheckpointer` in Storage).
    public var journalSizeLimit: Int

    public init(
        path: String = "/var/lib/netmond/netmond.db",
        queueCapacity: Int = 500_000,
        batchSize: Int = 100_000,
        flushInterval: Duration = .seconds(1),
        busyTimeout: Duration = .seconds(5),
        journalSizeLimit: Int = 16 * 1024 * 1024
    ) {
        self.path = path
        self.queueCapacity = queueCapacity
        self.batchSize = batchSize
        self.flushInterval = flushInterval
        self.busyTimeout = busyTimeout
        self.journalSizeLimit = journalSizeLimit
    }
}
