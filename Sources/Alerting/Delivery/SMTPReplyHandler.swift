import NIOCore

/// An SMTP reply: the code and its text lines (RFC 5321 §4.2).
struct SMTPReply: Sendable, Hashable {
    var code: Int
    var lines: [String]

    var text: String { self.lines.joined(separator: " / ") }
}

/// Splits inbound bytes into SMTP replies (multi-line `250-...` up to `250 ...`) and yields them.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    private var buffer = ByteBuffer()
    private var pending: [String] = []
    /// A reply line longer than this is an error (RFC 5321 allows 512).
    private let maximumLine = 4096

    init(continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = Self.unwrapInboundIn(data)
        self.buffer.writeBuffer(&incoming)
        while let newline = self.buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - self.buffer.readerIndex + 1
            guard var line = self.buffer.readString(length: length) else { break }
            while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
            self.consume(line)
        }
        if self.buffer.readableBytes > self.maximumLine {
            self.continuation.finish(throwing: DeliveryError("SMTP reply line too long", retryable: true))
            context.close(promise: nil)
        }
        self.buffer.discardReadBytes()
    }

    private func consume(_ line: String) {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
            self.continuation.finish(
                throwing: DeliveryError("malformed SMTP reply: \(line.prefix(80))", retryable: true)
            )
            return
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        self.pending.append(text)
        if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") {
            self.continuation.yield(SMTPReply(code: code, lines: self.pending))
            self.pending = []
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.continuation.finish(throwing: DeliveryError("the SMTP server closed the connection", retryable: true))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.continuation.finish(throwing: DeliveryError("SMTP connection error: \(error)", retryable: true))
        context.close(promise: nil)
    }
}
