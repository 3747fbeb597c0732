import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The client's address: the socket peer, unless the peer is a trusted proxy, in which case the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
struct ClientAddress: Sendable {
    let trustedProxies: Set<String>

    func resolve(_ request: Request, peer: SocketAddress?) -> String {
        let socket = peer?.ipAddress ?? "unknown"
        guard self.trustedProxies.contains(socket), let header = request.headers[.xForwardedFor] else {
            return socket
        }
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !self.trustedProxies.contains(hop) {
            return hop.isEmpty || hop.count > 64 ? socket : hop
        }
        return socket
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xAPIKey = Self("X-API-Key")!
    static let xCSRFToken = Self("X-CSRF-Token")!
}
