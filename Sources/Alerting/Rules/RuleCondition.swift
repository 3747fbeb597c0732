/// What a rule watches. Thresholds compare with ``Comparison``; a separate `clear` value gives
/// hysteresis (the alert resolves only once the value is back beyond it).
public enum RuleCondition: Sendable, Hashable, Codable {
    /// A metric aggregated over a window against a threshold (any series by metric name).
    case threshold(ThresholdCondition)
    /// The change of a metric per minute over a window against a threshold.
    case rateOfChange(ThresholdCondition)
    /// No sample of a metric for `windowMilliseconds`.
    case absence(metric: String, windowMilliseconds: Int64)
    /// The device's last poll found it unreachable.
    case deviceUnreachable
    /// An interface's oper status is not up while its admin status is up.
    case interfaceDown
    /// Interface utilisation % (the larger of in and out) over a window.
    case utilization(ThresholdCondition)
    /// Interface errors plus discards per second (in and out) over a window.
    case errorRate(ThresholdCondition)
    /// The device's agent restarted (uptime went back) within the window.
    case deviceReboot(windowMilliseconds: Int64)
    /// Flow traffic matching a filter above a byte rate.
    case flow(FlowCondition)
    /// A value outside its seasonal baseline (same time of day over past periods) by K deviations.
    case anomaly(AnomalyCondition)
    /// An address whose flow traffic through an interface exceeds a share of its speed.
    case topTalker(TopTalkerCondition)

    /// A short name of the kind, as stored and shown (`threshold`, `interface_down`...).
    public var kind: String {
        switch self {
        case .threshold: "threshold"
        case .rateOfChange: "rate_of_change"
        case .absence: "absence"
        case .deviceUnreachable: "device_unreachable"
        case .interfaceDown: "interface_down"
        case .utilization: "utilization"
        case .errorRate: "error_rate"
        case .deviceReboot: "device_reboot"
        case .flow: "flow"
        case .anomaly: "anomaly"
        case .topTalker: "top_talker"
        }
    }

    /// Whether alerts of this condition belong to interfaces (suppressed when their device is down).
    public var isPerInterface: Bool {
        switch self {
        case .interfaceDown, .utilization, .errorRate: true
        default: false
        }
    }
}

/// How a value compares with a threshold.
public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
    case above = ">"
    case atLeast = ">="
    case below = "<"
    case atMost = "<="

    /// Whether `value` passes `threshold` in this direction.
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .above: value > threshold
        case .atLeast: value >= threshold
        case .below: value < threshold
        case .atMost: value <= threshold
        }
    }

    /// Whether `value` is back on the clear side of `clear` (strictly beyond it).
    public func cleared(_ value: Double, _ clear: Double) -> Bool {
        switch self {
        case .above, .atLeast: value < clear
        case .below, .atMost: value > clear
        }
    }
}

/// How the samples of a window reduce to one value.
public enum WindowAggregate: String, Sendable, Hashable, Codable, CaseIterable {
    case avg, max, min, p95, last

    /// The aggregate of `values` (NaN ignored); nil when none is left.
    public func apply(_ values: [Double]) -> Double? {
        let finite = values.filter { !$0.isNaN }
        guard !finite.isEmpty else { return nil }
        switch self {
        case .avg: return finite.reduce(0, +) / Double(finite.count)
        case .max: return finite.max()
        case .min: return finite.min()
        case .last: return finite.last
        case .p95:
            let sorted = finite.sorted()
            // Nearest-rank percentile.
            let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
        }
    }
}

/// A threshold over a window of one metric.
public struct ThresholdCondition: Sendable, Hashable, Codable {
    /// The metric name (e.g. `cpu_load_percent`); ignored by utilisation and error-rate rules.
    public var metric: String
    public var aggregate: WindowAggregate
    public var windowMilliseconds: Int64
    public var comparison: Comparison
    public var threshold: Double
    /// The value beyond which the alert resolves; nil resolves as soon as the threshold no longer holds.
    public var clear: Double?

    public init(
        metric: String = "",
        aggregate: WindowAggregate = .avg,
        windowMilliseconds: Int64 = 300_000,
        comparison: Comparison = .above,
        threshold: Double,
        clear: Double? = nil
    ) {
        self.metric = metric
        self.aggregate = aggregate
        self.windowMilliseconds = windowMilliseconds
        self.comparison = comparison
        self.threshold = threshold
        self.clear = clear
    }

    /// The observation a value makes against this threshold (with hysteresis).
    public func observe(_ value: Double) -> AlertObservation {
        if self.comparison.holds(value, self.threshold) { return .breaching }
        guard let clear = self.clear else { return .clear }
        return self.comparison.cleared(value, clear) ? .clear : .holding
    }
}

/// Flow traffic from or to an address prefix, port or protocol above a byte rate.
public struct FlowCondition: Sendable, Hashable, Codable {
    public enum Direction: String, Sendable, Hashable, Codable {
        case to, from, either
    }

    public var direction: Direction
    /// An address or CIDR prefix (`10.0.0.0/8`), or nil for any.
    public var prefix: String?
    /// A transport port, or nil for any.
    public var port: Int?
    /// An IP protocol number, or nil for any.
    public var proto: Int?
    public var windowMilliseconds: Int64
    /// Bytes per second over the window above which the rule breaches.
    public var bytesPerSecond: Double

    public init(
        direction: Direction = .either,
        prefix: String? = nil,
        port: Int? = nil,
        proto: Int? = nil,
        windowMilliseconds: Int64 = 300_000,
        bytesPerSecond: Double
    ) {
        self.direction = direction
        self.prefix = prefix
        self.port = port
        self.proto = proto
        self.windowMilliseconds = windowMilliseconds
        self.bytesPerSecond = bytesPerSecond
    }
}

/// A value compared with the same moment of earlier periods (seasons).
public struct AnomalyCondition: Sendable, Hashable, Codable {
    public var metric: String
    /// The window averaged now and at each past season.
    public var windowMilliseconds: Int64
    /// The season length (default one day).
    public var periodMilliseconds: Int64
    /// How many past seasons form the baseline (at least 2 needed to have a deviation).
    public var seasons: Int
    /// How many standard deviations from the baseline mean breach.
    public var deviations: Double

    public init(
        metric: String,
        windowMilliseconds: Int64 = 900_000,
        periodMilliseconds: Int64 = 86_400_000,
        seasons: Int = 7,
        deviations: Double = 3
    ) {
        self.metric = metric
        self.windowMilliseconds = windowMilliseconds
        self.periodMilliseconds = periodMilliseconds
        self.seasons = seasons
        self.deviations = deviations
    }

    /// The observation of `current` against the per-season averages `baseline`: breaching when
    /// it lies more than K deviations from their mean; nil when the baseline is too short.
    public func observe(current: Double, baseline: [Double]) -> AlertObservation? {
        let values = baseline.filter { !$0.isNaN }
        guard values.count >= 2 else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        // A flat baseline still needs some tolerance: 1% of the mean (or 1e-9).
        let deviation = Swift.max(variance.squareRoot(), Swift.max(abs(mean) * 0.01, 1e-9))
        let distance = abs(current - mean) / deviation
        if distance > self.deviations { return .breaching }
        return distance < self.deviations * 0.8 ? .clear : .holding
    }
}
