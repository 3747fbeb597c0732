import FlowCollector
import NetmonCore
import NetmonTesting
import Testing

/// Hostile and broken input: every truncation, seeded bit flips, lying counts, absurd templates and
/// unknown versions end in a thrown error or a counted drop, never a crash or a hang.
@Suite("Decoders survive bad input")
struct BadInputTests {
    static let captures = Fixtures.cflowCaptures + Fixtures.sflowCaptures

    /// Decodes `payload` with a fresh copy of `cache`, so earlier datagrams' templates are known.
    private static func attempt(_ payload: [UInt8], cache: FlowTemplateCache) -> Result<FlowDatagram, FlowDecodingError>
    {
        var copy = cache
        return Result { () throws(FlowDecodingError) in
            try FixtureDecoding.decodeOne(payload, exporter: .v4(0x7F00_0001), at: 1_767_225_600_000, cache: &copy)
        }
    }

    /// The template cache after every datagram of the capture was decoded.
    private static func warmCache(_ capture: String) throws -> FlowTemplateCache {
        var cache = FlowTemplateCache()
        for datagram in try Fixtures.datagrams(capture) {
            _ = try? FixtureDecoding.decodeOne(
                datagram.payload,
                exporter: .v4(0x7F00_0001),
                at: 1_767_225_600_000,
                cache: &cache
            )
        }
        return cache
    }

    @Test("Truncation at every offset throws or decodes fewer records", arguments: captures)
    func truncations(capture: String) throws {
        let cache = try Self.warmCache(capture)
        for datagram in try Fixtures.datagrams(capture) {
            let full = try Self.attempt(datagram.payload, cache: cache).get()
            for length in 0..<datagram.payload.count {
                switch Self.attempt(Array(datagram.payload[0..<length]), cache: cache) {
                case .success(let partial):
                    #expect(partial.records.count <= full.records.count)
                case .failure:
                    continue
                }
            }
        }
    }

    @Test("Seeded random bit flips never crash", arguments: captures)
    func bitFlips(capture: String) throws {
        let cache = try Self.warmCache(capture)
        var generator = SplitMix64(seed: 0x5EED_F10E)
        for datagram in try Fixtures.datagrams(capture) {
            for _ in 0..<200 {
                var bytes = datagram.payload
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let bit = Int(generator.next() % UInt64(bytes.count * 8))
                    bytes[bit / 8] ^= 1 << UInt8(bit % 8)
                }
                if case .success(let decoded) = Self.attempt(bytes, cache: cache) {
                    #expect(decoded.records.allSatisfy { $0.samplingRate >= 1 })
                }
            }
        }
    }

    @Test("Unknown versions are rejected")
    func unknownVersions() {
        for version: UInt16 in [0, 1, 7, 8, 11, 0xFFFF] {
            let payload: [UInt8] = [UInt8(version >> 8), UInt8(version & 0xFF)] + [UInt8](repeating: 0, count: 40)
            var cache = FlowTemplateCache()
            #expect(throws: FlowDecodingError.unsupportedVersion(UInt32(version))) {
                try NetFlowV9Decoder.decode(payload, exporter: .zeroV4, templates: &cache, now: 0)
            }
            #expect(throws: FlowDecodingError.unsupportedVersion(UInt32(version))) {
                try IPFIXDecoder.decode(payload, exporter: .zeroV4, templates: &cache, now: 0)
            }
            #expect(throws: FlowDecodingError.unsupportedVersion(UInt32(version))) {
                try NetFlowV5Decoder.decode(payload, exporter: .zeroV4)
            }
        }
        #expect(throws: FlowDecodingError.unsupportedVersion(4)) {
            try SFlowDecoder.decode([0, 0, 0, 4] + [UInt8](repeating: 0, count: 40), receivedAt: 0)
        }
        #expect(throws: FlowDecodingError.self) { try NetFlowV5Decoder.decode([], exporter: .zeroV4) }
    }

    @Test("Counts larger than the payload are rejected")
    func lyingCounts() throws {
        var v5 = try Fixtures.datagrams("softflowd-v5")[0].payload
        v5[2] = 0
        v5[3] = 30
        #expect(throws: FlowDecodingError.self) { try NetFlowV5Decoder.decode(v5, exporter: .zeroV4) }
        v5[3] = 200
        #expect(throws: FlowDecodingError.invalidLength(offset: 2)) {
            try NetFlowV5Decoder.decode(v5, exporter: .zeroV4)
        }

        var sflow = try Fixtures.datagrams("pmacct-sflow")[0].payload
        sflow.replaceSubrange(24..<28, with: [0x7F, 0xFF, 0xFF, 0xFF])  // sample count
        #expect(throws: FlowDecodingError.self) { try SFlowDecoder.decode(sflow, receivedAt: 0) }

        var ipfix = try Fixtures.datagrams("softflowd-ipfix")[0].payload
        ipfix[2] = 0xFF
        ipfix[3] = 0xFF  // message length beyond the datagram
        var cache = FlowTemplateCache()
        #expect(throws: FlowDecodingError.self) {
            try IPFIXDecoder.decode(ipfix, exporter: .zeroV4, templates: &cache, now: 0)
        }
    }

    @Test("Zero-field, 10,000-field and zero-length-field templates are rejected")
    func absurdTemplates() {
        var cache = FlowTemplateCache()
        for fieldCount in [0, 129, 10_000] {
            var fields: [UInt8] = []
            for _ in 0..<min(fieldCount, 200) { fields += [0, 8, 0, 4] }
            let set = TestPackets.set(id: 0, body: TestPackets.u16(256) + TestPackets.u16(UInt16(fieldCount)) + fields)
            #expect(throws: FlowDecodingError.invalidTemplate(offset: 24, templateID: 256)) {
                try NetFlowV9Decoder.decode(TestPackets.v9(sets: [set]), exporter: .zeroV4, templates: &cache, now: 0)
            }
            let ipfixSet = TestPackets.set(
                id: 2,
                body: TestPackets.u16(256) + TestPackets.u16(UInt16(fieldCount)) + fields
            )
            if fieldCount > 0 {
                #expect(throws: FlowDecodingError.invalidTemplate(offset: 20, templateID: 256)) {
                    try IPFIXDecoder.decode(
                        TestPackets.ipfix(sets: [ipfixSet]),
                        exporter: .zeroV4,
                        templates: &cache,
                        now: 0
                    )
                }
            }
        }
        let zeroLength = TestPackets.set(id: 0, body: TestPackets.u16(300) + TestPackets.u16(1) + [0, 8, 0, 0])
        #expect(throws: FlowDecodingError.self) {
            try NetFlowV9Decoder.decode(
                TestPackets.v9(sets: [zeroLength]),
                exporter: .zeroV4,
                templates: &cache,
                now: 0
            )
        }
        #expect(cache.count == 0)
    }

    @Test("Broken datagrams mixed into a valid stream do not cost the valid records")
    func mixedStream() throws {
        for capture in Self.captures {
            let expected = try Fixtures.expectedRows(capture).count
            var cache = FlowTemplateCache()
            var generator = SplitMix64(seed: 42)
            var decoded = 0
            var failures = 0
            for datagram in try Fixtures.datagrams(capture) {
                var garbage = datagram.payload
                garbage.removeLast(Int(generator.next() % UInt64(garbage.count)) + 1)
                for index in garbage.indices.dropFirst(4) where generator.next() % 3 == 0 {
                    garbage[index] = UInt8.random(in: 0...255, using: &generator)
                }
                for payload in [garbage, datagram.payload] {
                    // Garbage goes to another exporter so that it cannot poison the real exporter's templates.
                    let exporter: IPAddress = payload == datagram.payload ? datagram.source : .v4(0x0A00_0001)
                    do {
                        decoded += try FixtureDecoding.decodeOne(
                            payload,
                            exporter: exporter,
                            at: datagram.timestamp,
                            cache: &cache
                        )
                        .records.filter { $0.exporter == datagram.source || $0.origin == .sflow }.count
                    } catch {
                        failures += 1
                    }
                }
            }
            #expect(failures > 0, "\(capture)")
            #expect(decoded >= expected, "\(capture)")
        }
    }
}

/// A small seeded generator (SplitMix64) so bit flips are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
