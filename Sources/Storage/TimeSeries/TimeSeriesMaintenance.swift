import Foundation
public import Logging
public import NetmonCore
public import ServiceLifecycle

/// The time-series maintenance service: every `maintenance_interval` it rolls up (5-minute, hourly,
/// daily), packs old raw samples into compressed chunks and applies retention and the disk budget.
///
/// Each pass does a bounded amount of work (``hoursPerPass`` hours, ``daysPerPass`` days) from the
/// persisted watermarks, so after downtime it catches up over a few passes without rescanning and
/// without holding the database for long; when a pass hit its bound the next one starts at once.
/// A failed pass is logged and retried at the next interval, never a crash. It stops on graceful
/// shutdown between transactions.
public final class TimeSeriesMaintenance: Service, Sendable {
    /// Hours rolled up per pass at most.
    public static let hoursPerPass = 48
    /// Days rolled up or packed per pass at most.
    public static let daysPerPass = 2

    private let database: NetmonDatabase
    private let configuration: TimeSeriesConfiguration
    private let logger: Logger
    private let now: @Sendable () -> Int64

    /// Creates the service; `now` gives the current time in epoch ms (the system clock by default).
    public init(
        database: NetmonDatabase,
        configuration: TimeSeriesConfiguration,
        logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    /// Runs passes until graceful shutdown or cancellation.
    public func run() async throws {
        self.logger.info(
            "timeseries: maintenance started",
            metadata: ["timeseries.interval": "\(self.configuration.maintenanceInterval)"]
        )
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var busy = false
            do {
                busy = try await self.runPass()
            } catch {
                self.logger.error("timeseries: maintenance pass failed", metadata: ["error": "\(error)"])
            }
            if busy { continue }
            do {
                let interval = self.configuration.maintenanceInterval
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
        self.logger.info("timeseries: maintenance stopped")
    }

    /// One pass: rollups, compression, retention. Returns true when a bound was hit (more to do).
    @discardableResult
    public func runPass() async throws -> Bool {
        let now = self.now()
        let rollup = TimeSeriesRollup(
            database: self.database,
            rollupDelay: self.configuration.rollupDelay.wholeMilliseconds
        )
        let hours = try await rollup.rollUpHours(now: now, maxHours: Self.hoursPerPass)
        let days = try await rollup.rollUpDays(now: now, maxDays: Self.daysPerPass)
        let compressor = SampleCompressor(
            database: self.database,
            compressAfter: self.configuration.compressAfter.wholeMilliseconds
        )
        let packed = try await compressor.compressDays(now: now, maxDays: Self.daysPerPass)
        let retention = try await TimeSeriesRetention(
            database: self.database,
            configuration: self.configuration,
            logger: self.logger
        ).apply(now: now)
        if hours + days > 0 || packed > 0 || retention.rawSamplesDeleted + retention.rollupRowsDeleted > 0 {
            self.logger.debug(
                "timeseries: maintenance pass",
                metadata: [
                    "timeseries.hours": "\(hours)", "timeseries.days": "\(days)", "timeseries.packed": "\(packed)",
                    "timeseries.raw_deleted": "\(retention.rawSamplesDeleted)",
                    "timeseries.rollups_deleted": "\(retention.rollupRowsDeleted)",
                ]
            )
        }
        return hours >= Self.hoursPerPass || days >= Self.daysPerPass
    }
}
