import Foundation

extension BillingReport {
    /// The report as JSON (keys sorted, so equal reports render equally).
    public func renderJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The report as CSV (RFC 4180): a `group` row with the totals, then one `port` row per port.
    ///
    /// Columns: scope, interface_id, name, from_ms, to_ms, method, slots, missing, in_p95_bps,
    /// out_p95_bps, max_p95_bps, sum_p95_bps, billed_bps, in_bytes, out_bytes. Unknown values are
    /// empty; names are quoted and their quotes doubled.
    public func renderCSV() -> String {
        var lines = [
            "scope,interface_id,name,from_ms,to_ms,method,slots,missing,in_p95_bps,out_p95_bps,max_p95_bps,"
                + "sum_p95_bps,billed_bps,in_bytes,out_bytes"
        ]
        let group: [String] = [
            "group", "", Self.csvField(self.subject), "\(self.from)", "\(self.to)", self.method.rawValue,
            "\(self.slotsInPeriod)", "\(self.missingSamples)", Self.number(self.inboundP95BitsPerSecond),
            Self.number(self.outboundP95BitsPerSecond), Self.number(self.maxP95BitsPerSecond),
            Self.number(self.sumP95BitsPerSecond), Self.number(self.billedBitsPerSecond),
            Self.number(self.inboundBytes), Self.number(self.outboundBytes),
        ]
        lines.append(group.joined(separator: ","))
        for port in self.ports {
            let row: [String] = [
                "port", "\(port.interfaceID)", Self.csvField(port.name), "\(self.from)", "\(self.to)",
                self.method.rawValue, "\(self.slotsInPeriod)", "\(port.missingInbound + port.missingOutbound)",
                Self.number(port.inboundP95BitsPerSecond), Self.number(port.outboundP95BitsPerSecond), "", "", "",
                Self.number(port.inboundBytes), Self.number(port.outboundBytes),
            ]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func csvField(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}
