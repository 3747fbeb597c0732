import FlowCollector
import NetmonCore
import Testing

@Suite("FlowTemplateCache bounds and expiry")
struct FlowTemplateCacheTests {
    static func key(_ id: UInt16, exporter: UInt32 = 1, domain: UInt32 = 0) -> FlowTemplateKey {
        FlowTemplateKey(exporter: .v4(exporter), version: 10, observationDomain: domain, templateID: id)
    }

    static func template(_ id: UInt16, fields: Int = 4) -> FlowTemplate {
        FlowTemplate(id: id, fields: Array(repeating: FlowTemplateField(elementID: 8, length: 4), count: fields))
    }

    @Test("Entries per exporter are bounded; the least recently refreshed goes first")
    func entryBound() {
        var cache = FlowTemplateCache(limits: .init(maximumTemplatesPerExporter: 3))
        for id: UInt16 in 256..<262 { cache.insert(Self.template(id), for: Self.key(id), now: Int64(id)) }
        #expect(cache.count == 3)
        #expect(cache.template(for: Self.key(256), now: 300) == nil)
        #expect(cache.template(for: Self.key(261), now: 300) != nil)
        // Other exporters have their own budget.
        cache.insert(Self.template(256), for: Self.key(256, exporter: 2), now: 300)
        #expect(cache.count == 4)
    }

    @Test("Bytes per exporter are bounded; an oversized template is refused")
    func byteBound() {
        let one = Self.template(256, fields: 10).approximateByteCount
        var cache = FlowTemplateCache(limits: .init(maximumBytesPerExporter: one * 2))
        for id: UInt16 in 256..<260 { cache.insert(Self.template(id, fields: 10), for: Self.key(id), now: Int64(id)) }
        #expect(cache.byteCount(exporter: .v4(1)) <= one * 2)
        #expect(cache.count == 2)
        let accepted = cache.insert(Self.template(300, fields: 128), for: Self.key(300), now: 400)
        #expect(!accepted)
    }

    @Test("Templates expire by the time passed in; refresh keeps them")
    func expiry() {
        var cache = FlowTemplateCache(limits: .init(templateLifetime: 1000))
        cache.insert(Self.template(256), for: Self.key(256), now: 0)
        cache.insert(Self.template(257), for: Self.key(257), now: 0)
        cache.insert(Self.template(257), for: Self.key(257), now: 900)
        #expect(cache.template(for: Self.key(256), now: 1000) != nil)
        #expect(cache.expire(now: 1500) == 1)
        #expect(cache.template(for: Self.key(256), now: 1500) == nil)
        #expect(cache.template(for: Self.key(257), now: 1500) != nil)
    }

    @Test("The number of exporters is bounded")
    func exporterBound() {
        var cache = FlowTemplateCache(limits: .init(maximumExporters: 2))
        for exporter: UInt32 in 1...5 {
            cache.insert(Self.template(256), for: Self.key(256, exporter: exporter), now: Int64(exporter))
        }
        #expect(cache.count == 2)
        #expect(cache.template(for: Self.key(256, exporter: 5), now: 5) != nil)
    }

    @Test("Sampling falls back from a sampler id to the domain-wide rate")
    func sampling() {
        var cache = FlowTemplateCache()
        let exporter = IPAddress.v4(1)
        cache.setSamplingRate(
            64,
            exporter: exporter,
            sampler: .init(version: 9, observationDomain: 0, samplerID: nil),
            now: 0
        )
        cache.setSamplingRate(
            0,
            exporter: exporter,
            sampler: .init(version: 9, observationDomain: 0, samplerID: 3),
            now: 0
        )
        #expect(
            cache.samplingRate(exporter: exporter, sampler: .init(version: 9, observationDomain: 0, samplerID: 3)) == 1
        )
        #expect(
            cache.samplingRate(exporter: exporter, sampler: .init(version: 9, observationDomain: 0, samplerID: 4)) == 64
        )
        #expect(
            cache.samplingRate(exporter: exporter, sampler: .init(version: 10, observationDomain: 0, samplerID: nil))
                == nil
        )
    }
}

@Suite("IPAddress and FlowRecord")
struct FlowVocabularyTests {
    @Test(
        "IPv6 text follows RFC 5952",
        arguments: [
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("0000:0000:0000:0000:0000:0000:0000:0000", "::"),
            ("0000:0000:0000:0000:0000:0000:0000:0001", "::1"),
            ("2001:0db8:0000:0001:0000:0000:0000:0001", "2001:db8:0:1::1"),
            ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
            ("2001:0db8:0001:0001:0001:0001:0001:0001", "2001:db8:1:1:1:1:1:1"),
            ("fe80:0000:0000:0000:0000:0000:0000:0000", "fe80::"),
        ]
    )
    func ipv6Text(full: String, expected: String) throws {
        let groups = full.split(separator: ":").map { UInt16($0, radix: 16)! }
        let bytes = groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let address = try #require(IPAddress(bytes: bytes))
        #expect(address.description == expected)
        #expect(address.bytes == bytes)
        #expect(address.version == 6)
    }

    @Test("IPv4 text and bytes")
    func ipv4() throws {
        let address = try #require(IPAddress(bytes: [192, 0, 2, 255]))
        #expect(address.description == "192.0.2.255")
        #expect(address == .v4(0xC000_02FF))
        #expect(address.bytes == [192, 0, 2, 255])
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test("Scaled counters multiply by the effective rate and saturate")
    func scaling() {
        var record = FlowRecord(origin: .sflow, exporter: .zeroV4, packets: 2, bytes: 100, samplingRate: 0)
        #expect(record.samplingRate == 1)
        record.samplingRate = 512
        #expect(record.scaledPackets == 1024)
        #expect(record.scaledBytes == 51_200)
        record.samplingRate = 0
        #expect(record.samplingRate == 1)
        record.bytes = .max
        record.samplingRate = 2
        #expect(record.scaledBytes == .max)
    }
}
