import Foundation
import NetmonCore
import NetmonTesting

/// Access to the committed fixtures under Tests/Fixtures/flows.
enum Fixtures {
    /// The fixture directory, found relative to this source file.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/flows")

    /// The export captures and the dissector tshark used for each.
    static let cflowCaptures = [
        "softflowd-v5", "softflowd-v9", "softflowd-ipfix", "pmacct-ipfix",
        "softflowd-v9-sampled", "softflowd-ipfix-sampled", "pmacct-v9-sampled",
    ]
    static let sflowCaptures = ["pmacct-sflow"]

    /// The bytes of one fixture file.
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: self.directory.appendingPathComponent(name)))
    }

    /// The UDP datagrams of `NAME.pcap`.
    static func datagrams(_ name: String) throws -> [PcapFile.Datagram] {
        try PcapFile(bytes: self.bytes(name + ".pcap")).udpDatagrams()
    }

    /// The rows of `NAME.expected.tsv` (tshark's decode) as dictionaries keyed by column name.
    static func expectedRows(_ name: String) throws -> [[String: String]] {
        let text = try String(
            contentsOf: self.directory.appendingPathComponent(name + ".expected.tsv"),
            encoding: .utf8
        )
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return lines.map { line in
            let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (index, key) in header.enumerated() { row[key] = index < values.count ? values[index] : "" }
            return row
        }
    }
}

extension Fixtures {
    /// One flow the traffic generator wrote (Tests/Fixtures/flows/traffic.truth.tsv).
    struct TruthFlow {
        var source: String
        var destination: String
        var packets: UInt64
    }

    /// The generator's ground truth.
    static func expectedTruth() throws -> [TruthFlow] {
        let text = try String(contentsOf: self.directory.appendingPathComponent("traffic.truth.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let values = line.split(separator: "\t").map(String.init)
            return TruthFlow(source: values[0], destination: values[1], packets: UInt64(values[5]) ?? 0)
        }
    }
}
