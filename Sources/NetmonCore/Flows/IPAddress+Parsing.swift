#if canImport(Glibc)
import Glibc
#endif

extension IPAddress {
    /// Parses an IPv4 or IPv6 literal with the C library's parser; an IPv4-mapped IPv6 literal
    /// stays IPv6 (see ``unmappedIPv4``).
    public init?(parsing text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        guard let address = withUnsafeBytes(of: &v6, { IPAddress(bytes: $0) }) else { return nil }
        self = address
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else the address itself.
    public var unmappedIPv4: IPAddress {
        guard case .v6(let high, let low) = self, high == 0, low >> 32 == 0xFFFF else { return self }
        return .v4(UInt32(truncatingIfNeeded: low))
    }
}
