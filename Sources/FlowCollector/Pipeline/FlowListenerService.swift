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
    private let group: any EventLoopGroup
    /// Called with each bound listener's actual port (tests bind port 0... and read it here).
    private let onBound: (@Sendable (FlowConfiguration.Listener, Int) -> Void)?

    public init(
        configuration: FlowConfiguration,
        sink: @escaping @Sendable ([FlowRecord]) -> Bool,
        logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
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
        let forwarder = await FlowForwarder.start(self.configuration.forward, group: self.group, logger: self.logger)
        await withDiscardingTaskGroup { tasks in
            for (index, listener) in self.configuration.listeners.enumerated() {
                tasks.addTask {
                    await self.listen(listener, index: index, overrides: overrides, forwarder: forwarder)
                }
            }
        }
        await forwarder?.close()
        try? await gracefulShutdown()
        self.logger.info("flows: listeners stopped")
    }

    private func listen(
        _ listener: FlowConfiguration.Listener,
        index: Int,
        overrides: [IPAddress: UInt32],
        forwarder: FlowForwarder?
    ) async {
        let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
        do {
            channel = try await DatagramBootstrap(group: self.group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(self.configuration.receiveBuffer))
                .channelOption(.datagramVectorReadMessageCount, value: self.configuration.vectorReads)
                // With vector reads NIO splits one buffer among the messages: give each 16 KiB (a
                // datagram larger than that would be truncated; exporters send at most the path MTU).
                .channelOption(
                    .recvAllocator,
                    value: FixedSizeRecvByteBufferAllocator(capacity: 16_384 * self.configuration.vectorReads)
                )
                .bind(host: listener.address, port: listener.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
        } catch {
            let advice =
                "Free the port or change flows.listeners[\(index)] (ports below 1024 need CAP_NET_BIND_SERVICE)."
            self.logger.error(
                "flows: cannot listen on udp \(listener.address):\(listener.port) for \(listener.protocol.rawValue): \(error). \(advice)"
            )
            return
        }
        let port = channel.channel.localAddress?.port ?? listener.port
        self.logger.info("flows: listening for \(listener.protocol.rawValue) on udp \(listener.address):\(port)")
        await self.checkReceiveBuffer(channel.channel, description: "udp \(listener.address):\(port)")
        self.onBound?(listener, port)
        do {
            try await channel.executeThenClose { inbound, _ in
                try await cancelWhenGracefulShutdown {
                    // Owned by this task alone: no locks on the receive path.
                    var processor = FlowDatagramProcessor(protocol: listener.protocol, samplingOverrides: overrides)
                    var metrics = FlowExporterMetrics(protocol: listener.protocol.rawValue)
                    for try await envelope in inbound {
                        forwarder?.forward(envelope.data, receivedBy: listener.protocol)
                        let source = IPAddress(socketAddress: envelope.remoteAddress) ?? .zeroV4
                        let bytes = Array(envelope.data.readableBytesView)
                        let result = processor.process(bytes, from: source, now: Self.now())
                        metrics.record(result, datagramBytes: bytes.count)
                        if !result.records.isEmpty && !self.sink(result.records) {
                            metrics.dropped(result.records.count)
                        }
                    }
                }
            }
        } catch is CancellationError {
        } catch {
            self.logger.error("flows: listener on udp \(listener.address):\(port) failed: \(error)")
        }
    }

    /// Linux caps SO_RCVBUF at net.core.rmem_max (and reports twice the size it grants): say so
    /// when the socket got less than `flows.receive_buffer`, since bursts beyond it are lost.
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
    /// The address of a NIO socket address; IPv4-mapped IPv6 addresses become IPv4.
    init?(socketAddress: SocketAddress) {
        guard let text = socketAddress.ipAddress, let address = IPAddress(parsing: text) else { return nil }
        self = address.unmappedIPv4
    }
}
