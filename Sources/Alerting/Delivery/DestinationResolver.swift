import Foundation
import NIOCore
import NIOPosix
import NetmonCore

#if canImport(Glibc)
import Glibc
#endif

/// Resolves a notification host to the addresses to connect to, refusing any the
/// ``DestinationPolicy`` forbids. A DNS name is refused when any of its addresses is
/// forbidden; the connection then goes to an address validated here, never to a second lookup.
public struct DestinationResolver: Sendable {
    public var policy: DestinationPolicy

    public init(policy: DestinationPolicy) {
        self.policy = policy
    }

    /// The validated socket addresses of `host` at `port`.
    public func resolve(host: String, port: Int) async throws(DeliveryError) -> [SocketAddress] {
        let addresses: [IPAddress]
        if let literal = DestinationAddress.literal(host) {
            addresses = [literal]
        } else {
            guard Self.isHostName(host) else {
                throw DeliveryError("\(host) is not a valid host name", retryable: false)
            }
            do {
                addresses = try await NIOThreadPool.singleton.runIfActive { try Self.lookup(host) }
            } catch let error as DeliveryError {
                throw error
            } catch {
                throw DeliveryError("cannot resolve \(host): \(error)", retryable: true)
            }
        }
        guard !addresses.isEmpty else { throw DeliveryError("\(host) has no address", retryable: true) }
        for address in addresses {
            if let reason = self.policy.refusal(address) {
                throw DeliveryError(
                    "destination \(host) refused: \(reason) (set alerting.allow_private_destinations to allow)",
                    retryable: false
                )
            }
        }
        var result: [SocketAddress] = []
        for address in addresses {
            do {
                result.append(try SocketAddress(ipAddress: Self.text(address), port: port))
            } catch {
                throw DeliveryError("bad address \(address): \(error)", retryable: false)
            }
        }
        return result
    }

    static func text(_ address: IPAddress) -> String {
        address.description
    }

    static func isHostName(_ host: String) -> Bool {
        !host.isEmpty && host.count <= 253
            && host.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".")
            }
    }

    /// getaddrinfo, blocking (runs on the thread pool).
    static func lookup(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else {
            throw DeliveryError(
                "cannot resolve \(host): \(String(cString: gai_strerror(status)))",
                retryable: true
            )
        }
        defer { freeaddrinfo(list) }
        var result: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, let ip = Self.address(UnsafeRawPointer(address)) {
                result.append(ip)
            }
            cursor = entry.pointee.ai_next
        }
        var seen: Set<IPAddress> = []
        return result.filter { seen.insert($0).inserted }
    }

    /// The IP address in a Linux `sockaddr` (family at offset 0; `sockaddr_in` address at offset
    /// 4, `sockaddr_in6` address at offset 8, both in network order), or nil for other families.
    static func address(_ socketAddress: UnsafeRawPointer) -> IPAddress? {
        let family = Int32(socketAddress.loadUnaligned(as: UInt16.self))
        switch family {
        case AF_INET:
            return IPAddress(bytes: UnsafeRawBufferPointer(start: socketAddress + 4, count: 4))
        case AF_INET6:
            return IPAddress(bytes: UnsafeRawBufferPointer(start: socketAddress + 8, count: 16))
        default:
            return nil
        }
    }

    /// The addresses of this box's interfaces (refused as destinations unless allowed).
    public static func ownAddresses() -> Set<IPAddress> {
        var result: Set<IPAddress> = []
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let list else { return result }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = list
        while let entry = cursor {
            if let address = entry.pointee.ifa_addr, let ip = Self.address(UnsafeRawPointer(address)) {
                result.insert(ip)
            }
            cursor = entry.pointee.ifa_next
        }
        return result
    }
}
