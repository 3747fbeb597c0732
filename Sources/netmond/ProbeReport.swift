import Foundation
import NetmonCore
import SNMPPoller

/// What `netmond probe` prints: a readable table or a JSON document of a stable shape
/// (documented in docs/PROBE.md; keys are only ever added).
struct ProbeReport: Encodable {
    struct Target: Encodable {
        var address: String
        var port: Int
        var version: String
    }

    struct System: Encodable {
        var sysDescr: String?
        var sysObjectID: String?
        var sysName: String?
        var sysLocation: String?
        var sysContact: String?
        var sysUpTimeSeconds: Double?
    }

    struct Interface: Encodable {
        var ifIndex: Int
        var name: String?
        var descr: String?
        var alias: String?
        var type: Int?
        var speedBps: UInt64?
        var adminStatus: String?
        var operStatus: String?
        var hcCounters: Bool
        /// Last raw counter values read, by metric.
        var counters: [String: UInt64]
        /// Per-second rates between the two polls, by metric (absent when a gap).
        var rates: [String: Double]
    }

    struct Value: Encodable {
        var metric: String
        var instance: String
        var unit: String
        var value: Double
    }

    struct Event: Encodable {
        var kind: String
        var time: Int64
        var ifIndex: Int?
        var message: String
    }

    struct Poll: Encodable {
        var startedAt: Int64
        var durationMs: Double
        var varbinds: Int
        var gaps: Int
        var error: String?
    }

    var schemaVersion = 1
    var target: Target
    var system: System?
    var interfaces: [Interface]
    var health: [Value]
    var events: [Event]
    var polls: [Poll]

    init(device: MonitoredDevice, poller: DevicePoller, outcomes: [DevicePoller.Outcome]) {
        self.target = Target(
            address: device.address,
            port: device.settings.port,
            version: device.settings.version.rawValue
        )
        let discovery = poller.state.discovery
        self.system = discovery.map {
            System(
                sysDescr: $0.system.sysDescr,
                sysObjectID: $0.system.sysObjectID,
                sysName: $0.system.sysName,
                sysLocation: $0.system.sysLocation,
                sysContact: $0.system.sysContact,
                sysUpTimeSeconds: $0.system.sysUpTime.map { Double($0) / 100 }
            )
        }
        let last = outcomes.last?.measurements ?? []
        self.interfaces = (discovery?.interfaces ?? []).map { interface in
            var counters: [String: UInt64] = [:]
            for counter in InterfaceCounter.all {
                counters[counter.metric] = poller.state.lastCounterValue(
                    metric: counter.metric,
                    ifIndex: interface.ifIndex
                )
            }
            let rates = Dictionary(
                last.filter { $0.ifIndex == interface.ifIndex && $0.metric != "if_oper_status" }.map {
                    ($0.metric, $0.value)
                }
            ) { first, _ in first }
            return Interface(
                ifIndex: interface.ifIndex,
                name: interface.name,
                descr: interface.descr,
                alias: interface.alias,
                type: interface.type,
                speedBps: interface.speedBitsPerSecond,
                adminStatus: interface.adminStatus.map(OperStatus.name),
                operStatus: interface.operStatus.map(OperStatus.name),
                hcCounters: interface.hasHCCounters,
                counters: counters,
                rates: rates
            )
        }
        self.health = last.filter { $0.ifIndex == nil }.sorted { ($0.metric, $0.instance) < ($1.metric, $1.instance) }
            .map {
                Value(metric: $0.metric, instance: $0.instance, unit: $0.unit, value: $0.value)
            }
        self.events = outcomes.flatMap(\.events).map {
            Event(kind: $0.kind.rawValue, time: $0.time, ifIndex: $0.ifIndex, message: $0.message)
        }
        self.polls = outcomes.map {
            Poll(
                startedAt: $0.report.startedAt,
                durationMs: Double($0.report.duration.components.attoseconds) / 1e15
                    + Double($0.report.duration.components.seconds) * 1000,
                varbinds: $0.report.varBinds,
                gaps: $0.report.gaps,
                error: $0.report.error
            )
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func table() -> String {
        var lines: [String] = []
        lines.append("target  \(self.target.address):\(self.target.port) SNMP v\(self.target.version)")
        if let system = self.system {
            lines.append("sysName     \(Self.clean(system.sysName))")
            lines.append("sysDescr    \(Self.clean(system.sysDescr))")
            lines.append("sysObjectID \(Self.clean(system.sysObjectID))")
            lines.append("sysLocation \(Self.clean(system.sysLocation))")
            lines.append("sysContact  \(Self.clean(system.sysContact))")
            lines.append("sysUpTime   \(system.sysUpTimeSeconds.map { Self.duration($0) } ?? "-")")
        }
        lines.append("")
        let header = [
            "ifIndex", "name", "alias", "speed", "admin/oper", "in octets", "out octets", "in bit/s", "out bit/s",
            "in %", "out %", "in err/s", "out err/s",
        ]
        var rows: [[String]] = [header]
        for interface in self.interfaces {
            rows.append([
                "\(interface.ifIndex)", Self.clean(interface.name ?? interface.descr), Self.clean(interface.alias),
                interface.speedBps.map(Self.bits) ?? "-",
                "\(interface.adminStatus ?? "-")/\(interface.operStatus ?? "-")",
                interface.counters["if_in_octets"].map { "\($0)" } ?? "-",
                interface.counters["if_out_octets"].map { "\($0)" } ?? "-",
                interface.rates["if_in_octets"].map { Self.bits($0 * 8) } ?? "-",
                interface.rates["if_out_octets"].map { Self.bits($0 * 8) } ?? "-",
                interface.rates["if_in_utilization_percent"].map { String(format: "%.2f", $0) } ?? "-",
                interface.rates["if_out_utilization_percent"].map { String(format: "%.2f", $0) } ?? "-",
                interface.rates["if_in_errors"].map { String(format: "%.2f", $0) } ?? "-",
                interface.rates["if_out_errors"].map { String(format: "%.2f", $0) } ?? "-",
            ])
        }
        lines += Self.align(rows)
        if !self.health.isEmpty {
            lines.append("")
            lines += Self.align(
                [["health", "instance", "value", "unit"]]
                    + self.health.map {
                        [$0.metric, Self.clean($0.instance), String(format: "%.2f", $0.value), $0.unit]
                    }
            )
        }
        if !self.events.isEmpty {
            lines.append("")
            lines += self.events.map { "event \($0.kind): \(Self.clean($0.message))" }
        }
        lines.append("")
        for (number, poll) in self.polls.enumerated() {
            let outcome = poll.error.map { "FAILED: \($0)" } ?? "ok"
            lines.append(
                "poll \(number + 1): \(String(format: "%.1f", poll.durationMs)) ms, \(poll.varbinds) varbinds, "
                    + "\(poll.gaps) gaps, \(outcome)"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Device-supplied text shown on a terminal: control characters (escape sequences) removed.
    private static func clean(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 })
        )
    }

    private static func bits(_ value: Double) -> String {
        let units = [(1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (size, suffix) in units where value >= size { return String(format: "%.2f %@", value / size, suffix) }
        return String(format: "%.0f ", value)
    }

    private static func bits(_ value: UInt64) -> String {
        self.bits(Double(value))
    }

    private static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        return "\(total / 86400)d \(total % 86400 / 3600)h \(total % 3600 / 60)m \(total % 60)s"
    }

    private static func align(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
