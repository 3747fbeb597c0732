/// Packet captures netmond turns into flows itself (`capture:` in netmond.yaml, a list; default:
/// none). Each entry captures one interface with libpcap.
public struct CaptureConfiguration: Sendable, Equatable {
    /// One live capture.
    public struct Capture: Sendable, Equatable {
        /// The interface to capture (`eth1`, or `any` for every interface).
        public var interface: String
        /// A BPF filter (`filter`, default empty: every packet).
        public var filter: String
        /// Bytes captured per packet (`snaplen`, default 128: enough for VLAN tags, IPv6 extension
        /// headers and the transport header).
        public var snapLength: Int
        /// Promiscuous mode (`promiscuous`, default true: a mirror or SPAN port).
        public var promiscuous: Bool
        /// The kernel ring buffer (`buffer_size`, default 32 MiB).
        public var bufferSize: Int
        /// How long the kernel holds a partly filled block before handing it over (`buffer_timeout`,
        /// default 200 ms); also how often the flow table is checked for timeouts when idle.
        public var bufferTimeout: Duration
        /// A flow older than this is exported and restarted (`active_timeout`, default 60 s).
        public var activeTimeout: Duration
        /// A flow without packets for this long is exported (`inactive_timeout`, default 15 s).
        public var inactiveTimeout: Duration
        /// Flows held at most; beyond it one flow is exported early per new flow, counted as an
        /// eviction (`max_flows`, default 1,000,000; about 96 bytes each).
        public var maximumFlows: Int
        /// Export a TCP flow on its first FIN or RST packet (`tcp_finish_expiry`, default true).
        public var tcpFinishExpiry: Bool

        /// Makes a capture of `interface`; every other parameter defaults to the documented value.
        public init(
            interface: String,
            filter: String = "",
            snapLength: Int = 128,
            promiscuous: Bool = true,
            bufferSize: Int = 32 << 20,
            bufferTimeout: Duration = .milliseconds(200),
            activeTimeout: Duration = .seconds(60),
            inactiveTimeout: Duration = .seconds(15),
            maximumFlows: Int = 1_000_000,
            tcpFinishExpiry: Bool = true
        ) {
            self.interface = interface
            self.filter = filter
            self.snapLength = snapLength
            self.promiscuous = promiscuous
            self.bufferSize = bufferSize
            self.bufferTimeout = bufferTimeout
            self.activeTimeout = activeTimeout
            self.inactiveTimeout = inactiveTimeout
            self.maximumFlows = maximumFlows
            self.tcpFinishExpiry = tcpFinishExpiry
        }
    }

    /// The captures, in order (the index + 1 is the flows' input interface number).
    public var captures: [Capture]

    /// Makes a configuration (default: no captures).
    public init(captures: [Capture] = []) {
        self.captures = captures
    }
}
