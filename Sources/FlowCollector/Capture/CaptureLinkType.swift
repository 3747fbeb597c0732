/// The link-layer framing of captured packets, from the pcap link type (DLT) of a capture.
public enum CaptureLinkType: Sendable, Hashable {
    /// Ethernet II, with up to two 802.1Q / 802.1ad tags (DLT_EN10MB, 1).
    case ethernet
    /// Bare IPv4 or IPv6 (DLT_RAW 12/14, LINKTYPE_RAW 101, LINKTYPE_IPV4 228, LINKTYPE_IPV6 229).
    case rawIP
    /// Linux cooked capture v1, as for the `any` device (LINKTYPE_LINUX_SLL, 113).
    case linuxSLL
    /// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276).
    case linuxSLL2
    /// BSD loopback: a 4-byte address family in host order (DLT_NULL 0, DLT_LOOP 108).
    case null

    /// The framing of a pcap link type; `nil` when netmond does not decode it.
    public init?(linkType: Int) {
        switch linkType {
        case 1: self = .ethernet
        case 12, 14, 101, 228, 229: self = .rawIP
        case 113: self = .linuxSLL
        case 276: self = .linuxSLL2
        case 0, 108: self = .null
        default: return nil
        }
    }
}
