import Foundation
import NetmonCore
import SNMPPoller

/// Parses `address:port:community` lines (blank lines and `#` comments skipped) into devices.
func parseEndpoints(_ text: String, settings: SNMPDeviceSettings) throws -> [MonitoredDevice] {
    var devices: [MonitoredDevice] = []
    for line in text.split(separator: "\n") {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
        let parts = trimmed.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let port = Int(parts[1]) else {
            throw BenchError("bad endpoint line: \(trimmed)")
        }
        var device = settings
        device.port = port
        device.community = Secret(String(parts[2]))
        let id = Int64(devices.count + 1)
        devices.append(
            MonitoredDevice(id: id, name: "\(parts[0]):\(port)", address: String(parts[0]), tags: [], settings: device)
        )
    }
    return devices
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What one cycle over all devices produced.
struct CycleTally {
    var polled = 0
    var failed = 0
    var timeouts = 0
    var varBinds = 0
    /// Discovery's bindings are not in `PollReport.varBinds`: estimated from what it returned
    /// (system + ifNumber + ifTableLastChange GET: 8; one binding per discovered interface and
    /// column present; 4 health probes + 1 memTotalReal GET; the sysUpTime GET after discovery: 1).
    var discoveryVarBinds = 0
    var interfaces = 0
    var measurements = 0
    var gaps = 0
    var durations: [Double] = []
    var errors: [String] = []

    mutating func add(_ outcome: DevicePoller.Outcome) {
        self.polled += 1
        self.varBinds += outcome.report.varBinds
        self.measurements += outcome.measurements.count
        self.gaps += outcome.report.gaps
        self.durations.append(
            Double(outcome.report.duration.components.attoseconds) / 1e15
                + Double(outcome.report.duration.components.seconds) * 1000
        )
        if let error = outcome.report.error {
            self.failed += 1
            if error.lowercased().contains("timeout") || error.lowercased().contains("timed out") { self.timeouts += 1 }
            self.errors.append(error)
        }
        if let discovery = outcome.discovery {
            self.interfaces += discovery.interfaces.count
            var count = 8 + 5 + 1
            for interface in discovery.interfaces {
                // ifDescr ifType ifSpeed ifPhysAddress ifAdminStatus ifOperStatus ifLastChange
                // ifName ifHighSpeed ifAlias ifHCInOctets (only the ones the device answered).
                let present: [Bool] = [
                    interface.descr != nil, interface.type != nil, interface.physAddress != nil,
                    interface.adminStatus != nil, interface.operStatus != nil, interface.lastChange != nil,
                    interface.name != nil, interface.alias != nil, interface.hasHCCounters,
                ]
                count += present.filter { $0 }.count
                count += interface.speedBitsPerSecond != nil ? 2 : 0
            }
            self.discoveryVarBinds += count
        }
    }

    func percentile(_ fraction: Double) -> Int {
        guard !self.durations.isEmpty else { return 0 }
        let sorted = self.durations.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return Int(sorted[index].rounded())
    }
}

/// Polls every device once, as many at a time as `window` admits.
func runCycle(
    _ pollers: [DevicePoller],
    clients: [SNMPClient],
    window: AdaptivePollLimiter
) async -> (pollers: [DevicePoller], tally: CycleTally) {
    let clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    var tally = CycleTally()
    var updated = pollers
    await withTaskGroup(of: (Int, DevicePoller, DevicePoller.Outcome)?.self) { group in
        for index in pollers.indices {
            var poller = pollers[index]
            let client = clients[index]
            group.addTask {
                do {
                    try await window.acquire()
                } catch {
                    return nil
                }
                defer { window.release() }
                let outcome = await poller.poll(client, clock: clock)
                return (index, poller, outcome)
            }
        }
        while let result = await group.next() {
            guard let (index, poller, outcome) = result else { continue }
            updated[index] = poller
            tally.add(outcome)
        }
    }
    return (updated, tally)
}

/// getrusage(RUSAGE_SELF) and the wall clock at one instant.
struct Usage {
    var wall: Double
    var user: Double
    var system: Double
    var maxRSSKilobytes: Int

    static func now() -> Usage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Usage(
            wall: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9,
            user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            system: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            maxRSSKilobytes: Int(usage.ru_maxrss)
        )
    }

    /// Wall and CPU since `start`; peak RSS so far.
    func since(_ start: Usage) -> Delta {
        Delta(
            wall: self.wall - start.wall,
            user: self.user - start.user,
            system: self.system - start.system,
            maxRSSKilobytes: self.maxRSSKilobytes
        )
    }

    struct Delta {
        var wall: Double
        var user: Double
        var system: Double
        var maxRSSKilobytes: Int
        var cpu: Double { self.user + self.system }

        var fields: String {
            String(
                format: "wall_s=%.3f user_s=%.3f sys_s=%.3f cpu_s=%.3f max_rss_kb=%d",
                self.wall,
                self.user,
                self.system,
                self.cpu,
                self.maxRSSKilobytes
            )
        }
    }
}

/// utime + stime of `pids` (from /proc/PID/stat), in seconds; processes that are gone count 0.
func processCPUSeconds(_ pids: [Int32]) -> Double {
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    var total = 0.0
    for pid in pids {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { continue }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        total += (user + system) / ticksPerSecond
    }
    return total
}
