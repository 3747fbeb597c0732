/// One value a poll produced, before it becomes a sample of a stored series.
public struct Measurement: Sendable, Hashable {
    /// How the value reads.
    public enum Kind: String, Sendable, Hashable {
        /// A value as the device gave it (a status, a temperature, a load).
        case gauge
        /// A per-second rate computed from two counter readings.
        case rate
    }

    /// An OID-free metric name, e.g. `if_in_octets` (a rate in B/s) or `cpu_load_percent`.
    public var metric: String
    public var unit: String
    /// The interface it belongs to, for interface metrics.
    public var ifIndex: Int?
    /// Which of several objects of the same metric (a processor, a storage area, a sensor); empty
    /// when there is only one.
    public var instance: String
    public var value: Double
    public var kind: Kind

    public init(
        metric: String,
        unit: String,
        ifIndex: Int? = nil,
        instance: String = "",
        value: Double,
        kind: Kind = .gauge
    ) {
        self.metric = metric
        self.unit = unit
        self.ifIndex = ifIndex
        self.instance = instance
        self.value = value
        self.kind = kind
    }
}

/// Something that happened to a device or an interface, kept for the API and alerting.
public struct DeviceEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case deviceUnreachable = "device_unreachable"
        case deviceReachable = "device_reachable"
        case agentRestarted = "agent_restarted"
        case interfaceStatusChanged = "interface_status_changed"
        case interfaceAdded = "interface_added"
        case interfaceRemoved = "interface_removed"
        case impossibleRate = "impossible_rate"
    }

    public var kind: Kind
    /// UTC epoch milliseconds.
    public var time: Int64
    public var ifIndex: Int?
    /// A human-readable sentence (device-supplied names in it are data, escaped where shown).
    public var message: String
    /// Structured details (old/new status, reason...).
    public var details: [String: String]

    public init(kind: Kind, time: Int64, ifIndex: Int? = nil, message: String, details: [String: String] = [:]) {
        self.kind = kind
        self.time = time
        self.ifIndex = ifIndex
        self.message = message
        self.details = details
    }
}

/// The outcome of one poll of one device.
public struct PollReport: Sendable, Hashable {
    public var deviceID: Int64
    /// UTC epoch milliseconds when the poll started.
    public var startedAt: Int64
    public var duration: Duration
    /// Nil on success; else what went wrong, in words a network engineer can act on.
    public var error: String?
    /// Requests sent (each once, however often it was retransmitted).
    public var requests: Int
    public var varBinds: Int
    /// Rates withheld as gaps in this poll (restarts, discontinuities, impossible values).
    public var gaps: Int
    /// Retransmissions net-snmp made after a request's timeout.
    public var retransmissions: Int
    /// Requests answered only after a retransmission (the agent is alive but slower than the
    /// timeout: the congestion signal the poll window shrinks on).
    public var lateAnswers: Int
    /// Requests whose every try timed out.
    public var timeouts: Int

    public init(
        deviceID: Int64,
        startedAt: Int64,
        duration: Duration,
        error: String?,
        requests: Int,
        varBinds: Int,
        gaps: Int,
        retransmissions: Int = 0,
        lateAnswers: Int = 0,
        timeouts: Int = 0
    ) {
        self.deviceID = deviceID
        self.startedAt = startedAt
        self.duration = duration
        self.error = error
        self.requests = requests
        self.varBinds = varBinds
        self.gaps = gaps
        self.retransmissions = retransmissions
        self.lateAnswers = lateAnswers
        self.timeouts = timeouts
    }
}

/// Where the SNMP poller delivers what it learns. The daemon implements it over Storage; tests
/// and `netmond probe` implement it in memory.
public protocol SNMPPollSink: Sendable {
    /// Discovery finished: the device's system data and its current interfaces (interfaces
    /// missing from `interfaces` have vanished).
    func discovered(deviceID: Int64, system: DeviceSystemInfo, interfaces: [InterfaceInfo], at time: Int64) async
    /// A poll produced values, all taken at `time` (UTC epoch milliseconds).
    func measured(deviceID: Int64, _ measurements: [Measurement], at time: Int64) async
    /// Events (reachability, restarts, status changes) in time order.
    func recorded(deviceID: Int64, _ events: [DeviceEvent]) async
    /// A poll ended, successfully or not.
    func completed(_ report: PollReport) async
}
