import Foundation
import Logging
import Metrics
import NetmonCore
import ServiceLifecycle
import Synchronization

/// Polls every device on its own interval, spread over the interval with jitter so polls do not
/// come in bursts; never polls one device twice at once (a poll still running when the next is
/// due makes that slot skipped and counted); caps how many devices are polled at the same time
/// with an adaptive window (`AdaptivePollLimiter`, `PollWindow`): at most
/// `snmp.max_concurrent_polls`, fewer while agents answer late (after a retransmission) or
/// slowly, i.e. while they have more queued than they serve in time.
public final class SNMPPollScheduler: Service, Sendable {
    private let engine: SNMPEngine
    private let devices: @Sendable () async throws -> [MonitoredDevice]
    private let sink: any SNMPPollSink
    private let configuration: SNMPConfiguration
    private let logger: Logger
    private let window: AdaptivePollLimiter
    private let metrics: SNMPPollerMetrics
    /// Run-time device changes, consumed by `run()`; bounded (a full queue drops and logs).
    private let changes: AsyncStream<DeviceChange>
    private let changesInput: AsyncStream<DeviceChange>.Continuation
    /// Device id → the signal that stops its poll loop.
    private let stopSignals = Mutex<[Int64: AsyncStream<Void>.Continuation]>([:])

    /// - Parameter devices: the devices to poll, read once when the service starts.
    public init(
        engine: SNMPEngine,
        configuration: SNMPConfiguration,
        devices: @escaping @Sendable () async throws -> [MonitoredDevice],
        sink: any SNMPPollSink,
        logger: Logger
    ) {
        self.engine = engine
        self.configuration = configuration
        self.devices = devices
        self.sink = sink
        self.logger = logger
        let metrics = SNMPPollerMetrics()
        self.metrics = metrics
        let window = PollWindow<ContinuousClock.Instant>(
            ceiling: configuration.maxConcurrentPolls,
            floor: configuration.minConcurrentPolls
        )
        metrics.window.record(window.limit)
        self.window = AdaptivePollLimiter(window: window) { change in
            metrics.window.record(change.limit)
            if change.decreased {
                metrics.windowDecreases.increment()
                logger.debug("snmp: agents answer late or slowly; poll window shrunk to \(change.limit)")
            }
        }
        let (changes, changesInput) = AsyncStream<DeviceChange>.makeStream(bufferingPolicy: .bufferingOldest(10_000))
        self.changes = changes
        self.changesInput = changesInput
    }

    /// The poll window's state (its limit is also on /metrics as `netmond_snmp_poll_window`).
    package var windowSnapshot: AdaptivePollLimiter.Snapshot { self.window.snapshot }

    /// Starts, restarts or stops polling a device while the scheduler runs (devices created,
    /// changed or deleted through the API). Changes made before `run()` starts are applied then.
    public func apply(_ change: DeviceChange) {
        if case .dropped = self.changesInput.yield(change) {
            self.logger.error("snmp: too many device changes queued; one was dropped")
        }
    }

    public func run() async throws {
        defer { self.engine.shutdown() }
        guard self.configuration.enabled else {
            self.logger.notice("snmp: polling disabled (snmp.enabled: false)")
            // A service that returns would end the daemon: wait for shutdown like the others.
            try? await gracefulShutdown()
            return
        }
        let devices = try await self.devices()
        self.metrics.devices.record(devices.count)
        self.logger.info("snmp: polling \(devices.count) devices", metadata: ["snmp.devices": "\(devices.count)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for device in devices {
                    self.start(device, in: &group)
                }
                for await change in self.changes {
                    switch change {
                    case .upsert(let device):
                        self.stop(deviceID: device.id)
                        self.start(device, in: &group)
                        self.logger.info("snmp: polling device \(device.name) (changed at run time)")
                    case .remove(let id):
                        self.stop(deviceID: id)
                        self.logger.info("snmp: stopped polling device \(id) (removed at run time)")
                    }
                }
            }
        }
        // No devices, or every loop ended early: stay until shutdown (returning would end the daemon).
        try? await gracefulShutdown()
        self.logger.info("snmp: poller stopped")
    }

    /// Adds `device`'s poll loop to `group`, stoppable through its stop signal.
    private func start(_ device: MonitoredDevice, in group: inout DiscardingTaskGroup) {
        let (signal, stopper) = AsyncStream<Void>.makeStream()
        self.stopSignals.withLock { $0[device.id] = stopper }
        group.addTask {
            await withTaskGroup(of: Void.self) { loop in
                loop.addTask { await self.pollLoop(device) }
                loop.addTask { for await _ in signal {} }
                await loop.next()
                loop.cancelAll()
            }
        }
    }

    /// Ends the poll loop of `deviceID`, if one runs.
    private func stop(deviceID: Int64) {
        let stopper = self.stopSignals.withLock { $0.removeValue(forKey: deviceID) }
        stopper?.finish()
    }

    private func pollLoop(_ device: MonitoredDevice) async {
        var logger = self.logger
        logger[metadataKey: "snmp.device"] = "\(device.name)"
        var poller = DevicePoller(
            device: device,
            collectors: self.configuration.collectors,
            discoveryInterval: self.configuration.discoveryInterval,
            downAfterFailures: self.configuration.downAfterFailures
        )
        var client: SNMPClient
        do {
            client = try await self.engine.client(for: SNMPTarget(device: device), forgetCachedUSMUser: true)
            client.observer = self.window
        } catch {
            logger.error("snmp: cannot open a session: \(error)")
            return
        }
        defer { client.close() }

        let interval = device.settings.pollInterval
        let clock = ContinuousClock()
        var next = clock.now + Self.jitter(within: interval)
        while !Task.isCancelled {
            do {
                try await Task.sleep(until: next, clock: clock)
            } catch {
                return
            }
            do {
                try await self.window.acquire()
            } catch {
                return  // cancelled while waiting for room in the window
            }
            self.metrics.inFlight.increment()
            let outcome = await poller.poll(client, clock: { Int64(Date().timeIntervalSince1970 * 1000) })
            self.metrics.inFlight.decrement()
            self.window.release()
            await self.deliver(outcome, device: device, logger: logger)

            next += interval
            let now = clock.now
            if next < now {
                // The poll overran its slot(s): skip them (counted) rather than poll back to back.
                let missed = Int(((now - next) / interval).rounded(.down)) + 1
                self.metrics.skipped.increment(by: missed)
                logger.warning("snmp: poll took longer than the interval; \(missed) poll(s) skipped")
                next += interval * missed
            }
        }
    }

    private func deliver(_ outcome: DevicePoller.Outcome, device: MonitoredDevice, logger: Logger) async {
        if let discovery = outcome.discovery {
            await self.sink.discovered(
                deviceID: device.id,
                system: discovery.system,
                interfaces: discovery.interfaces,
                at: outcome.measuredAt
            )
        }
        if !outcome.measurements.isEmpty {
            await self.sink.measured(deviceID: device.id, outcome.measurements, at: outcome.measuredAt)
        }
        if !outcome.events.isEmpty {
            for event in outcome.events {
                logger.notice("snmp: \(event.message)", metadata: ["snmp.event": "\(event.kind.rawValue)"])
            }
            await self.sink.recorded(deviceID: device.id, outcome.events)
        }
        await self.sink.completed(outcome.report)
        self.metrics.record(outcome.report, device: device.name)
        if let error = outcome.report.error {
            logger.info("snmp: poll failed: \(error)")
        }
    }

    /// A random offset within the first interval, so devices added together do not poll together.
    static func jitter(within interval: Duration) -> Duration {
        let milliseconds = max(1, interval.components.seconds * 1000)
        return .milliseconds(Int64.random(in: 0..<milliseconds))
    }
}
