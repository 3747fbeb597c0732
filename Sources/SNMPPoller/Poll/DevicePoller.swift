import NetmonCore

/// Polls one device: discovery when due, then interface counters, statuses and health objects;
/// turns counters into honest rates and notices restarts, status changes and reachability.
public struct DevicePoller: Sendable {
    /// Everything one poll produced.
    public struct Outcome: Sendable {
        public var discovery: DiscoveryResult?
        public var measurements: [Measurement] = []
        public var events: [DeviceEvent] = []
        public var report: PollReport
        /// Wall time the values were read at (UTC epoch milliseconds).
        public var measuredAt: Int64
    }

    public let device: MonitoredDevice
    public var collectors: [SNMPCollectorConfiguration]
    public var discoveryInterval: Duration
    public var downAfterFailures: Int
    public private(set) var state = DevicePollState()

    public init(
        device: MonitoredDevice,
        collectors: [SNMPCollectorConfiguration] = [],
        discoveryInterval: Duration = .seconds(6 * 3600),
        downAfterFailures: Int = 3
    ) {
        self.device = device
        self.collectors = collectors
        self.discoveryInterval = discoveryInterval
        self.downAfterFailures = downAfterFailures
    }

    /// Runs one poll through `client`. Never throws: failures are in the report and in the
    /// reachability events.
    public mutating func poll(_ client: SNMPClient, clock: @Sendable () -> Int64) async -> Outcome {
        let started = clock()
        let timer = ContinuousClock.now
        let countsBefore = client.statistics.counts
        var outcome = Outcome(
            report: PollReport(
                deviceID: self.device.id,
                startedAt: started,
                duration: .zero,
                error: nil,
                requests: 0,
                varBinds: 0,
                gaps: 0
            ),
            measuredAt: started
        )
        do {
            try await self.collect(client, clock: clock, into: &outcome)
            if self.state.reachable == false {
                outcome.events.append(
                    DeviceEvent(
                        kind: .deviceReachable,
                        time: outcome.measuredAt,
                        message: "\(self.device.name) answers again"
                    )
                )
            }
            self.state.reachable = true
            self.state.consecutiveFailures = 0
        } catch {
            outcome.report.error = "\(error)"
            self.state.consecutiveFailures += 1
            if self.state.consecutiveFailures == self.downAfterFailures && self.state.reachable != false {
                self.state.reachable = false
                outcome.events.append(
                    DeviceEvent(
                        kind: .deviceUnreachable,
                        time: clock(),
                        message: "\(self.device.name) did not answer \(self.downAfterFailures) polls in a row",
                        details: ["error": "\(error)"]
                    )
                )
            }
        }
        outcome.report.duration = ContinuousClock.now - timer
        let counts = client.statistics.counts - countsBefore
        outcome.report.requests = counts.requests
        outcome.report.varBinds = counts.varBinds
        outcome.report.retransmissions = counts.retransmissions
        outcome.report.lateAnswers = counts.lateAnswers
        outcome.report.timeouts = counts.timeouts
        return outcome
    }

    private mutating func collect(
        _ client: SNMPClient,
        clock: @Sendable () -> Int64,
        into outcome: inout Outcome
    )
        async throws
    {
        let repetitions = self.device.settings.maxRepetitions
        let scalars = try await client.get([SystemMIB.sysUpTime, IFMIB.ifNumber, IFMIB.ifTableLastChange])
        var uptime = Self.ticks(scalars[0].value)
        let ifNumber = scalars.count > 1 ? scalars[1].value.integerValue.map(Int.init) : nil
        let lastChange = scalars.count > 2 ? scalars[2].value.unsignedValue.map { UInt32(truncatingIfNeeded: $0) } : nil
        if let previous = self.state.lastUptime, let uptime, uptime < previous,
            !Self.isUptimeWrap(previous: previous, current: uptime)
        {
            outcome.events.append(
                DeviceEvent(
                    kind: .agentRestarted,
                    time: clock(),
                    message:
                        "\(self.device.name) restarted (sysUpTime went from \(previous / 100) s to \(uptime / 100) s)",
                    details: ["previous_uptime_ticks": "\(previous)", "uptime_ticks": "\(uptime)"]
                )
            )
        }
        self.state.lastUptime = uptime

        if self.needsDiscovery(now: clock(), ifNumber: ifNumber, ifTableLastChange: lastChange) {
            let result = try await DeviceDiscovery.discover(client, maxRepetitions: repetitions)
            outcome.events += self.interfaceChanges(from: self.state.discovery, to: result, at: clock())
            self.state.discovery = result
            self.state.discoveredAt = clock()
            outcome.discovery = result
            // Rates use the agent's time: read it again next to the counters, not before discovery.
            uptime = Self.ticks(try await client.get([SystemMIB.sysUpTime])[0].value) ?? uptime
        }
        guard let discovery = self.state.discovery else { return }

        let interfaces = try await InterfacePolling.poll(client, discovery: discovery, maxRepetitions: repetitions)
        outcome.measuredAt = clock()
        if let uptime {
            outcome.measurements.append(
                Measurement(metric: "sys_uptime_seconds", unit: "s", value: Double(uptime) / 100)
            )
        }
        self.rates(from: interfaces, discovery: discovery, uptime: uptime, into: &outcome)

        let health = try await HealthPolling.poll(
            client,
            capabilities: discovery.health,
            collectors: self.collectors,
            maxRepetitions: repetitions
        )
        outcome.measurements += health.gauges
        for counter in health.counters {
            let key = DevicePollState.CounterKey(metric: counter.metric, ifIndex: nil, instance: counter.instance)
            let reading = CounterReading(
                value: counter.value,
                width: counter.width,
                agentUptime: uptime,
                wallTime: outcome.measuredAt
            )
            if let rate = self.rate(key, reading, limit: nil, outcome: &outcome) {
                outcome.measurements.append(
                    Measurement(
                        metric: counter.metric,
                        unit: counter.unit,
                        instance: counter.instance,
                        value: rate,
                        kind: .rate
                    )
                )
            }
        }
    }

    private func needsDiscovery(now: Int64, ifNumber: Int?, ifTableLastChange: UInt32?) -> Bool {
        guard let discovery = self.state.discovery, let discoveredAt = self.state.discoveredAt else { return true }
        if now - discoveredAt >= Int64(self.discoveryInterval.components.seconds * 1000) { return true }
        if let ifNumber, ifNumber != discovery.ifNumber { return true }
        if let ifTableLastChange, ifTableLastChange != discovery.ifTableLastChange { return true }
        return false
    }

    private func interfaceChanges(from old: DiscoveryResult?, to new: DiscoveryResult, at time: Int64) -> [DeviceEvent]
    {
        guard let old else { return [] }
        let before = Dictionary(uniqueKeysWithValues: old.interfaces.map { ($0.ifIndex, $0) })
        let after = Dictionary(uniqueKeysWithValues: new.interfaces.map { ($0.ifIndex, $0) })
        var events: [DeviceEvent] = []
        for interface in new.interfaces where before[interface.ifIndex] == nil {
            events.append(
                DeviceEvent(
                    kind: .interfaceAdded,
                    time: time,
                    ifIndex: interface.ifIndex,
                    message: "interface \(interface.displayName) appeared"
                )
            )
        }
        for interface in old.interfaces where after[interface.ifIndex] == nil {
            events.append(
                DeviceEvent(
                    kind: .interfaceRemoved,
                    time: time,
                    ifIndex: interface.ifIndex,
                    message: "interface \(interface.displayName) vanished"
                )
            )
        }
        return events
    }

    private mutating func rates(
        from polled: InterfacePolling.Result,
        discovery: DiscoveryResult,
        uptime: UInt32?,
        into outcome: inout Outcome
    ) {
        for interface in discovery.interfaces {
            let index = interface.ifIndex
            if let status = polled.operStatus[index] {
                outcome.measurements.append(
                    Measurement(metric: "if_oper_status", unit: "", ifIndex: index, value: Double(status))
                )
                if let previous = self.state.operStatus[index], previous != status {
                    outcome.events.append(
                        DeviceEvent(
                            kind: .interfaceStatusChanged,
                            time: outcome.measuredAt,
                            ifIndex: index,
                            message: "interface \(interface.displayName) is \(OperStatus.name(status)) "
                                + "(was \(OperStatus.name(previous)))",
                            details: [
                                "from": OperStatus.name(previous), "to": OperStatus.name(status),
                                "admin": OperStatus.name(polled.adminStatus[index] ?? 0),
                            ]
                        )
                    )
                }
                self.state.operStatus[index] = status
            }
            let octetLimit = interface.speedBitsPerSecond.map { Double($0) / 8 * 1.02 }
            for (position, polledValue) in (polled.counters[index] ?? []).enumerated() {
                guard let value = polledValue else { continue }
                let counter = InterfaceCounter.all[position]
                let key = DevicePollState.CounterKey(metric: counter.metric, ifIndex: index, instance: "")
                let reading = CounterReading(
                    value: value.value,
                    width: value.width,
                    agentUptime: value.uptime ?? uptime,
                    wallTime: outcome.measuredAt,
                    discontinuityMarker: polled.discontinuity[index]
                )
                guard
                    let rate = self.rate(
                        key,
                        reading,
                        limit: counter.isOctets ? octetLimit : nil,
                        outcome: &outcome,
                        ifIndex: index,
                        name: interface.displayName
                    )
                else { continue }
                outcome.measurements.append(
                    Measurement(metric: counter.metric, unit: counter.unit, ifIndex: index, value: rate, kind: .rate)
                )
                if counter.isOctets, let speed = interface.speedBitsPerSecond {
                    let direction = counter.metric == "if_in_octets" ? "in" : "out"
                    outcome.measurements.append(
                        Measurement(
                            metric: "if_\(direction)_utilization_percent",
                            unit: "%",
                            ifIndex: index,
                            value: InterfaceSpeed.utilization(bitsPerSecond: rate * 8, speed: speed)
                        )
                    )
                }
            }
        }
    }

    /// The rate since the previous reading of `key` (nil for the first reading or a gap), and
    /// remembers `reading`.
    private mutating func rate(
        _ key: DevicePollState.CounterKey,
        _ reading: CounterReading,
        limit: Double?,
        outcome: inout Outcome,
        ifIndex: Int? = nil,
        name: String = ""
    ) -> Double? {
        defer { self.state.readings[key] = reading }
        guard let previous = self.state.readings[key] else { return nil }
        switch CounterRate.rate(from: previous, to: reading, limit: limit) {
        case .success(let rate):
            return rate
        case .failure(let gap):
            outcome.report.gaps += 1
            if case .impossible(let rate, let limit) = gap {
                outcome.events.append(
                    DeviceEvent(
                        kind: .impossibleRate,
                        time: reading.wallTime,
                        ifIndex: ifIndex,
                        message: "\(key.metric) on \(name) read \(Int(rate))/s, above the interface's \(Int(limit))/s: "
                            + "stored as a gap",
                        details: ["metric": key.metric, "rate": "\(rate)", "limit": "\(limit)"]
                    )
                )
            }
            return nil
        }
    }

    private static func ticks(_ value: SNMPValue) -> UInt32? {
        if case .timeTicks(let ticks) = value { return ticks }
        return nil
    }

    private static func isUptimeWrap(previous: UInt32, current: UInt32) -> Bool {
        previous > UInt32.max - 360_000 && current < 360_000
    }
}

/// IF-MIB ifOperStatus / ifAdminStatus names.
public enum OperStatus {
    public static func name(_ value: Int) -> String {
        switch value {
        case 1: "up"
        case 2: "down"
        case 3: "testing"
        case 4: "unknown"
        case 5: "dormant"
        case 6: "notPresent"
        case 7: "lowerLayerDown"
        default: "status \(value)"
        }
    }
}
