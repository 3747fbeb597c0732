import NIOCore
import NetmonCore
import Testing

@testable import FlowCollector

@Suite struct SocketAddressConversionTests {
    @Test(arguments: [
        ("192.0.2.17", "192.0.2.17"), ("127.0.0.1", "127.0.0.1"), ("2001:db8::1", "2001:db8::1"),
        ("::ffff:198.51.100.7", "198.51.100.7"), ("fe80::1:2:3:4", "fe80::1:2:3:4"),
    ])
    func readsTheAddressOfTheSocketAddress(text: String, expected: String) throws {
        let socketAddress = try SocketAddress(ipAddress: text, port: 2055)
        #expect(IPAddress(socketAddress: socketAddress) == IPAddress(parsing: expected))
    }

    @Test func aUnixSocketHasNoIPAddress() throws {
        let socketAddress = try SocketAddress(unixDomainSocketPath: "/tmp/netmond-test.sock")
        #expect(IPAddress(socketAddress: socketAddress) == nil)
    }
}
