import Foundation
import GRDB
import NetmonCore
import Testing

@testable import Storage

/// The packed raw layout (schema v8) against the row-per-record layout it replaced: the same
/// random records stored both ways must give the same answers to every raw query.
@Suite("Packed raw flows equal the old layout")
struct FlowRawEquivalenceTests {
    static let exporters: [IPAddress] = [.v4(0x7F00_0001), .v4(0x7F00_0002), .v6(high: 0, low: 1), .v4(0x0A00_0001)]
    /// Few addresses, so keys repeat; v6 ones whose first four bytes equal a v4 one, so the BLOB
    /// order of a shorter prefix is exercised.
    static let addresses: [IPAddress] = [
        .v4(0x0A00_0001), .v4(0x0A00_0002), .v4(0x0A00_0105), .v4(0xC0A8_0001), .v4(0),
        .v6(high: 0x0A00_0001_0000_0000, low: 1), .v6(high: 0x0A00_0000_FFFF_0000, low: 0),
        .v6(high: 0x2001_0DB8_0000_0000, low: 1), .v6(high: 0x2001_0DB8_0001_0000, low: 2),
    ]
    static let receivedAt = flowBaseTime + 10 * 60_000 + 123

    /// Records with small counters (many ties in bytes), all over 30 minutes, a few without times.
    static func records(count: Int, seed: UInt64) -> [FlowRecord] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let source = Self.addresses[Int.random(in: 0..<Self.addresses.count, using: &random)]
            let destination = Self.addresses[Int.random(in: 0..<Self.addresses.count, using: &random)]
            let noTime = Int.random(in: 0..<20, using: &random) == 0
            let last = noTime ? 0 : flowBaseTime + Int64.random(in: 0..<(30 * 60_000), using: &random)
            return FlowRecord(
                origin: FlowOrigin.allCases[Int.random(in: 0..<FlowOrigin.allCases.count, using: &random)],
                exporter: Self.exporters[Int.random(in: 0..<Self.exporters.count, using: &random)],
                observationDomain: UInt32.random(in: 0...2, using: &random) << 30,
                ipVersion: source.version,
                sourceAddress: source,
                destinationAddress: destination,
                sourcePort: [0, 53, 80, 443, 65_535][Int.random(in: 0..<5, using: &random)],
                destinationPort: [0, 53, 80, 443][Int.random(in: 0..<4, using: &random)],
                ipProtocol: [6, 17, 1, 255][Int.random(in: 0..<4, using: &random)],
                tcpFlags: UInt8.random(in: 0...255, using: &random),
                packets: UInt64.random(in: 1...3, using: &random),
                bytes: UInt64.random(in: 1...4, using: &random)
                    * [1, 1_000_000][Int.random(in: 0..<2, using: &random)],
                firstSwitched: noTime ? 0 : last - Int64.random(in: 0...90_000, using: &random),
                lastSwitched: last,
                inputInterface: [0, 1, 2, UInt32.max][Int.random(in: 0..<4, using: &random)],
                outputInterface: UInt32.random(in: 0...3, using: &random),
                direction: [nil, .ingress, .egress][Int.random(in: 0..<3, using: &random)],
                sourceAS: UInt32.random(in: 0...UInt32.max, using: &random),
                destinationAS: 64_513,
                vlan: Bool.random(using: &random) ? UInt16.random(in: 0...4095, using: &random) : nil,
                samplingRate: [1, 2, 1_000_000][Int.random(in: 0..<3, using: &random)],
                samplingSource: .flowRecord
            )
        }
    }

    static let filters: [FlowFilter] =
        FlowQueriesTests.filters + [
            FlowFilter(exporter: .v4(0x0A00_0001)),
            FlowFilter(exporter: .v4(0x0A00_0009)),
            FlowFilter(inputInterface: UInt32.max),
            FlowFilter(sourcePrefix: IPPrefix("10.0.0.0/8")!, port: 0),
            FlowFilter(sourcePrefix: IPPrefix("a00:1::/32")!),
            FlowFilter(destinationPrefix: IPPrefix("0.0.0.0/0")!, ipProtocol: 255),
            FlowFilter(destinationPrefix: IPPrefix("::/0")!),
            FlowFilter(exporter: .v6(high: 0, low: 1), outputInterface: 2, port: 443),
        ]

    /// Ranges: whole minutes, cut through minutes, one millisecond, around the time-less records.
    static let ranges: [(Int64, Int64)] = [
        (flowBaseTime, flowBaseTime + 30 * 60_000),
        (flowBaseTime - 3_600_000, flowBaseTime + 3_600_000),
        (flowBaseTime + 61_234, flowBaseTime + 7 * 60_000 + 5),
        (flowBaseTime + 9 * 60_000 + 59_999, flowBaseTime + 11 * 60_000 + 1),
        (Self.receivedAt, Self.receivedAt + 1),
        (flowBaseTime + 29 * 60_000, flowBaseTime + 90 * 60_000),
        (flowBaseTime + 45 * 60_000, flowBaseTime + 50 * 60_000),
    ]

    @Test("every dimension, filter, range and limit gives the same entries in the same order", arguments: [1, 2])
    func sameAnswers(seed: UInt64) async throws {
        try await withTemporaryDatabase { database, _ in
            let records = Self.records(count: 4_000, seed: seed)
            try await database.pool.write { db in
                try LegacyRawFlows.create("legacy_flows_raw", in: db)
                // Stored in uneven batches, as the writer's transactions would.
                var start = 0
                var random = SeededGenerator(seed: seed)
                while start < records.count {
                    let end = min(records.count, start + Int.random(in: 1...900, using: &random))
                    try FlowBatchInserter.insertRaw(records[start..<end], receivedAt: Self.receivedAt, db: db)
                    try LegacyRawFlows.insert(
                        Array(records[start..<end]),
                        receivedAt: Self.receivedAt,
                        into: "legacy_flows_raw",
                        db: db
                    )
                    start = end
                }
            }
            let compared = try await database.pool.read { db in
                var compared = 0
                for (from, to) in Self.ranges {
                    for dimension in FlowDimension.allCases {
                        for filter in Self.filters {
                            for limit in [10_000, 7, 1] {
                                let expected = try LegacyRawFlows.top(
                                    dimension,
                                    from: from,
                                    to: to,
                                    filter: filter,
                                    limit: limit,
                                    table: "legacy_flows_raw",
                                    db: db
                                )
                                let packed = try FlowQueries.rawTop(
                                    dimension,
                                    from: from,
                                    to: to,
                                    filter: filter,
                                    limit: limit,
                                    in: db
                                )
                                #expect(packed == expected, "\(dimension) \(filter) [\(from), \(to)) limit \(limit)")
                                compared += expected.count
                            }
                        }
                    }
                }
                return compared
            }
            #expect(compared > 10_000)
            // The public route through FlowQueries (with enrichment) agrees too.
            let queries = FlowQueries(database: database)
            let viaAPI = try await queries.topTalkers(
                by: .conversation,
                from: flowBaseTime,
                to: flowBaseTime + 30 * 60_000,
                source: .raw,
                limit: 50
            )
            let legacy = try await database.pool.read { db in
                try LegacyRawFlows.top(
                    .conversation,
                    from: flowBaseTime,
                    to: flowBaseTime + 30 * 60_000,
                    filter: FlowFilter(),
                    limit: 50,
                    table: "legacy_flows_raw",
                    db: db
                )
            }
            #expect(viaAPI == legacy)
        }
    }

    @Test("the export gives back every stored field of the records in the range")
    func exportRoundTrips() async throws {
        try await withTemporaryDatabase { database, _ in
            let records = Self.records(count: 3_000, seed: 3)
            try await database.pool.write { db in
                try FlowBatchInserter.insertRaw(records[...], receivedAt: Self.receivedAt, db: db)
            }
            let queries = FlowQueries(database: database)
            let (from, to) = (flowBaseTime + 90_000, flowBaseTime + 20 * 60_000)
            let filter = FlowFilter(port: 443)
            let exported = try await queries.rawFlows(from: from, to: to, filter: filter)
            let expected = records.map { Self.stored($0) }.filter {
                $0.lastSwitched >= from && $0.lastSwitched < to && FlowQueriesTests.matches($0, filter)
            }
            #expect(exported.count == expected.count)
            #expect(Self.multiset(exported) == Self.multiset(expected))
            #expect(
                zip(exported, exported.dropFirst()).allSatisfy {
                    FlowPacker.minute(of: $0.lastSwitched) <= FlowPacker.minute(of: $1.lastSwitched)
                }
            )
            let limited = try await queries.rawFlows(from: from, to: to, filter: filter, limit: 10)
            #expect(limited == Array(exported.prefix(10)))
        }
    }

    /// A record as the raw store keeps it: `last_ms` filled in, the fields not stored at defaults.
    static func stored(_ record: FlowRecord) -> FlowRecord {
        var record = record
        if record.lastSwitched <= 0 { record.lastSwitched = Self.receivedAt }
        record.nextHop = nil
        record.tos = 0
        record.samplingSource = .none
        return record
    }

    static func multiset(_ records: [FlowRecord]) -> [FlowRecord: Int] {
        records.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
