import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Posts JSON to a webhook over HTTP/1.1 (TLS for https), connecting only to an address the
/// ``DestinationResolver`` validated. Redirects are not followed (a 3xx fails the attempt);
/// the whole exchange is bounded by `timeout`.
public struct WebhookSender: Sendable {
    public var resolver: DestinationResolver
    public var timeout: Duration
    public var userAgent: String

    public init(resolver: DestinationResolver, timeout: Duration, userAgent: String = "netmond") {
        self.resolver = resolver
        self.timeout = timeout
        self.userAgent = userAgent
    }

    /// A parsed http(s) URL.
    struct Target: Sendable {
        var tls: Bool
        var host: String
        var port: Int
        var pathAndQuery: String
        var hostHeader: String
    }

    /// Splits `url`, refusing anything but http and https.
    static func target(_ url: String) throws(DeliveryError) -> Target {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = components.host, !host.isEmpty
        else {
            throw DeliveryError("\(url) is not an http:// or https:// URL", retryable: false)
        }
        guard components.user == nil, components.password == nil else {
            throw DeliveryError("URLs with user info are not accepted", retryable: false)
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let tls = scheme == "https"
        let port = components.port ?? (tls ? 443 : 80)
        guard (1...65535).contains(port) else { throw DeliveryError("bad port in \(url)", retryable: false) }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let defaultPort = (tls && port == 443) || (!tls && port == 80)
        return Target(
            tls: tls,
            host: host,
            port: port,
            pathAndQuery: path,
            hostHeader: defaultPort ? bracketed : "\(bracketed):\(port)"
        )
    }

    /// Posts `body` to `url` with extra `headers`; returns the 2xx status.
    ///
    /// - Throws: ``DeliveryError``: refused destinations, redirects and 4xx other than 408/429
    ///   are not retryable; connection failures, timeouts and 5xx are.
    public func post(url: String, body: String, headers: [(String, String)]) async throws(DeliveryError) -> Int {
        let target = try Self.target(url)
        let addresses = try await self.resolver.resolve(host: target.host, port: target.port)
        var lastError = DeliveryError("no address to connect to", retryable: true)
        for address in addresses {
            do {
                let status = try await self.exchange(target: target, address: address, body: body, headers: headers)
                return try Self.judge(status)
            } catch let error as DeliveryError {
                guard error.status == nil, error.retryable else { throw error }
                lastError = error
            } catch {
                lastError = DeliveryError("\(error)", retryable: true)
            }
        }
        throw lastError
    }

    static func judge(_ status: Int) throws(DeliveryError) -> Int {
        switch status {
        case 200..<300:
            return status
        case 300..<400:
            throw DeliveryError("HTTP \(status): redirects are not followed", status: status, retryable: false)
        case 408, 429:
            throw DeliveryError("HTTP \(status)", status: status, retryable: true)
        case 400..<500:
            throw DeliveryError("HTTP \(status) (the receiver rejects the request)", status: status, retryable: false)
        default:
            throw DeliveryError("HTTP \(status)", status: status, retryable: true)
        }
    }

    private func exchange(
        target: Target,
        address: SocketAddress,
        body: String,
        headers: [(String, String)]
    )
        async throws -> Int
    {
        let group = MultiThreadedEventLoopGroup.singleton
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: Int.self)
        let tlsContext: NIOSSLContext?
        if target.tls {
            tlsContext = try Self.sharedTLSContext()
        } else {
            tlsContext = nil
        }
        let serverName = DestinationAddress.literal(target.host) == nil ? target.host : nil
        let timeout = TimeAmount.nanoseconds(
            Int64(self.timeout.components.seconds) * 1_000_000_000
                + self.timeout.components.attoseconds / 1_000_000_000
        )
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                        )
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseStatusHandler(promise: promise))
                }
            }
        let deadline = eventLoop.scheduleTask(in: timeout) {
            promise.fail(DeliveryError("timed out after \(self.timeout)", retryable: true))
        }
        defer { deadline.cancel() }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(to: address).get()
        } catch {
            promise.fail(error)
            throw DeliveryError("cannot connect to \(address): \(error)", retryable: true)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.pathAndQuery)
        head.headers.add(name: "Host", value: target.hostHeader)
        head.headers.add(name: "User-Agent", value: self.userAgent)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        var buffer = channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            let status = try await promise.futureResult.get()
            channel.close(promise: nil)
            return status
        } catch {
            channel.close(promise: nil)
            if let error = error as? DeliveryError { throw error }
            throw DeliveryError("\(error)", retryable: true)
        }
    }

    private static let tlsContext: Result<NIOSSLContext, any Error> = Result {
        try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration())
    }

    static func sharedTLSContext() throws -> NIOSSLContext {
        try Self.tlsContext.get()
    }
}

/// Completes `promise` with the response status once the response has ended.
private final class ResponseStatusHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<Int>
    private var status: Int?

    init(promise: EventLoopPromise<Int>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = Int(head.status.code)
        case .body:
            break
        case .end:
            if let status = self.status { self.promise.succeed(status) }
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(DeliveryError("connection closed before a full response", retryable: true))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.promise.fail(DeliveryError("\(error)", retryable: true))
        context.close(promise: nil)
    }
}
