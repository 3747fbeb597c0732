import NetmonCore

@testable import Storage

/// A small deterministic random generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// 2026-11-28T12:00:00Z in epoch milliseconds: a minute boundary.
let flowBaseTime: Int64 = 1_795_867_200_000

enum FlowFixtures {
    static let exporters: [IPAddress] = [.v4(0x7F00_0001), .v4(0x7F00_0002), .v6(high: 0, low: 1)]

    /// `count` varied records: IPv4 and IPv6, three exporters, a few interfaces, ports, protocols
    /// and sampling rates, `lastSwitched` spread over `minutes` minutes from ``flowBaseTime``.
    static func records(count: Int, minutes: Int = 5, seed: UInt64 = 42) -> [FlowRecord] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let v6 = Int.random(in: 0..<4, using: &random) == 0
            let source: IPAddress =
                v6
                ? .v6(
                    high: 0x2001_0db8_0000_0000 | UInt64.random(in: 0..<4, using: &random) << 16,
                    low: UInt64.random(in: 1...20, using: &random)
                )
                : .v4(
                    0x0A00_0000 | UInt32.random(in: 0..<4, using: &random) << 8
                        | UInt32.random(in: 1...20, using: &random)
                )
            let destination: IPAddress =
                v6
                ? .v6(high: 0x2001_0db8_0001_0000, low: UInt64.random(in: 1...10, using: &random))
                : .v4(0xC0A8_0000 | UInt32.random(in: 1...10, using: &random))
            let ipProtocol: UInt8 = [6, 17, 1][Int.random(in: 0..<3, using: &random)]
            let last = flowBaseTime + Int64.random(in: 0..<(Int64(minutes) * 60_000), using: &random)
            return FlowRecord(
                origin: .ipfix,
                exporter: Self.exporters[Int.random(in: 0..<Self.exporters.count, using: &random)],
                observationDomain: 7,
                ipVersion: v6 ? 6 : 4,
                sourceAddress: source,
                destinationAddress: destination,
                sourcePort: [80, 443, 53, 12345][Int.random(in: 0..<4, using: &random)],
                destinationPort: [80, 443, 53, 22][Int.random(in: 0..<4, using: &random)],
                ipProtocol: ipProtocol,
                tcpFlags: ipProtocol == 6 ? 0x1B : 0,
                packets: UInt64.random(in: 1...100, using: &random),
                bytes: UInt64.random(in: 40...150_000, using: &random),
                firstSwitched: last - 1_000,
                lastSwitched: last,
                inputInterface: UInt32.random(in: 1...3, using: &random),
                outputInterface: UInt32.random(in: 1...3, using: &random),
                direction: [nil, .ingress, .egress][Int.random(in: 0..<3, using: &random)],
                sourceAS: 64_512,
                destinationAS: 64_513,
                vlan: Bool.random(using: &random) ? 100 : nil,
                samplingRate: [1, 4, 100][Int.random(in: 0..<3, using: &random)],
                samplingSource: .flowRecord
            )
        }
    }
}

extension FlowCounters {
    /// The counters of `records`.
    static func of(_ records: some Sequence<FlowRecord>) -> FlowCounters {
        var counters = FlowCounters()
        for record in records {
            counters.add(FlowCounters(packets: record.scaledPackets, bytes: record.scaledBytes, flows: 1))
        }
        return counters
    }
}
