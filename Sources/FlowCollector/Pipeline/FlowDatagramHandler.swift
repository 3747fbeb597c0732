import NIOCore
import NetmonCore

/// Decodes export datagrams on the listener channel's event loop, as NIO reads them, and hands
/// the records to the sink.
///
/// Decoding where the datagram is read, rather than passing each one to a task through an async
/// sequence, keeps a busy stream free of a thread hop and of task scheduling per datagram: when
/// the cooperative pool is busy (the flow writer folding minutes, the API), the socket is still
/// drained at once, and the kernel's receive buffer only has to absorb real overload. The
/// processor and metrics are owned by the event loop: no locks on the receive path.
final class FlowDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let listenerProtocol: FlowConfiguration.ListenerProtocol
    private var processor: FlowDatagramProcessor
    private var metrics: FlowExporterMetrics
    private let forwarder: FlowForwarder?
    private let sink: @Sendable ([FlowRecord]) -> Bool
    private let clock: @Sendable () -> Int64

    init(
        listener: FlowConfiguration.Listener,
        samplingOverrides: [IPAddress: UInt32],
        forwarder: FlowForwarder?,
        sink: @escaping @Sendable ([FlowRecord]) -> Bool,
        clock: @escaping @Sendable () -> Int64
    ) {
        self.listenerProtocol = listener.protocol
        self.processor = FlowDatagramProcessor(protocol: listener.protocol, samplingOverrides: samplingOverrides)
        self.metrics = FlowExporterMetrics(protocol: listener.protocol.rawValue)
        self.forwarder = forwarder
        self.sink = sink
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        self.forwarder?.forward(envelope.data, receivedBy: self.listenerProtocol)
        let source = IPAddress(socketAddress: envelope.remoteAddress) ?? .zeroV4
        let bytes = Array(envelope.data.readableBytesView)
        let result = self.processor.process(bytes, from: source, now: self.clock())
        self.metrics.record(result, datagramBytes: bytes.count)
        if !result.records.isEmpty && !self.sink(result.records) {
            self.metrics.dropped(result.records.count)
        }
    }
}
