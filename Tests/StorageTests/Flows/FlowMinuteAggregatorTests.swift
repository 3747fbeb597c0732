import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("FlowMinuteAggregator")
struct FlowMinuteAggregatorTests {
    /// Records with `keyCount` distinct source addresses, one exporter, in one minute.
    static func manyKeys(_ keyCount: Int, exporter: IPAddress = .v4(0x7F00_0001), seed: UInt64 = 1) -> [FlowRecord] {
        var random = SeededGenerator(seed: seed)
        return (0..<(keyCount * 3)).map { index in
            FlowRecord(
                origin: .netflow9,
                exporter: exporter,
                sourceAddress: .v4(0x0A00_0000 | UInt32(index % keyCount)),
                destinationAddress: .v4(0xC0A8_0001),
                destinationPort: 80,
                ipProtocol: 6,
                packets: UInt64.random(in: 1...10, using: &random),
                bytes: UInt64.random(in: 40...10_000, using: &random),
                lastSwitched: flowBaseTime + Int64(index % 60_000),
                inputInterface: UInt32(index % 3),
                samplingRate: UInt32(1 + index % 5)
            )
        }
    }

    @Test("top-K plus other rows keep every total exact with more keys than K")
    func topKKeepsTotals() {
        let records = FlowFixtures.records(count: 20_000, minutes: 3) + Self.manyKeys(5_000)
        var aggregator = FlowMinuteAggregator(topKeys: 50, maximumKeys: 1_000_000)
        aggregator.add(records, receivedAt: flowBaseTime)
        let rows = aggregator.closeAll()
        #expect(aggregator.openBucketCount == 0)

        var total = FlowCounters()
        for row in rows { total.add(row.counters) }
        #expect(total == FlowCounters.of(records))

        // Per (minute, exporter): exact sums, at most K key rows, and they are the K largest keys.
        let groups = Dictionary(grouping: records) {
            "\(FlowMinuteAggregator.minute(of: $0, receivedAt: 0)) \($0.exporter)"
        }
        for (group, members) in groups {
            let groupRows = rows.filter { "\($0.minute) \($0.exporter)" == group }
            var sum = FlowCounters()
            for row in groupRows { sum.add(row.counters) }
            #expect(sum == FlowCounters.of(members), "group \(group)")
            let keyRows = groupRows.filter { !$0.isOther }
            #expect(keyRows.count == min(50, Set(members.map(FlowMinuteKey.init)).count))
            #expect(groupRows.count <= 2 * 50 + 1)
            let perKey = Dictionary(grouping: members, by: FlowMinuteKey.init).mapValues { FlowCounters.of($0) }
            let smallestKept = keyRows.map(\.counters.bytes).min() ?? 0
            let keptKeys = Set(
                keyRows.map { row in
                    perKey.first { key, _ in
                        key.sourceAddress == row.sourceAddress && key.destinationAddress == row.destinationAddress
                            && key.sourcePort == row.sourcePort && key.destinationPort == row.destinationPort
                            && key.ipProtocol == row.ipProtocol && key.inputInterface == row.inputInterface
                            && key.outputInterface == row.outputInterface && key.direction == row.direction
                    }!.key
                }
            )
            for (key, counters) in perKey where !keptKeys.contains(key) {
                #expect(counters.bytes <= smallestKept)
            }
            for row in keyRows {
                let key = keptKeys.first {
                    $0.sourceAddress == row.sourceAddress && $0.destinationAddress == row.destinationAddress
                        && $0.sourcePort == row.sourcePort && $0.destinationPort == row.destinationPort
                        && $0.ipProtocol == row.ipProtocol && $0.inputInterface == row.inputInterface
                        && $0.outputInterface == row.outputInterface && $0.direction == row.direction
                }!
                #expect(perKey[key] == row.counters)
            }
        }
    }

    @Test("memory stays bounded under a scan: folding keeps totals exact")
    func foldingBoundsMemory() {
        let records = Self.manyKeys(50_000)
        var aggregator = FlowMinuteAggregator(topKeys: 10, maximumKeys: 500)
        for chunk in stride(from: 0, to: records.count, by: 1_000) {
            aggregator.add(records[chunk..<min(chunk + 1_000, records.count)], receivedAt: flowBaseTime)
            #expect(aggregator.trackedKeyCount <= 500 + 3)
        }
        let rows = aggregator.closeAll()
        var total = FlowCounters()
        for row in rows { total.add(row.counters) }
        #expect(total == FlowCounters.of(records))
        #expect(rows.filter { !$0.isOther }.count == 10)
        #expect(rows.filter(\.isOther).count == 3)  // one per input interface
    }

    @Test("a minute closes only once the wall clock is the close delay past its end")
    func closeDelay() {
        var aggregator = FlowMinuteAggregator(topKeys: 10)
        let record = FlowRecord(origin: .netflow5, exporter: .v4(1), bytes: 100, lastSwitched: flowBaseTime + 30_000)
        aggregator.add(record, receivedAt: flowBaseTime)
        #expect(aggregator.closeMinutes(now: flowBaseTime + 60_000 + 119_999).isEmpty)
        let rows = aggregator.closeMinutes(now: flowBaseTime + 180_000)
        #expect(rows.count == 1)
        #expect(rows.first?.minute == flowBaseTime)
        // A record without a time counts in the minute it was received.
        aggregator.add(FlowRecord(origin: .pcap, exporter: .v4(1), bytes: 1), receivedAt: flowBaseTime + 61_000)
        #expect(aggregator.closeAll().first?.minute == flowBaseTime + 60_000)
    }

    @Test("sampling scales exactly: rate 4 counts 4 times, and saturates instead of wrapping")
    func samplingScaling() {
        var aggregator = FlowMinuteAggregator(topKeys: 10)
        let record = FlowRecord(
            origin: .sflow,
            exporter: .v4(1),
            packets: 3,
            bytes: 1_500,
            lastSwitched: flowBaseTime,
            samplingRate: 4
        )
        aggregator.add(Array(repeating: record, count: 4), receivedAt: flowBaseTime)
        let huge = FlowRecord(
            origin: .sflow,
            exporter: .v4(2),
            packets: UInt64.max / 2,
            bytes: UInt64.max / 2,
            lastSwitched: flowBaseTime,
            samplingRate: 4
        )
        aggregator.add(huge, receivedAt: flowBaseTime)
        let rows = aggregator.closeAll()
        #expect(rows.first { $0.exporter == "0.0.0.1" }?.counters == FlowCounters(packets: 48, bytes: 24_000, flows: 4))
        #expect(rows.first { $0.exporter == "0.0.0.2" }?.counters == FlowCounters(packets: .max, bytes: .max, flows: 1))
    }
}

extension FlowMinuteAggregatorTests {
    @Test("minutes far ahead of the wall clock close at once instead of piling up")
    func futureMinutesClose() {
        var aggregator = FlowMinuteAggregator(topKeys: 10)
        let future = FlowRecord(origin: .netflow9, exporter: .v4(1), bytes: 10, lastSwitched: flowBaseTime + 3_600_000)
        let near = FlowRecord(origin: .netflow9, exporter: .v4(1), bytes: 20, lastSwitched: flowBaseTime + 60_000)
        aggregator.add([future, near], receivedAt: flowBaseTime)
        let rows = aggregator.closeMinutes(now: flowBaseTime)
        #expect(rows.map(\.minute) == [flowBaseTime + 3_600_000])
        #expect(aggregator.openBucketCount == 1)
    }

    @Test("raw sums that overflow 64 bits clamp instead of trapping")
    func counterClamps() {
        #expect(FlowQueries.counter(DatabaseValue(value: Int64(5))!) == 5)
        #expect(FlowQueries.counter(DatabaseValue(value: 3.0e19)!) == UInt64.max)
        #expect(FlowQueries.counter(.null) == 0)
    }
}
