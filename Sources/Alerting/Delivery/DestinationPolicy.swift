import NetmonCore

/// Decides whether a notification may be sent to an address (the SSRF guard). By default it
/// refuses loopback, link-local (incl. cloud metadata 169.254.169.254), private and shared
/// ranges, unspecified, multicast and broadcast addresses, and the box's own addresses; IPv4
/// inside IPv6 (mapped, compatible, NAT64, 6to4) is judged as the IPv4 address it carries.
public struct DestinationPolicy: Sendable {
    /// Allow private, loopback and link-local destinations (`alerting.allow_private_destinations`).
    public var allowPrivate: Bool
    /// The box's own addresses (from the interfaces), refused unless `allowPrivate`.
    public var ownAddresses: Set<IPAddress>

    public init(allowPrivate: Bool, ownAddresses: Set<IPAddress> = []) {
        self.allowPrivate = allowPrivate
        self.ownAddresses = ownAddresses
    }

    /// Nil when `address` is allowed, else why it is refused.
    public func refusal(_ address: IPAddress) -> String? {
        if let v4 = Self.embeddedIPv4(address) {
            return self.refusal(.v4(v4)).map { "\($0) (inside \(address))" }
        }
        if self.allowPrivate { return nil }
        if self.ownAddresses.contains(address) { return "\(address) is one of this box's own addresses" }
        if let reason = Self.restrictedRange(address) { return "\(address) is \(reason)" }
        return nil
    }

    /// The kind of restricted range `address` lies in, or nil for a public address.
    static func restrictedRange(_ address: IPAddress) -> String? {
        switch address {
        case .v4(let value):
            let ranges: [(UInt32, Int, String)] = [
                (0x0000_0000, 8, "an unspecified (0.0.0.0/8) address"),
                (0x7F00_0000, 8, "a loopback address"),
                (0xA9FE_0000, 16, "a link-local address"),
                (0x0A00_0000, 8, "a private address"),
                (0xAC10_0000, 12, "a private address"),
                (0xC0A8_0000, 16, "a private address"),
                (0x6440_0000, 10, "a shared (carrier-grade NAT) address"),
                (0xC000_0000, 24, "an IETF protocol address"),
                (0xC612_0000, 15, "a benchmarking address"),
                (0xE000_0000, 4, "a multicast address"),
                (0xF000_0000, 4, "a reserved or broadcast address"),
            ]
            for (network, length, name) in ranges where value >> (32 - length) == network >> (32 - length) {
                return name
            }
            return nil
        case .v6(let high, let low):
            if high == 0 && low == 0 { return "the unspecified address" }
            if high == 0 && low == 1 { return "a loopback address" }
            if high >> 54 == 0x3FA { return "a link-local address" }  // fe80::/10
            if high >> 57 == 0x7E { return "a unique-local (private) address" }  // fc00::/7
            if high >> 54 == 0x3FB { return "a site-local address" }  // fec0::/10
            if high >> 56 == 0xFF { return "a multicast address" }
            return nil
        }
    }

    /// The IPv4 address carried by an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
    /// (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) IPv6 address.
    static func embeddedIPv4(_ address: IPAddress) -> UInt32? {
        guard case .v6(let high, let low) = address else { return nil }
        if high == 0 && low >> 32 == 0xFFFF { return UInt32(truncatingIfNeeded: low) }
        if high == 0 && low >> 32 == 0 && low > 1 { return UInt32(truncatingIfNeeded: low) }
        if high == 0x0064_FF9B_0000_0000 && low >> 32 == 0 { return UInt32(truncatingIfNeeded: low) }
        if high >> 48 == 0x2002 { return UInt32(truncatingIfNeeded: high >> 16) }
        return nil
    }
}
