import NetmonCore
import Testing

@testable import Alerting

@Suite("SSRF guard")
struct DestinationPolicyTests {
    let strict = DestinationPolicy(allowPrivate: false)

    @Test(
        "loopback, link-local, metadata and mapped forms are refused by default",
        arguments: [
            "127.0.0.1", "::1", "[::1]", "169.254.169.254", "::ffff:127.0.0.1", "[::ffff:7f00:1]", "2130706433",
            "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "0.0.0.0",
            "fe80::1", "fd00::1", "::", "100.64.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "::127.0.0.1",
            "224.0.0.1", "255.255.255.255", "017700000001", "127.0.0.1.",
        ]
    )
    func refused(host: String) throws {
        let address = try #require(DestinationAddress.literal(host), "\(host) parses as an address")
        #expect(self.strict.refusal(address) != nil, "\(host) -> \(address)")
    }

    @Test("numeric IPv4 forms parse like inet_aton")
    func numericForms() {
        #expect(DestinationAddress.literal("2130706433") == .v4(0x7F00_0001))
        #expect(DestinationAddress.literal("0x7f000001") == .v4(0x7F00_0001))
        #expect(DestinationAddress.literal("0177.0.0.1") == .v4(0x7F00_0001))
        #expect(DestinationAddress.literal("127.1") == .v4(0x7F00_0001))
        #expect(DestinationAddress.literal("1.2.3") == .v4(0x0102_0003))
        #expect(DestinationAddress.literal("08.1.1.1") == nil)  // 8 is not octal
        #expect(DestinationAddress.literal("256.1.1.1") == nil)
        #expect(DestinationAddress.literal("example.com") == nil)
        #expect(DestinationAddress.literal("1.2.3.4.5") == nil)
        #expect(DestinationAddress.literal("4294967296") == nil)
    }

    @Test("public addresses pass; the allowance admits private ones")
    func allowed() throws {
        for host in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"] {
            let address = try #require(DestinationAddress.literal(host))
            #expect(self.strict.refusal(address) == nil, "\(host)")
        }
        let lenient = DestinationPolicy(allowPrivate: true)
        #expect(lenient.refusal(.v4(0x7F00_0001)) == nil)
        #expect(lenient.refusal(DestinationAddress.literal("::ffff:127.0.0.1")!) == nil)
    }

    @Test("the box's own addresses are refused")
    func ownAddresses() throws {
        let own = try #require(DestinationAddress.literal("203.0.113.7"))
        let policy = DestinationPolicy(allowPrivate: false, ownAddresses: [own])
        #expect(policy.refusal(own) != nil)
        #expect(!DestinationResolver.ownAddresses().isEmpty)
    }

    @Test("a DNS name resolving to loopback is refused before any connection")
    func dnsNameResolvingToLoopback() async throws {
        let resolver = DestinationResolver(policy: self.strict)
        await #expect(throws: DeliveryError.self) {
            _ = try await resolver.resolve(host: "localhost", port: 80)
        }
        let lenient = DestinationResolver(policy: DestinationPolicy(allowPrivate: true))
        let addresses = try await lenient.resolve(host: "localhost", port: 80)
        #expect(!addresses.isEmpty)
    }
}
