// snmp-poll-bench: one full poll cycle (discovery + interface counters + health: a device's first
// poll) and one steady-state cycle (counters only: every later poll) of N devices through the real
// SNMPEngine and DevicePoller, at most C polls in flight: the poll scheduler's adaptive window
// (`AdaptivePollLimiter`, ceiling C, floor F; F = C gives a fixed window), kept across cycles. Prints wall time, CPU (getrusage), varbinds,
// CPU per 1,000 varbinds, peak RSS and failures per cycle, as `key=value` lines for the script.
//
// Usage: snmp-poll-bench --endpoints FILE [--concurrency C] [--min-concurrency F] [--max-repetitions R]
//                        [--timeout-ms T] [--retries N] [--cycles K] [--snmpsim-pids PID,PID...]
//   FILE: one device per line, `address:port:community` (IPv4 address; community may contain ':').
// Build in release: swift build -c release --product snmp-poll-bench

import Foundation
import Logging
import NetmonCore
import SNMPPoller

var options: [String: String] = [:]
var iterator = CommandLine.arguments.dropFirst().makeIterator()
while let argument = iterator.next() {
    if let value = iterator.next() { options[argument] = value }
}
guard let endpointsPath = options["--endpoints"] else {
    FileHandle.standardError.write(Data("usage: snmp-poll-bench --endpoints FILE [--concurrency C] ...\n".utf8))
    exit(2)
}
let concurrency = max(1, Int(options["--concurrency"] ?? "") ?? 200)
let minConcurrency = min(concurrency, max(1, Int(options["--min-concurrency"] ?? "") ?? 4))
let maxRepetitions = Int(options["--max-repetitions"] ?? "") ?? 25
let timeoutMilliseconds = Int64(options["--timeout-ms"] ?? "") ?? 2000
let retries = Int(options["--retries"] ?? "") ?? 1
let cycles = max(1, Int(options["--cycles"] ?? "") ?? 2)
// The agents' processes: their CPU during each cycle shows whether snmpsim is the bottleneck.
let agentPIDs = (options["--snmpsim-pids"] ?? "").split(separator: ",").compactMap { Int32($0) }

let devices = try parseEndpoints(
    String(contentsOfFile: endpointsPath, encoding: .utf8),
    settings: SNMPDeviceSettings(
        version: .v2c,
        timeout: .milliseconds(timeoutMilliseconds),
        retries: retries,
        maxRepetitions: maxRepetitions
    )
)
print(
    "config devices=\(devices.count) concurrency=\(concurrency) min_concurrency=\(minConcurrency) "
        + "max_repetitions=\(maxRepetitions) timeout_ms=\(timeoutMilliseconds) retries=\(retries) cycles=\(cycles)"
)

let logger = Logger(label: "snmp-poll-bench") { _ in SwiftLogNoOpLogHandler() }
let engine = SNMPEngine(logger: logger)
// The scheduler's window: starts at C, shrinks on late answers, never below F.
let window = AdaptivePollLimiter(window: PollWindow(ceiling: concurrency, floor: minConcurrency))

// Sessions are opened once, like the scheduler does per device; timed apart from the cycles.
let openStart = Usage.now()
var clients: [SNMPClient] = []
clients.reserveCapacity(devices.count)
for device in devices {
    var client = try await engine.client(for: SNMPTarget(device: device))
    client.observer = window
    clients.append(client)
}
print("open " + Usage.now().since(openStart).fields + " sessions=\(clients.count)")

var pollers = devices.map { DevicePoller(device: $0) }
for cycle in 1...cycles {
    let agentStart = processCPUSeconds(agentPIDs)
    let (requestsStart, resendsStart) = (engine.requestsSent, engine.retransmissions)
    let (lateStart, timeoutsStart) = (engine.lateAnswers, engine.timeouts)
    let windowStart = window.snapshot
    let start = Usage.now()
    let (polled, tally) = await runCycle(pollers, clients: clients, window: window)
    pollers = polled
    let used = Usage.now().since(start)
    let agentCPU = processCPUSeconds(agentPIDs) - agentStart
    let kind = cycle == 1 ? "first" : "steady"
    var line = "cycle n=\(cycle) kind=\(kind) " + used.fields
    line += " polled=\(tally.polled) failed=\(tally.failed) timeouts=\(tally.timeouts)"
    line += " varbinds=\(tally.varBinds) discovery_varbinds_est=\(tally.discoveryVarBinds)"
    line += " interfaces=\(tally.interfaces) measurements=\(tally.measurements) gaps=\(tally.gaps)"
    line += " poll_ms_p50=\(tally.percentile(0.5)) poll_ms_p99=\(tally.percentile(0.99))"
    line += " poll_ms_max=\(tally.percentile(1.0))"
    let counted = tally.varBinds + tally.discoveryVarBinds
    line += String(format: " cpu_s_per_1k_varbinds=%.5f", used.cpu / Double(max(1, counted)) * 1000)
    line += String(format: " cpu_s_per_1k_counted=%.5f", used.cpu / Double(max(1, tally.varBinds)) * 1000)
    line += String(format: " snmpsim_cpu_s=%.2f", agentCPU)
    line += " requests=\(engine.requestsSent - requestsStart) retransmissions=\(engine.retransmissions - resendsStart)"
    line += " late_answers=\(engine.lateAnswers - lateStart) request_timeouts=\(engine.timeouts - timeoutsStart)"
    let windowEnd = window.snapshot
    line += " window_start=\(windowStart.limit) window_end=\(windowEnd.limit) window_min=\(windowEnd.lowestLimit)"
    line += " window_decreases=\(windowEnd.decreases - windowStart.decreases)"
    line += " signals_slow=\(windowEnd.slowAnswers - windowStart.slowAnswers)"
    line += " signals_late=\(windowEnd.lateAnswers - windowStart.lateAnswers)"
    line += " signals_timeout_after_answer=\(windowEnd.timeoutsAfterAnswer - windowStart.timeoutsAfterAnswer)"
    print(line)
    for error in tally.errors.prefix(5) { print("error \(error)") }
}
for client in clients { client.close() }
engine.shutdown()
print("done max_rss_kb=\(Usage.now().maxRSSKilobytes)")
