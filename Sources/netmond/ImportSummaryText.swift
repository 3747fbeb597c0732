import FlowCollector
import Foundation

/// The text form of an ``ImportSummary``.
enum ImportSummaryText {
    static func render(_ summary: ImportSummary) -> String {
        var lines: [String] = []
        lines.append("file:          \(summary.file) (\(summary.fileBytes) bytes), read as \(summary.mode)")
        let rate = summary.elapsedSeconds > 0 ? Double(summary.packetsRead) / summary.elapsedSeconds : 0
        lines.append(
            "packets read:  \(summary.packetsRead) in \(String(format: "%.2f", summary.elapsedSeconds)) s (\(Int(rate)) packets/s)"
        )
        lines.append("flows:         \(summary.flows), \(summary.packets) packets, \(summary.bytes) bytes")
        if summary.flows > 0 {
            lines.append("time:          \(self.time(summary.firstSeen)) to \(self.time(summary.lastSeen))")
        }
        let drops = summary.drops
        if summary.mode == "packets" {
            lines.append(
                "not in flows:  \(drops.notIP) not IP, \(drops.truncated) truncated, \(drops.malformed) malformed; \(summary.laterFragments) later fragments, \(drops.evictedFlows) flows evicted"
            )
        } else {
            lines.append(
                "not in flows:  \(drops.notExport) packets not to a collector port, \(drops.undecodableDatagrams) undecodable datagrams"
            )
        }
        if summary.stored > 0 || summary.storeDropped > 0 {
            lines.append("stored:        \(summary.stored) flows (\(summary.storeDropped) dropped)")
        }
        let approximate = summary.topApproximate ? " (approximate)" : ""
        if !summary.topTalkers.isEmpty {
            lines.append("top talkers\(approximate):")
            for talker in summary.topTalkers {
                lines.append(
                    "  \(talker.address.padding(toLength: 40, withPad: " ", startingAt: 0)) \(talker.bytes) bytes, \(talker.packets) packets, \(talker.flows) flows"
                )
            }
        }
        if !summary.topPorts.isEmpty {
            lines.append("top ports\(approximate):")
            for port in summary.topPorts {
                let name = "\(self.protocolName(port.protocol))/\(port.port)"
                lines.append(
                    "  \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(port.bytes) bytes, \(port.packets) packets, \(port.flows) flows"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func protocolName(_ number: UInt8) -> String {
        switch number {
        case 6: return "tcp"
        case 17: return "udp"
        case 1: return "icmp"
        case 58: return "icmpv6"
        case 132: return "sctp"
        default: return "ip\(number)"
        }
    }

    private static func time(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}

/// The progress line `netmond import` keeps rewriting on a terminal.
enum ImportProgressLine {
    static func show(_ progress: PcapImporter.Progress) {
        let percent = progress.fileBytes > 0 ? Double(progress.position) * 100 / Double(progress.fileBytes) : 0
        let rate = progress.elapsedSeconds > 0 ? Double(progress.packets) / progress.elapsedSeconds : 0
        let line = String(
            format: "\r%llu packets  %5.1f%%  %.0f packets/s ",
            progress.packets,
            percent,
            rate
        )
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
