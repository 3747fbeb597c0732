/// A device as the evaluator sees it.
public struct DeviceFacts: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var tags: [String]
    /// The last poll's reachability, nil when not yet known.
    public var reachable: Bool?
    /// The organisation the device belongs to (1: the default organisation).
    public var organisationID: Int64

    public init(
        id: Int64,
        name: String,
        tags: [String] = [],
        reachable: Bool? = nil,
        organisationID: Int64 = 1
    ) {
        self.id = id
        self.name = name
        self.tags = tags
        self.reachable = reachable
        self.organisationID = organisationID
    }
}

/// An interface as the evaluator sees it.
public struct InterfaceFacts: Sendable, Hashable {
    public var id: Int64
    public var deviceID: Int64
    /// ifName, else ifDescr, else `ifIndex N`.
    public var name: String
    /// IF-MIB ifAdminStatus (1 up, 2 down, 3 testing) from discovery.
    public var adminStatus: Int?
    /// IF-MIB ifOperStatus from discovery; the latest `if_oper_status` sample wins over it.
    public var operStatus: Int?

    public init(id: Int64, deviceID: Int64, name: String, adminStatus: Int? = nil, operStatus: Int? = nil) {
        self.id = id
        self.deviceID = deviceID
        self.name = name
        self.adminStatus = adminStatus
        self.operStatus = operStatus
    }
}

/// A stored series.
public struct SeriesFacts: Sendable, Hashable {
    public var id: Int64
    public var deviceID: Int64?
    public var interfaceID: Int64?
    public var metric: String
    public var instance: String

    public init(id: Int64, deviceID: Int64?, interfaceID: Int64?, metric: String, instance: String = "") {
        self.id = id
        self.deviceID = deviceID
        self.interfaceID = interfaceID
        self.metric = metric
        self.instance = instance
    }
}

/// A sample's time (UTC epoch ms) and value.
public struct TimedValue: Sendable, Hashable {
    public var time: Int64
    public var value: Double

    public init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }
}

/// What the data loader must fetch for a set of rules.
public struct EvaluationNeeds: Sendable, Hashable {
    /// Metric → the longest window (ms) of samples any rule reads.
    public var windows: [String: Int64] = [:]
    /// The longest window (ms) of agent restarts a rule reads (0: none).
    public var restartWindow: Int64 = 0
    public var flows: Set<FlowCondition> = []
    public var anomalies: Set<AnomalyCondition> = []
    /// Windows (ms) of per-interface flow talkers top-talker rules read.
    public var talkerWindows: Set<Int64> = []

    public init() {}

    /// What `rules` need.
    public init(rules: [AlertRule]) {
        for rule in rules where rule.enabled {
            switch rule.condition {
            case .threshold(let t), .rateOfChange(let t):
                self.need(t.metric, t.windowMilliseconds)
            case .absence(let metric, let window):
                self.need(metric, window)
            case .utilization(let t):
                self.need("if_in_utilization_percent", t.windowMilliseconds)
                self.need("if_out_utilization_percent", t.windowMilliseconds)
            case .errorRate(let t):
                for metric in RuleEvaluator.errorMetrics { self.need(metric, t.windowMilliseconds) }
            case .interfaceDown:
                self.need("if_oper_status", 0)
            case .deviceReboot(let window):
                self.restartWindow = max(self.restartWindow, window)
            case .flow(let condition):
                self.flows.insert(condition)
            case .anomaly(let condition):
                self.need(condition.metric, condition.windowMilliseconds)
                self.anomalies.insert(condition)
            case .topTalker(let condition):
                self.talkerWindows.insert(condition.windowMilliseconds)
            case .deviceUnreachable:
                break
            }
        }
    }

    private mutating func need(_ metric: String, _ window: Int64) {
        self.windows[metric] = max(self.windows[metric] ?? 0, window)
    }
}

/// Everything one evaluation cycle reads, loaded once for all rules.
public struct EvaluationSnapshot: Sendable {
    /// The evaluation time (UTC epoch ms).
    public var now: Int64
    public var devices: [DeviceFacts]
    public var interfaces: [InterfaceFacts]
    public var series: [SeriesFacts]
    /// Series id → samples in the longest window of its metric, oldest first.
    public var samples: [Int64: [TimedValue]]
    /// Series id → its newest sample (any age).
    public var latest: [Int64: TimedValue]
    /// Device id → times of agent restarts within the restart window.
    public var restarts: [Int64: [Int64]]
    /// Flow condition → bytes per second over its window.
    public var flowRates: [FlowCondition: Double]
    /// Anomaly condition → series id → the window's average at each past season.
    public var baselines: [AnomalyCondition: [Int64: [Double]]]
    /// Window (ms) → the traffic of each address through each exporter interface over it.
    public var talkers: [Int64: [InterfaceTalker]]

    public init(
        now: Int64,
        devices: [DeviceFacts] = [],
        interfaces: [InterfaceFacts] = [],
        series: [SeriesFacts] = [],
        samples: [Int64: [TimedValue]] = [:],
        latest: [Int64: TimedValue] = [:],
        restarts: [Int64: [Int64]] = [:],
        flowRates: [FlowCondition: Double] = [:],
        baselines: [AnomalyCondition: [Int64: [Double]]] = [:],
        talkers: [Int64: [InterfaceTalker]] = [:]
    ) {
        self.now = now
        self.devices = devices
        self.interfaces = interfaces
        self.series = series
        self.samples = samples
        self.latest = latest
        self.restarts = restarts
        self.flowRates = flowRates
        self.baselines = baselines
        self.talkers = talkers
    }
}

/// One rule's finding for one target.
public struct RuleFinding: Sendable, Hashable {
    /// `d:<device id>`, `i:<interface id>`, `s:<series id>` or `flow`: one alert per rule × key.
    public var targetKey: String
    public var deviceID: Int64?
    public var interfaceID: Int64?
    public var observation: AlertObservation
    /// The value compared, when there is one.
    public var value: Double?
    /// A sentence for notifications, e.g. "cpu_load_percent avg 5m = 93.2 > 90".
    public var summary: String

    public init(
        targetKey: String,
        deviceID: Int64?,
        interfaceID: Int64?,
        observation: AlertObservation,
        value: Double?,
        summary: String
    ) {
        self.targetKey = targetKey
        self.deviceID = deviceID
        self.interfaceID = interfaceID
        self.observation = observation
        self.value = value
        self.summary = summary
    }
}
