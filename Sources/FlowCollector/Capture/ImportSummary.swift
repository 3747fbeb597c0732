#if canImport(NetmonCore)
import NetmonCore
#endif

/// What `netmond import` found in a file. Its JSON encoding (`--format json`) is a stable, documented
/// shape (docs/PCAP.md): snake_case keys, counts as integers, times as UTC epoch milliseconds.
public struct ImportSummary: Sendable, Encodable {
    /// One address's share.
    public struct Talker: Sendable, Encodable, Hashable {
        public var address: String
        public var bytes: UInt64
        public var packets: UInt64
        public var flows: UInt64
    }

    /// One protocol and port's share (the destination port, or ICMP type << 8 | code).
    public struct Port: Sendable, Encodable, Hashable {
        public var `protocol`: UInt8
        public var port: UInt16
        public var bytes: UInt64
        public var packets: UInt64
        public var flows: UInt64
    }

    /// Packets or datagrams that gave no flow, by reason.
    public struct Drops: Sendable, Encodable, Hashable {
        /// Not IPv4/IPv6 (`--as packets`).
        public var notIP: UInt64 = 0
        /// Link or network header cut by the snap length (`--as packets`).
        public var truncated: UInt64 = 0
        /// Impossible header fields (`--as packets`).
        public var malformed: UInt64 = 0
        /// Flows exported early because the table was full (`--as packets`).
        public var evictedFlows: UInt64 = 0
        /// Packets that are not UDP to a collector port (`--as flows`).
        public var notExport: UInt64 = 0
        /// Export datagrams the decoders rejected (`--as flows`).
        public var undecodableDatagrams: UInt64 = 0

        enum CodingKeys: String, CodingKey {
            case notIP = "not_ip"
            case truncated, malformed
            case evictedFlows = "evicted_flows"
            case notExport = "not_export"
            case undecodableDatagrams = "undecodable_datagrams"
        }
    }

    /// The file read.
    public var file: String = ""
    /// `packets` or `flows`.
    public var mode: String = "packets"
    /// The file's size in bytes.
    public var fileBytes: Int64 = 0
    /// Packets read from the file.
    public var packetsRead: UInt64 = 0
    /// Flows found (built from packets, or decoded from exports).
    public var flows: UInt64 = 0
    /// Packets in those flows (as exported for `flows`).
    public var packets: UInt64 = 0
    /// Layer-3 bytes in those flows (as exported for `flows`).
    public var bytes: UInt64 = 0
    /// The first and last flow times, UTC epoch milliseconds (0 when there are none).
    public var firstSeen: Int64 = 0
    public var lastSeen: Int64 = 0
    /// Packets in the ports-0 flows of non-first fragments (`--as packets`).
    public var laterFragments: UInt64 = 0
    /// What gave no flow.
    public var drops = Drops()
    /// Why reading stopped early (a truncated or corrupt file), or `nil` when it reached the end.
    public var fileError: String?
    /// Flows handed to the database (`--store`); refused ones are in ``storeDropped``.
    public var stored: UInt64 = 0
    public var storeDropped: UInt64 = 0
    /// Source addresses with the most bytes.
    public var topTalkers: [Talker] = []
    /// Protocols and destination ports with the most bytes.
    public var topPorts: [Port] = []
    /// Whether the top lists were pruned (more distinct keys than the bounded counters hold).
    public var topApproximate = false
    /// Wall-clock seconds the import took.
    public var elapsedSeconds: Double = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case file, mode, flows, packets, bytes, drops, stored
        case fileBytes = "file_bytes"
        case packetsRead = "packets_read"
        case firstSeen = "first_seen_ms"
        case lastSeen = "last_seen_ms"
        case laterFragments = "later_fragments"
        case fileError = "file_error"
        case storeDropped = "store_dropped"
        case topTalkers = "top_talkers"
        case topPorts = "top_ports"
        case topApproximate = "top_approximate"
        case elapsedSeconds = "elapsed_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.file, forKey: .file)
        try container.encode(self.mode, forKey: .mode)
        try container.encode(self.fileBytes, forKey: .fileBytes)
        try container.encode(self.packetsRead, forKey: .packetsRead)
        try container.encode(self.flows, forKey: .flows)
        try container.encode(self.packets, forKey: .packets)
        try container.encode(self.bytes, forKey: .bytes)
        try container.encode(self.firstSeen, forKey: .firstSeen)
        try container.encode(self.lastSeen, forKey: .lastSeen)
        try container.encode(self.laterFragments, forKey: .laterFragments)
        try container.encode(self.drops, forKey: .drops)
        // Always present (null when the file was read to its end), so the shape never changes.
        try container.encode(self.fileError, forKey: .fileError)
        try container.encode(self.stored, forKey: .stored)
        try container.encode(self.storeDropped, forKey: .storeDropped)
        try container.encode(self.topTalkers, forKey: .topTalkers)
        try container.encode(self.topPorts, forKey: .topPorts)
        try container.encode(self.topApproximate, forKey: .topApproximate)
        try container.encode(self.elapsedSeconds, forKey: .elapsedSeconds)
    }
}
