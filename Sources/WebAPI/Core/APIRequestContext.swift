import Hummingbird
import NIOCore

/// The request context of every netmond route: Hummingbird's core storage plus the peer's socket
/// address (the client address unless a trusted proxy names another) and a small body limit.
public struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The socket peer; nil in router tests without a channel.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies larger than this are refused with 413 (256 KiB).
    public var maxUploadSize: Int { Self.maximumBodySize }

    static let maximumBodySize = 256 * 1024
}
