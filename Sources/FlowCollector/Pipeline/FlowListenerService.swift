import Logging
import Metrics
import NIOCore
import NIOPosix
import NetmonCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Receives NetFlow v5/v9, IPFIX and sFlow exports on the configured UDP sockets (SwiftNIO,
/// vector reads, a large receive buffer), decodes them and hands the records to `sink`, which
/// must not block: the receive path never waits on storage.
///
/// A listener that cannot bind (port in use, no permission) is logged with what to do and the
/// others, and the rest of the daemon, keep running.
public final class FlowListenerService: Service, Sendable {
    private let configuration: FlowConfiguration
    private let sink: @Sendable ([FlowRecord]) -> Bool
    private let logger: Logger
    /// The event loops to read and decode on; nil: the service's own (see ``run()``).
    private let group: (any EventLoopGroup)?
    /// Called with each bound listener's actual port (tests bind port 0... and read it here).
    private let onBound: (@Sendable (FlowConfiguration.Listener, Int) -> Void)?

    public init(
        configuration: FlowConfiguration,
        sink: @escaping @Sendable ([FlowRecord]) -> Bool,
        logger: Logger,
        group: (any EventLoopGroup)? = nil,
        onBound: (@Sendable (FlowConfiguration.Listener, Int) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
        self.group = group
        self.onBound = onBound
    }

    public func run() async throws {
        guard self.configuration.enabled, !self.configuration.listeners.isEmpty else {
            self.logger.notice("flows: no flow listeners (flows.enabled or flows.listeners)")
            try? await gracefulShutdown()
            return
        }
        let overrides = Dictionary(
            self.configuration.exporters.compactMap { exporter -> (IPAddress, UInt32)? in
                guard let rate = exporter.samplingRate, let address = IPAddress(parsing: exporter.address)?.unmappedIPv4
                else {
                    return nil
                }
                return (address, UInt32(clamping: rate))
            }
        ) { first, _ in first }
        // Datagrams are decoded on the event loop that reads them: by default on loops of their
        // own (one per listener, at most one per core), so the API's loops never wait behind a
        // flood of exports, nor the other way round.
        let ownGroup: MultiThreadedEventLoopGroup? =
            self.group == nil
            ? MultiThreadedEventLoopGroup(numberOfThreads: min(self.configuration.listeners.count, System.coreCount))
            : nil
        let group: any EventLoopGroup = self.group ?? ownGroup!
        let forwarder = await FlowForwarder.start(self.configuration.forward, group: group, logger: self.logger)
        await withDiscardingTaskGroup { tasks in
            for (index, listener) in self.configuration.listeners.enumerated() {
                tasks.addTask {
                    await self.listen(listener, index: index, group: group, overrides: overrides, forwarder: forwarder)
                }
            }
        }
        await forwarder?.close()
        try? await ownGroup?.shutdownGracefully()
        try? await gracefulShutdown()
        self.logger.info("flows: listeners stopped")
    }

    private func listen(
        _ listener: FlowConfiguration.Listener,
        index: Int,
        group: any EventLoopGroup,
        overrides: [IPAddress: UInt32],
        forwarder: FlowForwarder?
    ) async {
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(self.configuration.receiveBuffer))
                .channelOption(.datagramVectorReadMessageCount, value: self.configuration.vectorReads)
                // With vector reads NIO splits one buffer among the messages: give each 16 KiB (a
                // datagram larger than that would be truncated; exporters send at most the path MTU).
                .channelOption(
                    .recvAllocator,
                    value: FixedSizeRecvByteBufferAllocator(capacity: 16_384 * self.configuration.vectorReads)
                )
                .channelInitializer { [sink = self.sink] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            FlowDatagramHandler(
                                listener: listener,
                                samplingOverrides: overrides,
                                forwarder: forwarder,
                                sink: sink,
                                clock: Self.now
                            )
                        )
                    }
                }
                .bind(host: listener.address, port: listener.port)
                .get()
        } catch {
            let advice =
                "Free the port or change flows.listeners[\(index)] (ports below 1024 need CAP_NET_BIND_SERVICE)."
            self.logger.error(
                "flows: cannot listen on udp \(listener.address):\(listener.port) for \(listener.protocol.rawValue): \(error). \(advice)"
            )
            return
        }
        let port = channel.localAddress?.port ?? listener.port
        self.logger.info("flows: listening for \(listener.protocol.rawValue) on udp \(listener.address):\(port)")
        await self.checkReceiveBuffer(channel, description: "udp \(listener.address):\(port)")
        self.onBound?(listener, port)
        // The handler decodes on the event loop; this task only waits for the end.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    private func checkReceiveBuffer(_ channel: any Channel, description: String) async {
        guard let granted = try? await channel.getOption(.socketOption(.so_rcvbuf)).get() else { return }
        let wanted = self.configuration.receiveBuffer
        guard Int(granted) / 2 < wanted else { return }
        self.logger.warning(
            "flows: \(description) got a receive buffer of \(Int(granted) / 2) bytes, not the \(wanted) of flows.receive_buffer: the kernel caps it at net.core.rmem_max; raise it (sysctl -w net.core.rmem_max=\(wanted)) or bursts will be lost"
        )
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}

extension IPAddress {
    /// The address of a NIO socket address; IPv4-mapped IPv6 addresses become IPv4. Read from the
    /// `sockaddr` itself (Linux layouts: `sin_addr` at byte 4 of `sockaddr_in`, `sin6_addr` at
    /// byte 8 of `sockaddr_in6`), not through text: this runs for every datagram.
    init?(socketAddress: SocketAddress) {
        switch socketAddress {
        case .v4(let address):
            self = .v4(
                withUnsafeBytes(of: address.address) {
                    UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                }
            )
        case .v6(let address):
            let (high, low) = withUnsafeBytes(of: address.address) { raw in
                (
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
                )
            }
            self = IPAddress.v6(high: high, low: low).unmappedIPv4
        case .unixDomainSocket:
            return nil
        }
    }
}
