import Foundation
import Hummingbird
import NIOCore
import Storage

/// `GET /metrics/devices`: the latest polled values of the caller's organisation in the
/// Prometheus text format, named and labelled like snmp_exporter's (device, ifIndex, ifName,
/// ifAlias, ifDescr), for a central Prometheus to scrape. Needs a bearer token or API key.
struct DeviceMetricsRoutes {
    let telemetry: TelemetryStore

    func register(on api: APIRouteBuilder) {
        api.add(
            .get,
            "/metrics/devices",
            access: .role(.viewer),
            summary: "Polled device data in the Prometheus text exposition format",
            operation: .init(response: "PrometheusText")
        ) { _, _, principal in
            let scope = principal!.organisationScope
            let text = Self.render(
                values: try await self.telemetry.latestValues(organisationID: scope),
                reachability: try await self.telemetry.reachability(organisationID: scope)
            )
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
    }

    /// The exposition text (pure: tested alone).
    static func render(values: [TelemetryStore.LatestValue], reachability: [(name: String, reachable: Bool?)]) -> String
    {
        var out = "# HELP netmond_device_up 1 when the device answered its last poll, 0 when it is unreachable.\n"
        out += "# TYPE netmond_device_up gauge\n"
        for device in reachability {
            guard let reachable = device.reachable else { continue }
            out += "netmond_device_up{device=\"\(self.escape(device.name))\"} \(reachable ? 1 : 0)\n"
        }
        var current = ""
        for value in values where value.value.isFinite {
            let name = self.metricName(value.metric, unit: value.unit)
            if name != current {
                current = name
                let unit = value.unit.isEmpty ? "" : " (\(value.unit))"
                out += "# HELP \(name) netmond \(value.metric)\(self.escapeHelp(unit)), latest polled value.\n"
                out += "# TYPE \(name) gauge\n"
            }
            var labels = [("device", value.deviceName)]
            if let index = value.ifIndex {
                labels.append(("ifIndex", String(index)))
                labels.append(("ifName", value.ifName ?? ""))
                labels.append(("ifAlias", value.ifAlias ?? ""))
                labels.append(("ifDescr", value.ifDescr ?? ""))
            }
            if !value.instance.isEmpty { labels.append(("instance_name", value.instance)) }
            let rendered = labels.map { "\($0.0)=\"\(self.escape($0.1))\"" }.joined(separator: ",")
            out += "\(name){\(rendered)} \(JSONValue.format(value.value)) \(value.time)\n"
        }
        return out
    }

    /// `netmond_<metric>`, with `_per_second` for rates, restricted to `[a-zA-Z0-9_]`.
    static func metricName(_ metric: String, unit: String) -> String {
        let cleaned = String(metric.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        let suffix = unit.hasSuffix("/s") && !cleaned.hasSuffix("_per_second") ? "_per_second" : ""
        return "netmond_\(cleaned)\(suffix)"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
