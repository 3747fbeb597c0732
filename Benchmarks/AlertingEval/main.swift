import Alerting
import Foundation
import Logging
import NetmonCore
import Storage

// Alert evaluation benchmark (scripts/bench/alerting.sh):
//   alerting-bench DIR HOOK_URL RECEIVER_LOG [rules] [series] [cycles] [trials] [interval_ms]
// Builds a database with `series` interface utilisation series (10-minute history at 30 s),
// `rules` threshold rules over them, measures the CPU time (getrusage) and wall time of full
// evaluation cycles, then the delay from a sample's arrival to the webhook receiver getting the
// alert, with the evaluator and the dispatcher running as in the daemon.

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(
        Data("usage: alerting-bench DIR HOOK_URL RECEIVER_LOG [rules] [series] [cycles] [trials] [interval_ms]\n".utf8)
    )
    exit(2)
}
let directory = arguments[1]
let hookURL = arguments[2]
let receiverLog = arguments[3]
let ruleCount = arguments.count > 4 ? Int(arguments[4]) ?? 1000 : 1000
let seriesCount = arguments.count > 5 ? Int(arguments[5]) ?? 10_000 : 10_000
let cycles = arguments.count > 6 ? Int(arguments[6]) ?? 10 : 10
let trials = arguments.count > 7 ? Int(arguments[7]) ?? 50 : 50
let intervalMilliseconds = arguments.count > 8 ? Int64(arguments[8]) ?? 1000 : 1000

let logger = Logger(label: "alerting-bench") { _ in SwiftLogNoOpLogHandler() }

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p * Double(sorted.count)).rounded(.up))
    return sorted[max(0, min(sorted.count - 1, rank - 1))]
}

let database = try NetmonDatabase.open(
    configuration: StorageConfiguration(path: directory + "/alerting-bench.db"),
    logger: logger
)
let now0 = AlertEvaluator.currentTime()

// MARK: Inventory and series: 100 devices, interfaces split evenly, in and out utilisation.
let deviceCount = 100
let interfacesPerDevice = max(1, seriesCount / 2 / deviceCount)
let inventory = InventoryStore(database: database)
let registry = SeriesRegistry(database: database)
var seriesIDs: [Int64] = []
let setupStart = ContinuousClock.now
for device in 0..<deviceCount {
    let id = try await inventory.upsertDevice(
        DeviceRecord(
            name: "dev\(device)",
            address: "192.0.2.\(device % 250 + 1)",
            tags: ["t\(device % 10)"],
            createdAt: 0
        )
    ).id!
    let interfaces = try await inventory.syncInterfaces(
        deviceID: id,
        (1...interfacesPerDevice).map {
            InterfaceRecord(deviceID: id, ifIndex: $0, ifName: "ge-0/0/\($0)", adminStatus: 1, operStatus: 1)
        },
        now: 0
    )
    for interface in interfaces {
        for metric in ["if_in_utilization_percent", "if_out_utilization_percent"] {
            seriesIDs.append(
                try await registry.seriesID(
                    for: SeriesKey(deviceID: id, interfaceID: interface.id, metric: metric, unit: "%", kind: .gauge)
                )
            )
        }
    }
}
let probe = try await registry.seriesID(for: SeriesKey(deviceID: 1, metric: "bench_probe", unit: "", kind: .gauge))

// History: 20 samples at 30 s per series (10 minutes), values 0..<80.
var samples: [Sample] = []
samples.reserveCapacity(seriesIDs.count * 20)
for (index, id) in seriesIDs.enumerated() {
    for step in 0..<20 {
        samples.append(
            Sample(seriesID: id, timestamp: now0 - Int64(20 - step) * 30_000, value: Double((index + step) % 80))
        )
    }
}
try await database.insertSamples(samples)
try await database.insertSamples([Sample(seriesID: probe, timestamp: now0 - 1000, value: 0)])

// MARK: Rules: 1 in 10 over every device, the rest scoped to one device; avg/max/min/p95 over 5 min.
let catalog = AlertingCatalog(database: database)
_ = try await catalog.add(AlertChannel(name: "hook", kind: .webhook, url: hookURL, secret: "bench"), now: 0)
_ = try await catalog.add(
    EscalationPolicy(name: "now", steps: [EscalationStep(afterMilliseconds: 0, channels: ["hook"])]),
    now: 0
)
let aggregates: [WindowAggregate] = [.avg, .max, .min, .p95]
for index in 0..<ruleCount {
    let metric = index % 2 == 0 ? "if_in_utilization_percent" : "if_out_utilization_percent"
    _ = try await catalog.add(
        AlertRule(
            name: "rule \(index)",
            condition: .threshold(
                ThresholdCondition(
                    metric: metric,
                    aggregate: aggregates[index % 4],
                    windowMilliseconds: 300_000,
                    threshold: 95
                )
            ),
            scope: index % 10 == 0 ? .all : RuleScope(device: "dev\(index % deviceCount)"),
            policy: "now"
        ),
        now: 0
    )
}
_ = try await catalog.add(
    AlertRule(
        name: "probe",
        condition: .threshold(
            ThresholdCondition(metric: "bench_probe", aggregate: .last, windowMilliseconds: 600_000, threshold: 50)
        ),
        policy: "now"
    ),
    now: 0
)
let setup = ContinuousClock.now - setupStart
print(
    "setup: \(deviceCount) devices, \(seriesIDs.count) series, \(samples.count) samples, \(ruleCount) rules in \(setup)"
)

// MARK: CPU per cycle
let configuration = AlertingConfiguration(
    evaluationInterval: .milliseconds(intervalMilliseconds),
    allowPrivateDestinations: true,
    retryInitial: .milliseconds(100),
    retryMax: .seconds(1),
    flapThreshold: 0
)
let evaluator = AlertEvaluator(database: database, configuration: configuration, logger: logger)
var cpu: [Double] = []
var wall: [Double] = []
var findings = 0
for _ in 0..<cycles {
    let cpuBefore = cpuSeconds()
    let started = ContinuousClock.now
    let report = try await evaluator.evaluate(now: AlertEvaluator.currentTime())
    let elapsed = ContinuousClock.now - started
    cpu.append((cpuSeconds() - cpuBefore) * 1000)
    wall.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    findings = report.findings
}
let globalRules = (0..<ruleCount).filter { $0 % 10 == 0 }.count
let examined = globalRules * seriesIDs.count / 2 + (ruleCount - globalRules) * interfacesPerDevice + 1
func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
print(
    "cycle: \(examined) rule×series evaluations (\(findings) findings kept); CPU ms per cycle median \(fmt(percentile(cpu, 0.5))) "
        + "p99 \(fmt(percentile(cpu, 0.99))); wall ms median \(fmt(percentile(wall, 0.5))) p99 \(fmt(percentile(wall, 0.99)))"
)

// MARK: Sample arrival → webhook delivery
let dispatcher = AlertDispatcher(
    database: database,
    configuration: configuration,
    logger: logger,
    pollInterval: .milliseconds(250)
)
let services = Task {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { try? await evaluator.run() }
        group.addTask { try? await dispatcher.run() }
    }
}
func receivedProbeEvents() -> [(event: String, time: Int64)] {
    let text = (try? String(contentsOfFile: receiverLog, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
        guard let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let received = entry["received_ms"] as? Int,
            let body = try? JSONSerialization.jsonObject(with: Data((entry["body"] as? String ?? "").utf8))
                as? [String: Any],
            let alert = body["alert"] as? [String: Any], alert["rule"] as? String == "probe",
            let event = body["event"] as? String
        else { return nil }
        return (event, Int64(received))
    }
}
var delays: [Double] = []
var timeouts = 0
for trial in 0..<(trials * 2) {
    let breach = trial % 2 == 0
    let before = receivedProbeEvents().count
    let arrived = AlertEvaluator.currentTime()
    try await database.insertSamples([Sample(seriesID: probe, timestamp: arrived, value: breach ? 99 : 0)])
    let deadline = ContinuousClock.now + .seconds(30)
    var delivered: Int64?
    while ContinuousClock.now < deadline {
        let events = receivedProbeEvents()
        if events.count > before {
            delivered = events[before].time
            break
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    if let delivered { delays.append(Double(delivered - arrived)) } else { timeouts += 1 }
    // Spread arrivals over the evaluation interval.
    try await Task.sleep(for: .milliseconds(Int64.random(in: 0..<intervalMilliseconds)))
}
services.cancel()
print(
    "delivery: \(delays.count) notifications (\(timeouts) timed out), evaluation_interval \(intervalMilliseconds) ms; "
        + "sample arrival → webhook received ms median \(fmt(percentile(delays, 0.5))) p99 \(fmt(percentile(delays, 0.99))) "
        + "max \(fmt(delays.max() ?? .nan))"
)
try database.close()
