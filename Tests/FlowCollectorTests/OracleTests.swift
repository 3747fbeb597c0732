import FlowCollector
import NetmonCore
import Testing

/// Decodes the captures of real exporters and compares every record, field by field, with tshark's
/// decode of the same bytes (Tests/Fixtures/flows/*.expected.tsv, made by
/// scripts/fixtures/make-flow-oracles.sh).
@Suite("Decoders agree with tshark on real exporters' captures")
struct OracleTests {
    /// tshark stops reading a NetFlow v9 packet after the header's `count` flowsets; softflowd's
    /// count is short by two in its first packet, and the decoders (like goflow2 and nfdump) read to
    /// the end of the datagram. Records past the count are checked against the generator's truth.
    /// The `-sampled` captures come from exporters sampling 1 in 4 that announce it in options data
    /// (softflowd: samplingInterval; pmacct: samplerId + samplerRandomInterval, and samplerId per flow).
    @Test("NetFlow v5, v9 and IPFIX", arguments: Fixtures.cflowCaptures)
    func cflow(capture: String) throws {
        let expected = try Fixtures.expectedRows(capture)
        let decoded = try FixtureDecoding.decode(capture)
        #expect(!expected.isEmpty)
        let truth = try Fixtures.expectedTruth()
        let rate: UInt32 = capture.hasSuffix("-sampled") ? 4 : 1
        var extras = 0
        for frame in Set(decoded.records.map(\.frame)).union(expected.compactMap { Int($0["frame"] ?? "") }).sorted() {
            let rows = expected.filter { $0["frame"] == String(frame) }
            let records = decoded.records.filter { $0.frame == frame }.map(\.record)
            #expect(records.count >= rows.count, "\(capture) frame \(frame)")
            for (row, record) in zip(rows, records) {
                let context = "\(capture) frame \(frame) \(record.sourceAddress)"
                Self.compare(record, with: row, context: context)
                #expect(record.samplingRate == rate, "\(context)")
                if rate > 1 { #expect(record.samplingSource == .optionsData, "\(context)") }
            }
            for record in records.dropFirst(rows.count) {
                extras += 1
                let known = truth.contains {
                    $0.source == record.sourceAddress.description
                        && $0.destination == record.destinationAddress.description
                }
                #expect(known, "\(capture) frame \(frame): \(record.sourceAddress) is not a generated flow")
            }
        }
        #expect(capture.hasPrefix("softflowd-v9") || extras == 0)
        let stats = decoded.datagrams.map(\.stats)
        #expect(stats.reduce(0) { $0 + $1.templateMisses } == 0)
    }

    private static func compare(_ record: FlowRecord, with row: [String: String], context: String) {
        #expect(record.sourceAddress.description == row["src"], "\(context)")
        #expect(record.destinationAddress.description == row["dst"], "\(context)")
        #expect(String(record.sourcePort) == row["sport"], "\(context)")
        #expect(String(record.destinationPort) == row["dport"], "\(context)")
        #expect(String(record.ipProtocol) == row["proto"], "\(context)")
        #expect(String(record.packets) == row["packets"], "\(context)")
        #expect(String(record.bytes) == row["bytes"], "\(context)")
        #expect(String(record.firstSwitched) == row["first_ms"], "\(context)")
        #expect(String(record.lastSwitched) == row["last_ms"], "\(context)")
        #expect(String(record.inputInterface) == row["in_if"], "\(context)")
        #expect(String(record.outputInterface) == row["out_if"], "\(context)")
        #expect(record.ipVersion == (row["src"]?.contains(":") == true ? 6 : 4), "\(context)")
    }

    @Test("sFlow v5 flow samples", arguments: Fixtures.sflowCaptures)
    func sflow(capture: String) throws {
        let expected = try Fixtures.expectedRows(capture)
        let decoded = try FixtureDecoding.decode(capture)
        #expect(decoded.records.count == expected.count)
        #expect(!expected.isEmpty)
        for (row, actual) in zip(expected, decoded.records) {
            let record = actual.record
            let context = "\(capture) frame \(row["frame"] ?? "?") \(record.sourceAddress)"
            #expect(String(actual.frame) == row["frame"], "\(context)")
            #expect(record.sourceAddress.description == row["src"], "\(context)")
            #expect(record.destinationAddress.description == row["dst"], "\(context)")
            #expect(String(record.sourcePort) == row["sport"], "\(context)")
            #expect(String(record.destinationPort) == row["dport"], "\(context)")
            #expect(String(record.ipProtocol) == row["proto"], "\(context)")
            #expect(String(record.packets) == row["packets"], "\(context)")
            #expect(String(record.bytes) == row["bytes"], "\(context)")
            #expect(String(record.samplingRate) == row["rate"], "\(context)")
            #expect(record.samplingSource == .sflowSample, "\(context)")
            #expect(record.scaledBytes == record.bytes * UInt64(record.samplingRate), "\(context)")
            #expect(record.inputInterface == Self.sflowInterface(row["in_if"]), "\(context)")
            #expect(record.outputInterface == Self.sflowInterface(row["out_if"]), "\(context)")
            #expect(record.vlan.map { String($0) } ?? "" == row["vlan"], "\(context)")
        }
    }

    /// sFlow's 0x3FFFFFFF ("unknown interface") is 0 in a FlowRecord.
    private static func sflowInterface(_ text: String?) -> UInt32 {
        let value = UInt32(text ?? "") ?? 0
        return value == 0x3FFF_FFFF ? 0 : value
    }

    @Test("Every generated flow reaches the v9 and IPFIX exports")
    func groundTruth() throws {
        let truth = try Fixtures.expectedTruth()
        for capture in ["softflowd-ipfix", "pmacct-ipfix"] {
            let decoded = try FixtureDecoding.decode(capture).records.map(\.record)
            let packets = decoded.reduce(0) { $0 + $1.packets }
            #expect(packets == truth.reduce(0) { $0 + $1.packets }, "\(capture)")
        }
    }
}
