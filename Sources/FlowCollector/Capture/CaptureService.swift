import Logging
import NetmonCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Runs the configured live captures (`capture:`): each on its own thread, decoding packets into its
/// own flow table and handing expired flows to `sink` (the flow writer) in batches, with libpcap's
/// statistics in /metrics. A capture that cannot start is logged with the interface and what to do;
/// the other captures and the rest of the daemon keep running.
public final class CaptureService: Service, Sendable {
    private let configuration: CaptureConfiguration
    private let sink: @Sendable ([FlowRecord]) -> Bool
    private let logger: Logger
    /// Called once a capture is running (tests wait for it before sending traffic).
    private let onStarted: (@Sendable (String) -> Void)?

    public init(
        configuration: CaptureConfiguration,
        sink: @escaping @Sendable ([FlowRecord]) -> Bool,
        logger: Logger,
        onStarted: (@Sendable (String) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
        self.onStarted = onStarted
    }

    public func run() async throws {
        guard !self.configuration.captures.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await withDiscardingTaskGroup { tasks in
            for (index, capture) in self.configuration.captures.enumerated() {
                tasks.addTask { await self.capture(capture, number: index + 1) }
            }
        }
        try? await gracefulShutdown()
    }

    private func capture(_ capture: CaptureConfiguration.Capture, number: Int) async {
        let handle: PcapHandle
        do {
            handle = try PcapHandle.openInterface(
                capture.interface,
                snapLength: capture.snapLength,
                promiscuous: capture.promiscuous,
                bufferSize: capture.bufferSize,
                bufferTimeout: capture.bufferTimeout,
                filter: capture.filter
            )
        } catch {
            self.logger.error(
                "capture: \(error.message) (capture[\(number - 1)]; the other captures and netmond keep running)"
            )
            return
        }
        self.logger.info(
            "capture: capturing on interface \(capture.interface)",
            metadata: ["capture.filter": "\(capture.filter)", "capture.snaplen": "\(capture.snapLength)"]
        )
        self.onStarted?(capture.interface)
        let stop = StopFlag()
        let sink = self.sink
        let logger = self.logger
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                CaptureThread.start {
                    CaptureLoop(capture: capture, number: number, handle: handle, sink: sink, logger: logger)
                        .run(until: stop)
                    continuation.resume()
                }
            }
        } onCancelOrGracefulShutdown: {
            stop.set()
            handle.breakLoop()
        }
        self.logger.info("capture: stopped on interface \(capture.interface)")
    }
}

/// The loop of one live capture, on its own thread: read, decode, account, expire, hand on.
struct CaptureLoop {
    let capture: CaptureConfiguration.Capture
    let number: Int
    let handle: PcapHandle
    let sink: @Sendable ([FlowRecord]) -> Bool
    let logger: Logger
    /// Expired flows handed on in batches of at most this many, and at least once per second.
    static let batchSize = 1024
    /// Longest wait for packets before the loop checks the clock (timeouts, metrics) and the stop flag.
    static let pollMilliseconds: Int32 = 100

    func run(until stop: StopFlag) {
        let table = FlowTable(
            configuration: .init(
                activeTimeout: self.capture.activeTimeout,
                inactiveTimeout: self.capture.inactiveTimeout,
                maximumFlows: self.capture.maximumFlows,
                expireOnTCPFinish: self.capture.tcpFinishExpiry
            )
        )
        let builder = PacketFlowBuilder(table: table, linkType: self.handle.linkType, interface: UInt16(self.number))
        var metrics = CaptureMetrics(interface: self.capture.interface)
        var lastReport = Int64.min / 2
        while !stop.isSet {
            let result: PcapHandle.ReadResult
            do {
                result = try self.handle.next { microseconds, _, bytes in
                    builder.add(bytes, microseconds: microseconds)
                }
            } catch {
                self.logger.error("capture: \(error.message); the capture on \(self.capture.interface) stops")
                break
            }
            if case .end = result { break }
            // Between buffer timeouts, look at the clock every 1,024 packets or full batch only.
            let idle: Bool
            if case .timeout = result {
                idle = true
                self.handle.waitForPackets(milliseconds: Self.pollMilliseconds)
            } else {
                idle = false
            }
            if !idle && builder.counters.packets & 1023 != 0 && table.pendingExpired < Self.batchSize { continue }
            let now = Self.wallClock()
            builder.tick(now: now)
            if now - lastReport >= 1000 || table.pendingExpired >= Self.batchSize {
                self.handOn(table.takeExpired(), metrics: metrics)
            }
            if now - lastReport >= 1000 {
                lastReport = now
                metrics.update(kernel: self.handle.statistics(), counters: builder.counters, table: table.statistics)
                metrics.setActiveFlows(table.count)
            }
        }
        self.handOn(table.takeExpired(), metrics: metrics)
        while table.count > 0 {
            table.drain(maximum: Self.batchSize)
            self.handOn(table.takeExpired(), metrics: metrics)
        }
        metrics.update(kernel: self.handle.statistics(), counters: builder.counters, table: table.statistics)
        metrics.setActiveFlows(0)
    }

    private func handOn(_ records: [FlowRecord], metrics: CaptureMetrics) {
        guard !records.isEmpty else { return }
        if !self.sink(records) { metrics.dropped(records.count) }
    }

    static func wallClock() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
