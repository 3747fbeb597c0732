/// Configuration of flow collection over UDP (`flows:` in netmond.yaml).
public struct FlowConfiguration: Sendable, Equatable {
    /// Which decoders a listener uses.
    public enum ListenerProtocol: String, Sendable, Equatable, CaseIterable {
        /// NetFlow v5, v9 and IPFIX, told apart by the version field of each datagram.
        case netflow
        /// The same decoders as `netflow` (IPFIX's own port by convention).
        case ipfix
        /// sFlow v5.
        case sflow
    }

    /// One UDP socket receiving exports.
    public struct Listener: Sendable, Equatable {
        public var `protocol`: ListenerProtocol
        /// An IPv4 or IPv6 address literal to bind (`0.0.0.0`, `::`, or one of the box's addresses).
        public var address: String
        public var port: Int

        public init(protocol: ListenerProtocol, address: String = "0.0.0.0", port: Int) {
            self.protocol = `protocol`
            self.address = address
            self.port = port
        }
    }

    /// A per-exporter setting.
    public struct Exporter: Sendable, Equatable {
        /// The exporter's address as seen by netmond (the datagram source, or the sFlow agent).
        public var address: String
        /// Replaces whatever sampling rate the exporter reports (for exporters that sample but
        /// do not say so).
        public var samplingRate: Int?
        /// The name of the SNMP device this exporter is, when its flow source address is not the
        /// device's SNMP address; flows then show that device's interface names.
        public var device: String?

        public init(address: String, samplingRate: Int? = nil, device: String? = nil) {
            self.address = address
            self.samplingRate = samplingRate
            self.device = device
        }
    }

    /// Another collector that receives a copy of every datagram, unchanged.
    public struct ForwardTarget: Sendable, Equatable {
        /// An IPv4 or IPv6 address literal.
        public var address: String
        public var port: Int
        /// Datagrams of which listener protocols are copied; all when empty.
        public var protocols: [ListenerProtocol]

        public init(address: String, port: Int, protocols: [ListenerProtocol] = []) {
            self.address = address
            self.port = port
            self.protocols = protocols
        }

        /// Whether datagrams received by a `listenerProtocol` listener go to this target.
        public func accepts(_ listenerProtocol: ListenerProtocol) -> Bool {
            self.protocols.isEmpty || self.protocols.contains(listenerProtocol)
        }
    }

    public var enabled: Bool
    public var listeners: [Listener]
    /// Kernel receive buffer per socket (SO_RCVBUF); bursts beyond it are lost in the kernel
    /// (counted by the kernel as RcvbufErrors).
    public var receiveBuffer: Int
    /// Datagrams read per system call (recvmmsg).
    public var vectorReads: Int
    public var exporters: [Exporter]
    /// Collectors that receive a copy of every datagram (a fleet's central collector).
    public var forward: [ForwardTarget]

    /// Exporter address → SNMP device name, for the exporters whose `device` is set.
    public var exporterDevices: [String: String] {
        Dictionary(self.exporters.compactMap { exporter in exporter.device.map { (exporter.address, $0) } }) {
            first,
            _ in
            first
        }
    }

    public init(
        enabled: Bool = true,
        listeners: [Listener] = [
            .init(protocol: .netflow, port: 2055), .init(protocol: .ipfix, port: 4739),
            .init(protocol: .sflow, port: 6343),
        ],
        receiveBuffer: Int = 16 << 20,
        vectorReads: Int = 64,
        exporters: [Exporter] = [],
        forward: [ForwardTarget] = []
    ) {
        self.enabled = enabled
        self.listeners = listeners
        self.receiveBuffer = receiveBuffer
        self.vectorReads = vectorReads
        self.exporters = exporters
        self.forward = forward
    }
}

extension FlowConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("enabled", into: &self.enabled) { $0.bool() }
        if let listeners = mapping["listeners"] {
            self.listeners = listeners.list().compactMap { item in
                guard let entry = item.mapping() else { return nil }
                var listener = Listener(protocol: .netflow, port: 0)
                var protocolSet = false
                entry.read("protocol", into: &listener.protocol) { value in
                    protocolSet = true
                    return value.oneOf(["netflow": .netflow, "ipfix": .ipfix, "sflow": .sflow])
                }
                entry.read("address", into: &listener.address) { $0.ipAddress() }
                var portSet = false
                entry.read("port", into: &listener.port) { value in
                    portSet = true
                    return value.port()
                }
                entry.rejectUnknownKeys()
                if !protocolSet || !portSet {
                    item.fail("a listener needs a protocol (netflow, ipfix or sflow) and a port")
                    return nil
                }
                return listener
            }
        } else if mapping.contains("listeners") {
            self.listeners = []
        }
        mapping.read("receive_buffer", into: &self.receiveBuffer) { $0.byteSize(in: 65536...(1 << 30)) }
        mapping.read("vector_reads", into: &self.vectorReads) { $0.int(in: 1...1024) }
        self.exporters = (mapping["exporters"]?.list() ?? []).compactMap { item in
            guard let entry = item.mapping() else { return nil }
            var address: String?
            entry.read("address", into: &address) { $0.ipAddress() }
            var rate: Int?
            entry.read("sampling_rate", into: &rate) { $0.int(in: 1...1_000_000_000) }
            var device: String?
            entry.read("device", into: &device) { $0.string() }
            entry.rejectUnknownKeys()
            guard let address else {
                item.fail("an exporter needs an address")
                return nil
            }
            return Exporter(address: address, samplingRate: rate, device: device)
        }
        self.forward = (mapping["forward"]?.list() ?? []).compactMap(Self.forwardTarget)
        mapping.rejectUnknownKeys()
    }

    private static func forwardTarget(_ item: ConfigValue) -> ForwardTarget? {
        guard let entry = item.mapping() else { return nil }
        var target = ForwardTarget(address: "", port: 0)
        entry.read("address", into: &target.address) { $0.ipAddress() }
        entry.read("port", into: &target.port) { $0.port() }
        if let protocols = entry["protocols"] {
            target.protocols = protocols.list().compactMap {
                $0.oneOf(["netflow": .netflow, "ipfix": .ipfix, "sflow": .sflow])
            }
        }
        entry.rejectUnknownKeys()
        guard !target.address.isEmpty, target.port != 0 else {
            item.fail("a forward target needs an address and a port")
            return nil
        }
        return target
    }

    package var configTree: ConfigTree {
        .mapping([
            ("enabled", .scalar("\(self.enabled)")),
            (
                "listeners",
                .list(
                    self.listeners.map {
                        .mapping([
                            ("protocol", .scalar($0.protocol.rawValue)), ("address", .string($0.address)),
                            ("port", .scalar("\($0.port)")),
                        ])
                    }
                )
            ),
            ("receive_buffer", .scalar(ConfigParsers.format(bytes: self.receiveBuffer))),
            ("vector_reads", .scalar("\(self.vectorReads)")),
            (
                "exporters",
                .list(
                    self.exporters.map { exporter in
                        .mapping(
                            [("address", .string(exporter.address))]
                                + (exporter.samplingRate.map { [("sampling_rate", ConfigTree.scalar("\($0)"))] } ?? [])
                                + (exporter.device.map { [("device", ConfigTree.string($0))] } ?? [])
                        )
                    }
                )
            ),
            (
                "forward",
                .list(
                    self.forward.map { target in
                        .mapping(
                            [("address", .string(target.address)), ("port", .scalar("\(target.port)"))]
                                + (target.protocols.isEmpty
                                    ? []
                                    : [("protocols", ConfigTree.list(target.protocols.map { .scalar($0.rawValue) }))])
                        )
                    }
                )
            ),
        ])
    }
}
