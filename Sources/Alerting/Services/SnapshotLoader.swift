import NetmonCore
import Storage

/// Loads one ``EvaluationSnapshot`` from the database: only the metrics, windows, flows and
/// seasons the rules need, in batched reads.
struct SnapshotLoader: Sendable {
    let data: AlertingDataStore
    let flows: FlowQueries
    /// Exporter address → device name (`flows.exporters[].device`), to find exporters' interfaces.
    let exporterDevices: [String: String]

    init(database: NetmonDatabase, exporterDevices: [String: String] = [:]) {
        self.data = AlertingDataStore(database: database)
        self.flows = FlowQueries(database: database, exporterDevices: exporterDevices)
        self.exporterDevices = exporterDevices
    }

    func load(needs: EvaluationNeeds, now: Int64) async throws -> EvaluationSnapshot {
        var snapshot = EvaluationSnapshot(now: now)
        snapshot.devices = try await self.data.devices().map {
            DeviceFacts(
                id: $0.id,
                name: $0.name,
                tags: $0.tags,
                reachable: $0.reachable,
                organisationID: $0.organisationID
            )
        }
        snapshot.interfaces = try await self.data.interfaces().map {
            InterfaceFacts(
                id: $0.id,
                deviceID: $0.deviceID,
                name: $0.name,
                adminStatus: $0.adminStatus,
                operStatus: $0.operStatus
            )
        }
        let series = try await self.data.series(metrics: needs.windows.keys.sorted())
        snapshot.series = series.map {
            SeriesFacts(
                id: $0.id,
                deviceID: $0.deviceID,
                interfaceID: $0.interfaceID,
                metric: $0.metric,
                instance: $0.instance
            )
        }
        // One batched read per distinct window length.
        let byWindow = Dictionary(grouping: series) { needs.windows[$0.metric] ?? 0 }
        for (window, members) in byWindow where window > 0 {
            let samples = try await self.data.samples(seriesIDs: members.map(\.id), from: now - window, to: now)
            for (id, values) in samples {
                snapshot.samples[id] = values.map { TimedValue(time: $0.0, value: $0.1) }
            }
        }
        let latest = try await self.data.latest(seriesIDs: series.map(\.id))
        snapshot.latest = latest.mapValues { TimedValue(time: $0.0, value: $0.1) }
        if needs.restartWindow > 0 {
            snapshot.restarts = try await self.data.restarts(since: now - needs.restartWindow)
        }
        for condition in needs.flows {
            snapshot.flowRates[condition] = try await self.flowRate(condition, now: now)
        }
        for window in needs.talkerWindows {
            let range = TopTalkerCondition(windowMilliseconds: window, sharePercent: 100).minuteRange(now: now)
            snapshot.talkers[window] = try await self.data.talkers(
                from: range.from,
                to: range.to,
                exporterDevices: self.exporterDevices
            ).map {
                InterfaceTalker(
                    exporter: $0.exporter,
                    ifIndex: $0.ifIndex,
                    direction: $0.inbound ? .inbound : .outbound,
                    address: $0.address.description,
                    bytes: $0.bytes,
                    deviceID: $0.device?.id,
                    interfaceName: $0.interface?.name,
                    speedBitsPerSecond: $0.interface?.speedBitsPerSecond
                )
            }
        }
        for condition in needs.anomalies {
            let members = series.filter { $0.metric == condition.metric }.map(\.id)
            var baselines: [Int64: [Double]] = [:]
            for season in 1...max(1, condition.seasons) {
                let end = now - Int64(season) * condition.periodMilliseconds
                let samples = try await self.data.samples(
                    seriesIDs: members,
                    from: end - condition.windowMilliseconds,
                    to: end
                )
                for (id, values) in samples {
                    if let mean = WindowAggregate.avg.apply(values.map(\.1)) { baselines[id, default: []].append(mean) }
                }
            }
            snapshot.baselines[condition] = baselines
        }
        return snapshot
    }

    /// Bytes per second of the traffic a flow condition selects, over its window (raw flows).
    private func flowRate(_ condition: FlowCondition, now: Int64) async throws -> Double {
        let prefix = condition.prefix.flatMap(IPPrefix.init)
        let port = condition.port.map { UInt16(clamping: $0) }
        let proto = condition.proto.map { UInt8(clamping: $0) }
        var filters: [FlowFilter] = []
        switch condition.direction {
        case .to: filters = [FlowFilter(destinationPrefix: prefix, port: port, ipProtocol: proto)]
        case .from: filters = [FlowFilter(sourcePrefix: prefix, port: port, ipProtocol: proto)]
        case .either:
            filters =
                prefix == nil
                ? [FlowFilter(port: port, ipProtocol: proto)]
                : [
                    FlowFilter(destinationPrefix: prefix, port: port, ipProtocol: proto),
                    FlowFilter(sourcePrefix: prefix, port: port, ipProtocol: proto),
                ]
        }
        var bytes: Double = 0
        for filter in filters {
            let totals = try await self.flows.exporterTotals(
                from: now - condition.windowMilliseconds,
                to: now,
                filter: filter,
                source: .raw,
                limit: 10_000
            )
            bytes += totals.reduce(0) { $0 + Double($1.bytes) }
        }
        return bytes / (Double(condition.windowMilliseconds) / 1000)
    }
}
