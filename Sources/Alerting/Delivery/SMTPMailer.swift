import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NetmonCore

/// Sends email through the configured SMTP server: STARTTLS (required when configured) or
/// implicit TLS, AUTH PLAIN or LOGIN (only over TLS), one message per call, bounded by `timeout`.
/// The SMTP server is the administrator's own relay, so it is not subject to the SSRF guard.
public struct SMTPMailer: Sendable {
    public var configuration: SMTPConfiguration
    public var timeout: Duration

    public init(configuration: SMTPConfiguration, timeout: Duration) {
        self.configuration = configuration
        self.timeout = timeout
    }

    /// Sends `email`; returns the final reply code (250).
    public func send(_ email: NotificationPayload.Email, messageID: String) async throws(DeliveryError) -> Int {
        let configuration = self.configuration
        guard !configuration.host.isEmpty else {
            throw DeliveryError("alerting.smtp.host is not set", retryable: false)
        }
        guard !email.recipients.isEmpty, email.recipients.allSatisfy(SMTPMessage.isAddress),
            SMTPMessage.isAddress(configuration.from)
        else {
            throw DeliveryError("invalid sender or recipient address", retryable: false)
        }
        do {
            return try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { try await self.conversation(email, messageID: messageID) }
                group.addTask {
                    try await Task.sleep(for: self.timeout)
                    throw DeliveryError("SMTP timed out after \(self.timeout)", retryable: true)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError("SMTP: \(error)", retryable: true)
        }
    }

    private func tlsContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !self.configuration.caFile.isEmpty {
            tls.additionalTrustRoots = [.file(self.configuration.caFile)]
        }
        if self.configuration.insecureSkipVerify { tls.certificateVerification = .none }
        return try NIOSSLContext(configuration: tls)
    }

    private func conversation(_ email: NotificationPayload.Email, messageID: String) async throws -> Int {
        let configuration = self.configuration
        let (replies, continuation) = AsyncThrowingStream.makeStream(of: SMTPReply.self)
        let context = configuration.security == .none ? nil : try self.tlsContext()
        let serverName = DestinationAddress.literal(configuration.host) == nil ? configuration.host : nil
        let implicitTLS = configuration.security == .tls
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(max(1, self.timeout.components.seconds))))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let context {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: serverName)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(continuation: continuation))
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .get()
        defer { channel.close(promise: nil) }
        var iterator = replies.makeAsyncIterator()

        func next() async throws -> SMTPReply {
            guard let reply = try await iterator.next() else {
                throw DeliveryError("the SMTP server closed the connection", retryable: true)
            }
            return reply
        }
        func send(_ line: String) async throws {
            var buffer = channel.allocator.buffer(capacity: line.utf8.count + 2)
            buffer.writeString(line + "\r\n")
            try await channel.writeAndFlush(buffer).get()
        }
        func expect(_ reply: SMTPReply, _ codes: Set<Int>, _ step: String) throws {
            guard codes.contains(reply.code) else {
                // 4xx are transient (retry), 5xx permanent.
                throw DeliveryError(
                    "SMTP \(step) refused: \(reply.code) \(reply.text)",
                    status: reply.code,
                    retryable: reply.code < 500
                )
            }
        }

        try expect(try await next(), [220], "greeting")
        try await send("EHLO \(configuration.heloName)")
        var hello = try await next()
        try expect(hello, [250], "EHLO")
        var secured = implicitTLS
        if configuration.security == .starttls {
            guard hello.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }), let context else {
                throw DeliveryError("the SMTP server does not offer STARTTLS", retryable: false)
            }
            try await send("STARTTLS")
            try expect(try await next(), [220], "STARTTLS")
            let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
            try await channel.pipeline.addHandler(handler, position: .first).get()
            secured = true
            try await send("EHLO \(configuration.heloName)")
            hello = try await next()
            try expect(hello, [250], "EHLO after STARTTLS")
        }
        if !configuration.username.isEmpty {
            guard secured else {
                throw DeliveryError("AUTH needs TLS (smtp.security starttls or tls)", retryable: false)
            }
            let password = configuration.password?.value ?? ""
            let mechanisms = hello.lines.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
            if mechanisms.contains("PLAIN") {
                let token = Data(([0] + Array(configuration.username.utf8) + [0] + Array(password.utf8)))
                    .base64EncodedString()
                try await send("AUTH PLAIN \(token)")
                try expect(try await next(), [235], "AUTH PLAIN")
            } else if mechanisms.contains("LOGIN") {
                try await send("AUTH LOGIN")
                try expect(try await next(), [334], "AUTH LOGIN")
                try await send(Data(configuration.username.utf8).base64EncodedString())
                try expect(try await next(), [334], "AUTH LOGIN user")
                try await send(Data(password.utf8).base64EncodedString())
                try expect(try await next(), [235], "AUTH LOGIN password")
            } else {
                throw DeliveryError("the SMTP server offers neither AUTH PLAIN nor LOGIN", retryable: false)
            }
        }
        try await send("MAIL FROM:<\(configuration.from)>")
        try expect(try await next(), [250], "MAIL FROM")
        for recipient in email.recipients {
            try await send("RCPT TO:<\(recipient)>")
            try expect(try await next(), [250, 251], "RCPT TO \(recipient)")
        }
        try await send("DATA")
        try expect(try await next(), [354], "DATA")
        let data = SMTPMessage.data(
            from: configuration.from,
            to: email.recipients,
            subject: email.subject,
            body: email.body,
            messageID: messageID,
            date: Date()
        )
        var buffer = channel.allocator.buffer(capacity: data.utf8.count)
        buffer.writeString(data)
        try await channel.writeAndFlush(buffer).get()
        let accepted = try await next()
        try expect(accepted, [250], "message")
        try? await send("QUIT")
        return accepted.code
    }
}
