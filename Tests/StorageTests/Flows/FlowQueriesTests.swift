import NetmonCore
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@testable import Storage

@Suite("FlowQueries")
struct FlowQueriesTests {
    /// Writes `records` through a ``FlowWriter`` keeping `topKeys` keys per minute.
    static func store(_ records: [FlowRecord], topKeys: Int, into database: NetmonDatabase) async throws {
        let configuration = FlowStorageConfiguration(topKeysPerMinute: topKeys, queueCapacity: 1_000_000)
        let writer = FlowWriter(
            database: database,
            configuration: configuration,
            logger: quietLogger,
            now: { flowBaseTime + 600_000 }
        )
        #expect(writer.submit(records))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    static func matches(_ record: FlowRecord, _ filter: FlowFilter) -> Bool {
        if let exporter = filter.exporter, record.exporter != exporter { return false }
        if let input = filter.inputInterface, record.inputInterface != input { return false }
        if let output = filter.outputInterface, record.outputInterface != output { return false }
        if let prefix = filter.sourcePrefix, !prefix.contains(record.sourceAddress) { return false }
        if let prefix = filter.destinationPrefix, !prefix.contains(record.destinationAddress) { return false }
        if let port = filter.port, record.sourcePort != port, record.destinationPort != port { return false }
        if let ipProtocol = filter.ipProtocol, record.ipProtocol != ipProtocol { return false }
        return true
    }

    /// The entry key a record falls under for `dimension`, computed without SQL.
    static func key(_ record: FlowRecord, _ dimension: FlowDimension) -> FlowTrafficEntry {
        var entry = FlowTrafficEntry(packets: 0, bytes: 0, flows: 0)
        switch dimension {
        case .sourceAddress: entry.sourceAddress = record.sourceAddress
        case .destinationAddress: entry.destinationAddress = record.destinationAddress
        case .conversation:
            let pair = [record.sourceAddress, record.destinationAddress].sorted {
                $0.bytes.lexicographicallyPrecedes($1.bytes)
            }
            entry.sourceAddress = pair[0]
            entry.destinationAddress = pair[1]
        case .sourcePort:
            entry.ipProtocol = record.ipProtocol
            entry.sourcePort = record.sourcePort
        case .destinationPort:
            entry.ipProtocol = record.ipProtocol
            entry.destinationPort = record.destinationPort
        case .ipProtocol: entry.ipProtocol = record.ipProtocol
        case .exporter: entry.exporter = record.exporter.description
        case .inputInterface:
            entry.exporter = record.exporter.description
            entry.inputInterface = record.inputInterface
        case .outputInterface:
            entry.exporter = record.exporter.description
            entry.outputInterface = record.outputInterface
        }
        return entry
    }

    static func bruteForce(
        _ records: [FlowRecord],
        _ dimension: FlowDimension,
        from: Int64,
        to: Int64,
        filter: FlowFilter
    ) -> [FlowTrafficEntry] {
        var totals: [FlowTrafficEntry: FlowCounters] = [:]
        for record in records where record.lastSwitched >= from && record.lastSwitched < to {
            guard Self.matches(record, filter) else { continue }
            totals[Self.key(record, dimension), default: FlowCounters()].add(
                FlowCounters(packets: record.scaledPackets, bytes: record.scaledBytes, flows: 1)
            )
        }
        return totals.map { key, counters in
            var entry = key
            entry.packets = counters.packets
            entry.bytes = counters.bytes
            entry.flows = counters.flows
            return entry
        }
    }

    static let filters: [FlowFilter] = [
        FlowFilter(),
        FlowFilter(exporter: FlowFixtures.exporters[2]),
        FlowFilter(inputInterface: 2),
        FlowFilter(outputInterface: 3, ipProtocol: 17),
        FlowFilter(sourcePrefix: IPPrefix("10.0.1.0/24")!),
        FlowFilter(sourcePrefix: IPPrefix("2001:db8:1::/48")!),
        FlowFilter(destinationPrefix: IPPrefix("2001:db8::/32")!, port: 443),
        FlowFilter(destinationPrefix: IPPrefix("192.168.0.0/29")!),
        FlowFilter(port: 53),
    ]

    @Test("every dimension and filter matches a brute-force computation, from aggregates and raw")
    func matchesBruteForce() async throws {
        try await withTemporaryDatabase { database, _ in
            let records = FlowFixtures.records(count: 6_000, minutes: 5)
            try await Self.store(records, topKeys: 100_000, into: database)
            let queries = FlowQueries(database: database)
            let from = flowBaseTime + 60_000
            let to = flowBaseTime + 4 * 60_000
            for dimension in FlowDimension.allCases {
                for filter in Self.filters {
                    let expected = Self.bruteForce(records, dimension, from: from, to: to, filter: filter)
                    #expect(!expected.isEmpty, "\(dimension) \(filter)")
                    for source in [FlowQuerySource.aggregates, .raw] {
                        let result = try await queries.top(
                            dimension,
                            from: from,
                            to: to,
                            filter: filter,
                            source: source,
                            limit: 10_000
                        )
                        #expect(Set(result) == Set(expected), "\(dimension) \(filter) \(source)")
                        #expect(result.count == expected.count)
                        #expect(zip(result, result.dropFirst()).allSatisfy { $0.bytes >= $1.bytes })
                        let limited = try await queries.top(
                            dimension,
                            from: from,
                            to: to,
                            filter: filter,
                            source: source,
                            limit: 3
                        )
                        #expect(limited == Array(result.prefix(3)))
                    }
                }
            }
        }
    }

    @Test("the named queries answer their dimension")
    func namedQueries() async throws {
        try await withTemporaryDatabase { database, _ in
            let records = FlowFixtures.records(count: 2_000, minutes: 2)
            try await Self.store(records, topKeys: 100_000, into: database)
            let queries = FlowQueries(database: database)
            let (from, to) = (flowBaseTime, flowBaseTime + 120_000)
            let cases: [(FlowDimension, [FlowTrafficEntry])] = [
                (.sourceAddress, try await queries.topTalkers(by: .source, from: from, to: to, limit: 5)),
                (.destinationAddress, try await queries.topTalkers(by: .destination, from: from, to: to, limit: 5)),
                (.conversation, try await queries.topTalkers(by: .conversation, from: from, to: to, limit: 5)),
                (.destinationPort, try await queries.topPorts(from: from, to: to, limit: 5)),
                (.sourcePort, try await queries.topPorts(sourcePorts: true, from: from, to: to, limit: 5)),
                (.ipProtocol, try await queries.topProtocols(from: from, to: to, limit: 5)),
                (.exporter, try await queries.exporterTotals(from: from, to: to)),
                (.inputInterface, try await queries.interfaceTotals(from: from, to: to)),
                (.outputInterface, try await queries.interfaceTotals(output: true, from: from, to: to)),
            ]
            for (dimension, result) in cases {
                let expected = try await queries.top(dimension, from: from, to: to, limit: result.count)
                #expect(result == expected, "\(dimension)")
                #expect(!result.isEmpty)
            }
        }
    }

    @Test(
        "with few top keys (more than the interface pairs), exporter and interface totals stay exact and the rest shows as other"
    )
    func totalsExactWithOther() async throws {
        try await withTemporaryDatabase { database, _ in
            let records = FlowFixtures.records(count: 6_000, minutes: 3)
            try await Self.store(records, topKeys: 30, into: database)
            let queries = FlowQueries(database: database)
            let (from, to) = (flowBaseTime, flowBaseTime + 3 * 60_000)
            for dimension in [FlowDimension.exporter, .inputInterface, .outputInterface] {
                let result = try await queries.top(dimension, from: from, to: to, limit: 1_000)
                let expected = Self.bruteForce(records, dimension, from: from, to: to, filter: FlowFilter())
                #expect(Set(result) == Set(expected), "\(dimension)")
            }
            let talkers = try await queries.topTalkers(by: .source, from: from, to: to, limit: 1_000)
            let other = talkers.filter(\.isOther)
            #expect(other.count == 1)
            #expect(other.first?.sourceAddress == nil)
            var total = FlowCounters()
            for entry in talkers {
                total.add(FlowCounters(packets: entry.packets, bytes: entry.bytes, flows: entry.flows))
            }
            #expect(total == FlowCounters.of(records))
        }
    }

    @Test("prefixes parse, mask and contain like CIDR says")
    func prefixes() {
        let v4 = IPPrefix("10.1.2.3/16")
        #expect(v4?.description == "10.1.0.0/16")
        #expect(v4?.contains(.v4(0x0A01_FFFF)) == true)
        #expect(v4?.contains(.v4(0x0A02_0000)) == false)
        #expect(v4?.upperBoundBytes == [10, 1, 255, 255])
        let v6 = IPPrefix("2001:db8:abcd:12::1/62")
        #expect(v6?.description == "2001:db8:abcd:10::/62")
        #expect(v6?.contains(IPAddress(parsing: "2001:db8:abcd:13:ffff::1")!) == true)
        #expect(v6?.contains(IPAddress(parsing: "2001:db8:abcd:14::")!) == false)
        #expect(v6?.contains(.v4(0)) == false)
        #expect(IPPrefix("::/0")?.contains(.v6(high: .max, low: .max)) == true)
        #expect(IPPrefix("2001:db8::1/128")?.upperBoundBytes == IPAddress(parsing: "2001:db8::1")!.bytes)
        #expect(IPPrefix("::1/96")?.upperBoundBytes == IPAddress(parsing: "::ffff:ffff")!.bytes)
        #expect(IPPrefix("10.0.0.0/33") == nil)
        #expect(IPPrefix("::/129") == nil)
        #expect(IPPrefix("not-an-address/8") == nil)
        #expect(IPPrefix("10.0.0.0/") == nil)
        #expect(IPPrefix("192.0.2.7")?.length == 32)
    }
}
