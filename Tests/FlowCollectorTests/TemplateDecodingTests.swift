import FlowCollector
import NetmonCore
import Testing

/// NetFlow v9 and IPFIX template handling on hand-built datagrams: misses, withdrawal, variable-length
/// and enterprise fields, options sampling, systemInitTime.
@Suite("Template-based decoding")
struct TemplateDecodingTests {
    typealias P = TestPackets
    static let exporter = IPAddress.v4(0xC000_0201)
    static let now: Int64 = 1_767_225_600_000

    /// src v4, dst v4, bytes, packets, protocol.
    static let flowFields: [(UInt16, UInt16)] = [(8, 4), (12, 4), (1, 4), (2, 4), (4, 1)]
    static func flowData(_ last: UInt8) -> [UInt8] {
        [10, 0, 0, last, 192, 0, 2, 1] + P.u32(1500) + P.u32(3) + [6]
    }

    @Test("Data before its template is a counted miss, never misdecoded")
    func templateMiss() throws {
        var cache = FlowTemplateCache()
        let data = P.set(id: 256, body: Self.flowData(1) + [0, 0, 0])
        let first = try NetFlowV9Decoder.decode(
            P.v9(sets: [data]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(first.records.isEmpty)
        #expect(first.stats.templateMisses == 1)
        let template = P.set(id: 0, body: P.template(id: 256, fields: Self.flowFields))
        let second = try NetFlowV9Decoder.decode(
            P.v9(sets: [template, data]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(second.records.count == 1)
        #expect(second.records.first?.sourceAddress.description == "10.0.0.1")
        #expect(second.records.first?.bytes == 1500)
        #expect(second.stats.templateMisses == 0)
        // Another source id of the same exporter does not share the template.
        let other = try NetFlowV9Decoder.decode(
            P.v9(sets: [data], sourceID: 2),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(other.stats.templateMisses == 1)
        // Expired templates miss too.
        let late = try NetFlowV9Decoder.decode(
            P.v9(sets: [data]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now + 31 * 60 * 1000
        )
        #expect(late.stats.templateMisses == 1)
    }

    @Test("IPFIX withdrawal mid-stream turns later data into misses")
    func withdrawal() throws {
        var cache = FlowTemplateCache()
        let template = P.set(id: 2, body: P.template(id: 300, fields: Self.flowFields))
        let data = P.set(id: 300, body: Self.flowData(1) + Self.flowData(2))
        let first = try IPFIXDecoder.decode(
            P.ipfix(sets: [template, data]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(first.records.count == 2)
        let withdraw = P.set(id: 2, body: P.u16(300) + P.u16(0))
        let second = try IPFIXDecoder.decode(
            P.ipfix(sets: [data, withdraw, data]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(second.records.count == 2)
        #expect(second.stats.templatesWithdrawn == 1)
        #expect(second.stats.templateMisses == 1)
        #expect(cache.count == 0)
        // "Withdraw all" (template id 2) clears the domain.
        _ = try IPFIXDecoder.decode(
            P.ipfix(sets: [template]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(cache.count == 1)
        _ = try IPFIXDecoder.decode(
            P.ipfix(sets: [P.set(id: 2, body: P.u16(2) + P.u16(0))]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(cache.count == 0)
    }

    @Test("IPFIX variable-length and enterprise fields are skipped correctly; IPv6 addresses decode")
    func variableAndEnterprise() throws {
        var cache = FlowTemplateCache()
        // src v6, enterprise 29305 element 7 (4 bytes), variable-length element 82 (interfaceName),
        // dst v6, octetDeltaCount (8), flowStartMilliseconds, flowEndMilliseconds, sourceTransportPort.
        let templateBody =
            P.u16(400) + P.u16(8)
            + P.u16(27) + P.u16(16)
            + P.u16(0x8007) + P.u16(4) + P.u32(29305)
            + P.u16(82) + P.u16(0xFFFF)
            + P.u16(28) + P.u16(16)
            + P.u16(1) + P.u16(8)
            + P.u16(152) + P.u16(8)
            + P.u16(153) + P.u16(8)
            + P.u16(7) + P.u16(2)
        let src: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
        let dst: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0xFF] + [UInt8](repeating: 0, count: 9) + [2]
        let longName = [UInt8](repeating: 0x41, count: 300)
        let record1 =
            src + [9, 9, 9, 9] + [3, 0x65, 0x74, 0x68] + dst + [0, 0, 0, 0, 0, 0, 0x10, 0]
            + P.u32(0) + P.u32(0x0019_B76D) + P.u32(0) + P.u32(0x0019_B76E) + P.u16(443)
        let record2 =
            src + [9, 9, 9, 9] + [255] + P.u16(300) + longName + dst + [0, 0, 0, 0, 0, 0, 0, 64]
            + P.u32(0) + P.u32(1) + P.u32(0) + P.u32(2) + P.u16(53)
        let message = P.ipfix(sets: [
            P.set(id: 2, body: templateBody), P.set(id: 400, body: record1 + record2 + [0, 0]),
        ])
        let decoded = try IPFIXDecoder.decode(message, exporter: Self.exporter, templates: &cache, now: Self.now)
        #expect(decoded.records.count == 2)
        let first = try #require(decoded.records.first)
        #expect(first.sourceAddress.description == "2001:db8::1")
        #expect(first.destinationAddress.description == "2001:db8:ff::2")
        #expect(first.ipVersion == 6)
        #expect(first.bytes == 4096)
        #expect(first.firstSwitched == 0x0019_B76D)
        #expect(first.lastSwitched == 0x0019_B76E)
        #expect(first.sourcePort == 443)
        #expect(decoded.records.last?.sourcePort == 53)
        #expect(decoded.records.last?.bytes == 64)
    }

    @Test("Options data sets each flow's sampling rate, per sampler id and domain-wide")
    func optionsSampling() throws {
        var cache = FlowTemplateCache()
        // v9 options template 257: scope system (1, 4 bytes); samplerId (48, 1), interval (34, 4).
        let options = P.set(
            id: 1,
            body: P.u16(257) + P.u16(4) + P.u16(8) + P.u16(1) + P.u16(4) + P.u16(48) + P.u16(1) + P.u16(34) + P.u16(4)
                + [0, 0]
        )
        let optionsData = P.set(id: 257, body: P.u32(0) + [5] + P.u32(100) + P.u32(0) + [7] + P.u32(1000) + [0, 0])
        let template = P.set(id: 0, body: P.template(id: 256, fields: Self.flowFields + [(48, 1)]))
        let data = P.set(id: 256, body: Self.flowData(1) + [5] + Self.flowData(2) + [7] + Self.flowData(3) + [9])
        let decoded = try NetFlowV9Decoder.decode(
            P.v9(sets: [options, optionsData, template, data]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(decoded.stats.optionsRecords == 2)
        #expect(decoded.records.map(\.samplingRate) == [100, 1000, 1])
        #expect(decoded.records.map(\.samplingSource) == [.optionsData, .optionsData, .none])
        #expect(decoded.records.first?.scaledBytes == 150_000)
        #expect(decoded.records.first?.scaledPackets == 300)

        // IPFIX: samplingPacketInterval 1, samplingPacketSpace 9 => 1 in 10, domain-wide.
        let ipfixOptions = P.set(
            id: 3,
            body: P.u16(258) + P.u16(3) + P.u16(1) + P.u16(149) + P.u16(4) + P.u16(305) + P.u16(4) + P.u16(306)
                + P.u16(4)
        )
        let ipfixOptionsData = P.set(id: 258, body: P.u32(1) + P.u32(1) + P.u32(9))
        let ipfixTemplate = P.set(id: 2, body: P.template(id: 256, fields: Self.flowFields))
        let ipfixData = P.set(id: 256, body: Self.flowData(4))
        let ipfix = try IPFIXDecoder.decode(
            P.ipfix(sets: [ipfixOptions, ipfixOptionsData, ipfixTemplate, ipfixData]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        #expect(ipfix.records.map(\.samplingRate) == [10])
        #expect(ipfix.records.first?.scaledBytes == 15_000)
    }

    @Test("NetFlow v9 uptime times convert through the header clock")
    func v9Times() throws {
        var cache = FlowTemplateCache()
        let template = P.set(id: 0, body: P.template(id: 256, fields: [(8, 4), (12, 4), (22, 4), (21, 4)]))
        let data = P.set(id: 256, body: [10, 0, 0, 1, 10, 0, 0, 2] + P.u32(4_000) + P.u32(9_500))
        let decoded = try NetFlowV9Decoder.decode(
            P.v9(sets: [template, data]),
            exporter: Self.exporter,
            templates: &cache,
            now: Self.now
        )
        // export 1,767,225,600,000 ms at uptime 10,000 ms.
        #expect(decoded.records.first?.firstSwitched == 1_767_225_594_000)
        #expect(decoded.records.first?.lastSwitched == 1_767_225_599_500)
        #expect(decoded.sequenceNumber == 7)
        #expect(decoded.observationDomain == 1)
    }
}
