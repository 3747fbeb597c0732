import Metrics

/// The /metrics counters of one live capture: libpcap's received / dropped-by-kernel /
/// dropped-by-interface, packets the decoder could not use, flows exported, evicted and refused by
/// storage, and the flows held now. libpcap's cumulative counters are turned into increments.
struct CaptureMetrics {
    private let received: Counter
    private let droppedByKernel: Counter
    private let droppedByInterface: Counter
    private let notIP: Counter
    private let truncated: Counter
    private let malformed: Counter
    private let flowsExported: Counter
    private let flowsEvicted: Counter
    private let flowsDropped: Counter
    private let activeFlows: Gauge
    private var lastKernel = CaptureKernelStatistics(received: 0, droppedByKernel: 0, droppedByInterface: 0)
    private var lastCounters = PacketCounters()
    private var lastTable = FlowTableStatistics()

    init(interface: String) {
        let dimensions = [("interface", interface)]
        self.received = Counter(label: "netmond_capture_packets_received_total", dimensions: dimensions)
        self.droppedByKernel = Counter(label: "netmond_capture_packets_dropped_kernel_total", dimensions: dimensions)
        self.droppedByInterface = Counter(
            label: "netmond_capture_packets_dropped_interface_total",
            dimensions: dimensions
        )
        self.notIP = Counter(label: "netmond_capture_packets_not_ip_total", dimensions: dimensions)
        self.truncated = Counter(label: "netmond_capture_packets_truncated_total", dimensions: dimensions)
        self.malformed = Counter(label: "netmond_capture_packets_malformed_total", dimensions: dimensions)
        self.flowsExported = Counter(label: "netmond_capture_flows_exported_total", dimensions: dimensions)
        self.flowsEvicted = Counter(label: "netmond_capture_flows_evicted_total", dimensions: dimensions)
        self.flowsDropped = Counter(label: "netmond_capture_flows_dropped_total", dimensions: dimensions)
        self.activeFlows = Gauge(label: "netmond_capture_active_flows", dimensions: dimensions)
    }

    mutating func update(kernel: CaptureKernelStatistics?, counters: PacketCounters, table: FlowTableStatistics) {
        if let kernel {
            Self.add(kernel.received, since: self.lastKernel.received, to: self.received)
            Self.add(kernel.droppedByKernel, since: self.lastKernel.droppedByKernel, to: self.droppedByKernel)
            Self.add(
                kernel.droppedByInterface,
                since: self.lastKernel.droppedByInterface,
                to: self.droppedByInterface
            )
            self.lastKernel = kernel
        }
        Self.add(counters.notIP, since: self.lastCounters.notIP, to: self.notIP)
        Self.add(counters.truncated, since: self.lastCounters.truncated, to: self.truncated)
        Self.add(counters.malformed, since: self.lastCounters.malformed, to: self.malformed)
        self.lastCounters = counters
        Self.add(table.exported, since: self.lastTable.exported, to: self.flowsExported)
        Self.add(table.evicted, since: self.lastTable.evicted, to: self.flowsEvicted)
        self.lastTable = table
    }

    func setActiveFlows(_ count: Int) { self.activeFlows.record(count) }

    func dropped(_ count: Int) { self.flowsDropped.increment(by: count) }

    private static func add(_ value: UInt64, since last: UInt64, to counter: Counter) {
        // libpcap's 32-bit counters wrap; a smaller value is a wrap or a restart.
        let delta = value >= last ? value - last : value
        if delta > 0 { counter.increment(by: Int(clamping: delta)) }
    }
}
