import Logging
import Metrics
import NIOCore
import NIOPosix
import NetmonCore
import Synchronization

/// Sends a copy of every received export datagram, unchanged, to other collectors
/// (`flows.forward`): a fleet's central collector keeps getting the raw stream while the box
/// analyses it locally.
///
/// One unconnected UDP socket per address family. Sending never waits: the copies in flight are
/// capped, and beyond the cap (the socket or the event loop is behind) a copy is dropped and
/// counted, so a slow or unreachable collector cannot hold up or grow the receive path.
public final class FlowForwarder: Sendable {
    private struct Target: Sendable {
        var configuration: FlowConfiguration.ForwardTarget
        var address: SocketAddress
        var channel: any Channel
        var forwarded: Counter
        var dropped: Counter
    }

    /// Copies in flight at most, over all targets.
    static let maximumInFlight = 4096

    private let targets: [Target]
    private let channels: [any Channel]
    private let inFlight = Atomic<Int>(0)

    private init(targets: [Target], channels: [any Channel]) {
        self.targets = targets
        self.channels = channels
    }

    /// Opens the sockets for `configuration`; nil when there is nothing to forward to or no socket
    /// could be opened (logged with what to do).
    public static func start(
        _ configuration: [FlowConfiguration.ForwardTarget],
        group: any EventLoopGroup,
        logger: Logger
    ) async -> FlowForwarder? {
        guard !configuration.isEmpty else { return nil }
        var channels: [Int32: any Channel] = [:]
        var targets: [Target] = []
        for (index, target) in configuration.enumerated() {
            let address: SocketAddress
            do {
                address = try SocketAddress(ipAddress: target.address, port: target.port)
            } catch {
                logger.error(
                    "flows: forward target flows.forward[\(index)] \(target.address):\(target.port) is not usable: \(error)"
                )
                continue
            }
            let family = address.protocol.rawValue
            if channels[family] == nil {
                do {
                    channels[family] = try await DatagramBootstrap(group: group)
                        .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
                        .bind(host: address.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
                        .get()
                } catch {
                    logger.error("flows: cannot open a UDP socket to forward flows to \(target.address): \(error)")
                    continue
                }
            }
            guard let channel = channels[family] else { continue }
            let dimensions = [("target", "\(target.address):\(target.port)")]
            targets.append(
                Target(
                    configuration: target,
                    address: address,
                    channel: channel,
                    forwarded: Counter(label: "netmond_flow_forwarded_total", dimensions: dimensions),
                    dropped: Counter(label: "netmond_flow_forward_dropped_total", dimensions: dimensions)
                )
            )
            logger.info(
                "flows: forwarding \(target.protocols.isEmpty ? "all" : target.protocols.map(\.rawValue).joined(separator: ", ")) datagrams to udp \(target.address):\(target.port)"
            )
        }
        guard !targets.isEmpty else { return nil }
        return FlowForwarder(targets: targets, channels: Array(channels.values))
    }

    /// Sends `datagram`, received by a `listenerProtocol` listener, to every target that takes it.
    /// Never waits.
    public func forward(_ datagram: ByteBuffer, receivedBy listenerProtocol: FlowConfiguration.ListenerProtocol) {
        for target in self.targets where target.configuration.accepts(listenerProtocol) {
            guard self.inFlight.add(1, ordering: .relaxed).newValue <= Self.maximumInFlight else {
                self.inFlight.subtract(1, ordering: .relaxed)
                target.dropped.increment()
                continue
            }
            let promise = target.channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { result in
                self.inFlight.subtract(1, ordering: .relaxed)
                switch result {
                case .success: target.forwarded.increment()
                case .failure: target.dropped.increment()
                }
            }
            target.channel.writeAndFlush(
                AddressedEnvelope(remoteAddress: target.address, data: datagram),
                promise: promise
            )
        }
    }

    /// Closes the sockets (copies still in flight are sent or dropped).
    public func close() async {
        for channel in self.channels {
            try? await channel.close()
        }
    }
}
