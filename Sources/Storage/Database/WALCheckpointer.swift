import Dispatch
import Foundation
internal import GRDB
internal import GRDBSQLite
public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Checkpoints the database's WAL on a thread and a connection of its own, at a low CPU priority,
/// so that writers do not stop for a checkpoint's copy and fsyncs.
///
/// While it runs, the writer connection's automatic checkpoint is replaced by a WAL hook: once a
/// commit leaves `storage.journal_size_limit` bytes of frames in the WAL, the hook wakes this
/// checkpointer, whose passive checkpoint copies the frames into the database file while writers
/// go on committing; it checkpoints again each time a quarter of that has been added. A checkpoint
/// that copies every frame lets the next transaction start the WAL from its beginning. Should the
/// WAL still reach four times the limit (the checkpointer starved of CPU, or writers appending
/// faster than its rounds end), the writer checkpoints it itself (after the round in progress, if
/// any), which bounds the WAL. On shutdown the automatic checkpoint is restored.
public final class WALCheckpointer: Service, Sendable {
    /// WAL sizes, in multiples of the threshold, at which the writer checkpoints itself.
    static let backstopFactor = 4

    private let database: NetmonDatabase
    private let thresholdPages: Int
    /// Frames not yet copied that start another checkpoint once the WAL is over the threshold.
    private var roundPages: Int { max(1, self.thresholdPages / 4) }
    private let logger: Logger
    private let wake = DispatchSemaphore(value: 0)
    private let state = Mutex(State())
    /// Held by a background checkpoint while it runs; the writer's own checkpoint waits for it.
    private let checkpointing = Mutex(())
    private let metrics = WALCheckpointerMetrics()

    private struct State {
        var woken = false
        /// The WAL's frames already copied into the database file by the last checkpoint.
        var copiedPages = 0
        var stopping = false
        var statistics = WALCheckpointerStatistics()
    }

    /// Creates a checkpointer for `database`, waking at `thresholdBytes` of WAL (at least 1,000 pages).
    public init(database: NetmonDatabase, thresholdBytes: Int, logger: Logger) throws {
        self.database = database
        let pageSize = try database.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } ?? 4096
        self.thresholdPages = max(1_000, thresholdBytes / max(512, pageSize))
        self.logger = logger
    }

    /// What the checkpointer has done so far.
    public var statistics: WALCheckpointerStatistics {
        self.state.withLock { $0.statistics }
    }

    // MARK: Service

    /// Checkpoints when woken until graceful shutdown or cancellation, then restores the writer's
    /// automatic checkpoint. If its connection cannot be opened, it logs why and leaves the
    /// checkpoints to the writer, as without it; the rest of the daemon runs on.
    public func run() async throws {
        let connection: DatabaseQueue
        do {
            connection = try self.openConnection()
            try await self.installHook()
        } catch {
            self.logger.warning(
                "storage: background WAL checkpoints are off, the writer checkpoints in its commits",
                metadata: ["storage.error": "\(error)"]
            )
            try? await gracefulShutdown()
            return
        }
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    Self.lowerThreadPriority()
                    self.checkpointUntilStopped(on: connection)
                    continuation.resume()
                }
            }
        } onCancelOrGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
            self.wake.signal()
        }
        do {
            try await self.restoreAutomaticCheckpoint()
        } catch {
            // The hook still points at this object: keep it alive for as long as the connection.
            _ = Unmanaged.passRetained(self)
            self.logger.warning(
                "storage: could not restore the writer's automatic WAL checkpoint at shutdown",
                metadata: ["storage.error": "\(error)"]
            )
        }
    }

    /// Called by the WAL hook after every commit of the writer connection, with the WAL's frames.
    fileprivate func committed(walPages: Int32, connection: OpaquePointer?, name: UnsafePointer<CChar>?) {
        let pages = Int(walPages)
        if pages >= self.thresholdPages * Self.backstopFactor {
            // What SQLite's own automatic checkpoint does, once a background round has ended (it
            // would be busy meanwhile, and the WAL would grow past the bound).
            if self.checkpointing.withLock({ _ in sqlite3_wal_checkpoint(connection, name) }) == SQLITE_OK {
                self.state.withLock { $0.statistics.writerCheckpoints += 1 }
                self.metrics.writerCheckpoints.increment()
            }
            return
        }
        guard pages >= self.thresholdPages else {
            return
        }
        let wake = self.state.withLock { state in
            // A WAL that started again from its beginning has fewer frames than were copied.
            let copied = state.copiedPages <= pages ? state.copiedPages : 0
            guard !state.woken, pages - copied >= self.roundPages else {
                return false
            }
            state.woken = true
            return true
        }
        if wake {
            self.wake.signal()
        }
    }

    // MARK: The checkpoint thread

    private func checkpointUntilStopped(on connection: DatabaseQueue) {
        while true {
            self.wake.wait()
            let stopping = self.state.withLock { state in
                state.woken = false
                return state.stopping
            }
            if stopping {
                return
            }
            self.checkpoint(on: connection)
        }
    }

    private func checkpoint(on connection: DatabaseQueue) {
        let started = ContinuousClock.now
        do {
            let result = try self.checkpointing.withLock { _ in
                try connection.inDatabase { try $0.checkpoint(.passive) }
            }
            let elapsed = (ContinuousClock.now - started).components
            self.state.withLock { state in
                state.statistics.checkpoints += 1
                state.copiedPages = max(0, result.checkpointedFrameCount)
                if result.checkpointedFrameCount >= result.walFrameCount {
                    state.statistics.completeCheckpoints += 1
                }
            }
            self.metrics.checkpoints.increment()
            self.metrics.duration.recordNanoseconds(
                elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
            )
        } catch {
            self.state.withLock { $0.statistics.failures += 1 }
            self.metrics.failures.increment()
            self.logger.warning(
                "storage: WAL checkpoint failed; the writer will checkpoint itself if the WAL keeps growing",
                metadata: ["storage.error": "\(error)"]
            )
        }
    }

    /// Lowers this thread's CPU priority (nice 10), so receive paths and writers win the CPU.
    private static func lowerThreadPriority() {
        #if canImport(Glibc)
        // Linux keeps a nice value per thread; `who` 0 is the calling thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    // MARK: Connections and the hook

    private func openConnection() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.label = "netmond.checkpointer"
        configuration.prepareDatabase { db in
            // The checkpoint syncs the WAL before copying it and the database file after.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return try DatabaseQueue(path: self.database.path, configuration: configuration)
    }

    func installHook() async throws {
        try await self.database.pool.writeWithoutTransaction { db in
            _ = sqlite3_wal_hook(db.sqliteConnection, walHook, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    func restoreAutomaticCheckpoint() async throws {
        let pages = self.thresholdPages
        try await self.database.pool.writeWithoutTransaction { db in
            // Replaces the hook with SQLite's own.
            _ = sqlite3_wal_autocheckpoint(db.sqliteConnection, Int32(clamping: pages))
        }
    }
}

/// The writer connection's WAL hook: `context` is the running ``WALCheckpointer``, which removes
/// the hook before it goes away.
private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 =
    { context, connection, name, pages in
        if let context {
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
                .committed(walPages: pages, connection: connection, name: name)
        }
        return SQLITE_OK
    }

/// What a ``WALCheckpointer`` has done.
public struct WALCheckpointerStatistics: Sendable, Equatable {
    /// Background checkpoints run.
    public var checkpoints = 0
    /// Background checkpoints that copied every frame of the WAL.
    public var completeCheckpoints = 0
    /// Background checkpoints that failed.
    public var failures = 0
    /// Checkpoints the writer ran itself because the WAL reached four times the threshold.
    public var writerCheckpoints = 0
}

struct WALCheckpointerMetrics: Sendable {
    let checkpoints = Counter(label: "netmond_storage_wal_checkpoints_total")
    let failures = Counter(label: "netmond_storage_wal_checkpoint_failures_total")
    let writerCheckpoints = Counter(label: "netmond_storage_wal_writer_checkpoints_total")
    let duration = Metrics.Timer(label: "netmond_storage_wal_checkpoint_duration_seconds")
}
