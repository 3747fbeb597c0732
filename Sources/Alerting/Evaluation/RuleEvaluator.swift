/// Evaluates rules against one ``EvaluationSnapshot``. Pure: no I/O, no clock (the snapshot's
/// `now` is the time). Build it once per cycle and evaluate every rule with it.
public struct RuleEvaluator: Sendable {
    /// Metrics summed by error-rate rules.
    public static let errorMetrics = ["if_in_errors", "if_out_errors", "if_in_discards", "if_out_discards"]

    public let snapshot: EvaluationSnapshot
    private let devices: [Int64: DeviceFacts]
    private let interfaces: [Int64: InterfaceFacts]
    private let seriesByMetric: [String: [SeriesFacts]]
    private let interfaceSeries: [InterfaceMetric: SeriesFacts]
    private let seriesByDeviceMetric: [DeviceMetric: [SeriesFacts]]
    private let deviceIDsByName: [String: Int64]

    private struct DeviceMetric: Hashable {
        var deviceID: Int64
        var metric: String
    }

    private struct InterfaceMetric: Hashable {
        var interfaceID: Int64
        var metric: String
    }

    public init(snapshot: EvaluationSnapshot) {
        self.snapshot = snapshot
        self.devices = Dictionary(snapshot.devices.map { ($0.id, $0) }) { first, _ in first }
        self.interfaces = Dictionary(snapshot.interfaces.map { ($0.id, $0) }) { first, _ in first }
        self.seriesByMetric = Dictionary(grouping: snapshot.series, by: \.metric)
        var interfaceSeries: [InterfaceMetric: SeriesFacts] = [:]
        for series in snapshot.series {
            guard let interfaceID = series.interfaceID else { continue }
            interfaceSeries[InterfaceMetric(interfaceID: interfaceID, metric: series.metric)] = series
        }
        self.interfaceSeries = interfaceSeries
        self.seriesByDeviceMetric = Dictionary(
            grouping: snapshot.series.filter { $0.deviceID != nil },
            by: { DeviceMetric(deviceID: $0.deviceID!, metric: $0.metric) }
        )
        self.deviceIDsByName = Dictionary(snapshot.devices.map { ($0.name, $0.id) }) { first, _ in first }
    }

    /// The device with `id`, if known.
    public func device(_ id: Int64) -> DeviceFacts? { self.devices[id] }

    /// The interface with `id`, if known.
    public func interface(_ id: Int64) -> InterfaceFacts? { self.interfaces[id] }

    /// The findings of `rule`, one per target in its scope that has data.
    ///
    /// With `tracked` set, a series or interface whose observation is not `breaching` and whose
    /// target key is not in `tracked` (it has no alert to update) is left out: the evaluator
    /// passes the keys of the rule's existing alerts, so thousands of healthy targets cost no
    /// finding.
    public func evaluate(_ rule: AlertRule, tracked: Set<String>? = nil) -> [RuleFinding] {
        switch rule.condition {
        case .threshold(let condition):
            return self.seriesFindings(rule, tracked, metric: condition.metric) { series in
                let values = self.window(series.id, condition.windowMilliseconds)
                guard let value = condition.aggregate.apply(values) else { return nil }
                return (
                    condition.observe(value),
                    value,
                    {
                        "\(condition.metric) \(condition.aggregate.rawValue) over \(Self.span(condition.windowMilliseconds))"
                            + " = \(Self.format(value)) (threshold \(condition.comparison.rawValue) \(Self.format(condition.threshold)))"
                    }
                )
            }
        case .rateOfChange(let condition):
            return self.seriesFindings(rule, tracked, metric: condition.metric) { series in
                let samples = self.windowSamples(series.id, condition.windowMilliseconds).filter { !$0.value.isNaN }
                guard let first = samples.first, let last = samples.last, last.time > first.time else { return nil }
                let perMinute = (last.value - first.value) / (Double(last.time - first.time) / 60_000)
                return (
                    condition.observe(perMinute),
                    perMinute,
                    {
                        "\(condition.metric) changes by \(Self.format(perMinute))/min "
                            + "(threshold \(condition.comparison.rawValue) \(Self.format(condition.threshold)))"
                    }
                )
            }
        case .absence(let metric, let window):
            return self.seriesFindings(rule, tracked, metric: metric) { series in
                guard let latest = self.snapshot.latest[series.id] else { return nil }
                let age = self.snapshot.now - latest.time
                return (
                    age > window ? .breaching : .clear,
                    Double(age) / 1000,
                    { "no \(metric) sample for \(Self.span(age)) (allowed \(Self.span(window)))" }
                )
            }
        case .deviceUnreachable:
            return self.snapshot.devices.filter { rule.scope.admits(device: $0) }.map { device in
                let observation: AlertObservation =
                    switch device.reachable {
                    case .some(false): .breaching
                    case .some(true): .clear
                    case .none: .holding
                    }
                return RuleFinding(
                    targetKey: "d:\(device.id)",
                    deviceID: device.id,
                    interfaceID: nil,
                    observation: observation,
                    value: nil,
                    summary: "device \(device.name) is \(device.reachable == false ? "unreachable" : "reachable")"
                )
            }
        case .interfaceDown:
            return self.interfaceDownFindings(rule)
        case .utilization(let condition):
            return self.interfaceFindings(rule, tracked) { interface in
                let values = ["if_in_utilization_percent", "if_out_utilization_percent"].compactMap { metric in
                    self.interfaceSeries(interface.id, metric).flatMap {
                        condition.aggregate.apply(self.window($0.id, condition.windowMilliseconds))
                    }
                }
                guard let value = values.max() else { return nil }
                return (
                    condition.observe(value), value,
                    {
                        "utilisation \(condition.aggregate.rawValue) over \(Self.span(condition.windowMilliseconds)) = "
                            + "\(Self.format(value))% (threshold \(condition.comparison.rawValue) \(Self.format(condition.threshold))%)"
                    }
                )
            }
        case .errorRate(let condition):
            return self.interfaceFindings(rule, tracked) { interface in
                let parts = Self.errorMetrics.compactMap { metric in
                    self.interfaceSeries(interface.id, metric).flatMap {
                        condition.aggregate.apply(self.window($0.id, condition.windowMilliseconds))
                    }
                }
                guard !parts.isEmpty else { return nil }
                let value = parts.reduce(0, +)
                return (
                    condition.observe(value), value,
                    {
                        "errors and discards \(condition.aggregate.rawValue) over \(Self.span(condition.windowMilliseconds))"
                            + " = \(Self.format(value))/s (threshold \(condition.comparison.rawValue) \(Self.format(condition.threshold))/s)"
                    }
                )
            }
        case .deviceReboot(let window):
            return self.snapshot.devices.filter { rule.scope.admits(device: $0) }.map { device in
                let restarts = (self.snapshot.restarts[device.id] ?? []).filter { self.snapshot.now - $0 <= window }
                return RuleFinding(
                    targetKey: "d:\(device.id)",
                    deviceID: device.id,
                    interfaceID: nil,
                    observation: restarts.isEmpty ? .clear : .breaching,
                    value: restarts.max().map { Double($0) },
                    summary: restarts.isEmpty
                        ? "device \(device.name) has not restarted within \(Self.span(window))"
                        : "device \(device.name) restarted \(Self.span(self.snapshot.now - restarts.max()!)) ago"
                )
            }
        case .flow(let condition):
            guard let rate = self.snapshot.flowRates[condition] else { return [] }
            return [
                RuleFinding(
                    targetKey: "flow",
                    deviceID: nil,
                    interfaceID: nil,
                    observation: rate > condition.bytesPerSecond ? .breaching : .clear,
                    value: rate,
                    summary: "flow traffic \(Self.describe(condition)) = \(Self.format(rate)) B/s over "
                        + "\(Self.span(condition.windowMilliseconds)) (threshold > \(Self.format(condition.bytesPerSecond)) B/s)"
                )
            ]
        case .topTalker(let condition):
            return self.topTalkerFindings(rule, tracked, condition)
        case .anomaly(let condition):
            let baselines = self.snapshot.baselines[condition] ?? [:]
            return self.seriesFindings(rule, tracked, metric: condition.metric) { series in
                guard let current = WindowAggregate.avg.apply(self.window(series.id, condition.windowMilliseconds)),
                    let observation = condition.observe(current: current, baseline: baselines[series.id] ?? [])
                else { return nil }
                return (
                    observation, current,
                    {
                        "\(condition.metric) = \(Self.format(current)) is outside its baseline of "
                            + "\(condition.seasons) seasons by more than \(Self.format(condition.deviations)) deviations"
                    }
                )
            }
        }
    }

    // MARK: Targets

    private func seriesFindings(
        _ rule: AlertRule,
        _ tracked: Set<String>?,
        metric: String,
        _ observe: (SeriesFacts) -> (AlertObservation, Double, () -> String)?
    ) -> [RuleFinding] {
        var findings: [RuleFinding] = []
        for series in self.candidates(rule.scope, metric: metric) {
            guard self.admits(rule.scope, deviceID: series.deviceID, interfaceID: series.interfaceID),
                let (observation, value, summary) = observe(series)
            else { continue }
            let key = "s:\(series.id)"
            if let tracked, observation != .breaching, !tracked.contains(key) { continue }
            findings.append(
                RuleFinding(
                    targetKey: key,
                    deviceID: series.deviceID,
                    interfaceID: series.interfaceID,
                    observation: observation,
                    value: value,
                    summary: summary()
                )
            )
        }
        return findings
    }

    private func interfaceFindings(
        _ rule: AlertRule,
        _ tracked: Set<String>?,
        _ observe: (InterfaceFacts) -> (AlertObservation, Double, () -> String)?
    ) -> [RuleFinding] {
        self.snapshot.interfaces.compactMap { interface in
            guard self.admits(rule.scope, deviceID: interface.deviceID, interfaceID: interface.id),
                let (observation, value, summary) = observe(interface)
            else { return nil }
            let key = "i:\(interface.id)"
            if let tracked, observation != .breaching, !tracked.contains(key) { return nil }
            return RuleFinding(
                targetKey: key,
                deviceID: interface.deviceID,
                interfaceID: interface.id,
                observation: observation,
                value: value,
                summary: "interface \(interface.name): \(summary())"
            )
        }
    }

    private func interfaceDownFindings(_ rule: AlertRule) -> [RuleFinding] {
        self.snapshot.interfaces.compactMap { interface in
            guard self.admits(rule.scope, deviceID: interface.deviceID, interfaceID: interface.id) else { return nil }
            let sampled = self.interfaceSeries(interface.id, "if_oper_status").flatMap { self.snapshot.latest[$0.id] }
            guard let oper = sampled.map({ Int($0.value) }) ?? interface.operStatus else { return nil }
            let observation: AlertObservation
            if interface.adminStatus != 1 {
                observation = .clear  // administratively down (or unknown): not an alert
            } else if oper == 1 {
                observation = .clear
            } else if oper == 2 || oper == 7 {
                observation = .breaching
            } else {
                observation = .holding
            }
            return RuleFinding(
                targetKey: "i:\(interface.id)",
                deviceID: interface.deviceID,
                interfaceID: interface.id,
                observation: observation,
                value: Double(oper),
                summary: "interface \(interface.name) is \(Self.operName(oper)) (admin "
                    + "\(Self.operName(interface.adminStatus ?? 0)))"
            )
        }
    }

    private func topTalkerFindings(
        _ rule: AlertRule,
        _ tracked: Set<String>?,
        _ condition: TopTalkerCondition
    ) -> [RuleFinding] {
        let range = condition.minuteRange(now: self.snapshot.now)
        let seconds = Double(range.to - range.from) / 1000
        var findings: [RuleFinding] = []
        for talker in self.snapshot.talkers[condition.windowMilliseconds] ?? [] {
            guard
                let share = TopTalkerCondition.share(
                    bytes: talker.bytes,
                    seconds: seconds,
                    speedBitsPerSecond: talker.speedBitsPerSecond
                )
            else { continue }
            if rule.scope.tag != nil || rule.scope.device != nil {
                guard let id = talker.deviceID, let device = self.devices[id], rule.scope.admits(device: device)
                else { continue }
            }
            if let pattern = rule.scope.interfacePattern {
                guard let name = talker.interfaceName, Glob.matches(pattern, name) else { continue }
            }
            let observation = condition.observe(share: share)
            let key = talker.targetKey
            if let tracked, observation != .breaching, !tracked.contains(key) { continue }
            let interface = talker.interfaceName ?? "ifIndex \(talker.ifIndex)"
            let verb = talker.direction == .inbound ? "sends into" : "receives from"
            findings.append(
                RuleFinding(
                    targetKey: key,
                    deviceID: talker.deviceID,
                    interfaceID: nil,
                    observation: observation,
                    value: share,
                    summary: "\(talker.address) \(verb) \(interface) of \(talker.exporter) "
                        + "\(Self.format(share))% of its speed over \(Self.span(condition.windowMilliseconds)) "
                        + "(threshold > \(Self.format(condition.sharePercent))%)"
                )
            )
        }
        return findings
    }

    /// The series of `metric` a scope can admit: only its device's when it names one.
    private func candidates(_ scope: RuleScope, metric: String) -> [SeriesFacts] {
        guard let name = scope.device else { return self.seriesByMetric[metric] ?? [] }
        guard let deviceID = self.deviceIDsByName[name] else { return [] }
        return self.seriesByDeviceMetric[DeviceMetric(deviceID: deviceID, metric: metric)] ?? []
    }

    private func admits(_ scope: RuleScope, deviceID: Int64?, interfaceID: Int64?) -> Bool {
        if scope.tag != nil || scope.device != nil {
            guard let deviceID, let device = self.devices[deviceID], scope.admits(device: device) else { return false }
        }
        if scope.interfacePattern != nil {
            guard let interfaceID, let interface = self.interfaces[interfaceID], scope.admits(interface: interface)
            else { return false }
        }
        return true
    }

    private func interfaceSeries(_ interfaceID: Int64, _ metric: String) -> SeriesFacts? {
        self.interfaceSeries[InterfaceMetric(interfaceID: interfaceID, metric: metric)]
    }

    private func windowSamples(_ seriesID: Int64, _ window: Int64) -> [TimedValue] {
        let start = self.snapshot.now - window
        return (self.snapshot.samples[seriesID] ?? []).filter { $0.time > start && $0.time <= self.snapshot.now }
    }

    private func window(_ seriesID: Int64, _ window: Int64) -> [Double] {
        if window <= 0 { return self.snapshot.latest[seriesID].map { [$0.value] } ?? [] }
        return self.windowSamples(seriesID, window).map(\.value)
    }

    // MARK: Words

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String((value * 100).rounded() / 100)
    }

    static func span(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds % 3600 == 0, seconds >= 3600 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0, seconds >= 60 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    static func operName(_ status: Int) -> String {
        switch status {
        case 1: "up"
        case 2: "down"
        case 3: "testing"
        case 5: "dormant"
        case 6: "notPresent"
        case 7: "lowerLayerDown"
        default: "unknown"
        }
    }

    static func describe(_ condition: FlowCondition) -> String {
        var parts: [String] = []
        if let prefix = condition.prefix { parts.append("\(condition.direction.rawValue) \(prefix)") }
        if let port = condition.port { parts.append("port \(port)") }
        if let proto = condition.proto { parts.append("protocol \(proto)") }
        return parts.isEmpty ? "(all)" : parts.joined(separator: " ")
    }
}
