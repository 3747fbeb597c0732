import Testing

@testable import Storage

@Suite("SampleChunkCodec")
struct SampleChunkCodecTests {
    /// Values that must survive bit for bit.
    static let specialValues: [Double] = [
        .nan, -.nan, Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF8_DEAD_BEEF_0001), .infinity,
        -.infinity, 0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
        Double.leastNormalMagnitude / 3, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, 1e300, .pi,
        123_456_789.125, 0.1,
    ]

    static func roundTrip(_ timestamps: [Int64], _ values: [Double]) throws {
        let chunk = try SampleChunkCodec.encode(timestamps: timestamps, values: values)
        let decoded = try SampleChunkCodec.decode(chunk)
        #expect(decoded.timestamps == timestamps)
        #expect(decoded.values.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("special values, empty and single chunks round-trip bit-exactly")
    func specialValues() throws {
        try Self.roundTrip([], [])
        try Self.roundTrip([42], [.nan])
        let values = Self.specialValues + Self.specialValues.reversed() + Self.specialValues
        let timestamps = (0..<values.count).map { Int64($0) * 60_000 + 1_700_000_000_000 }
        try Self.roundTrip(timestamps, values)
    }

    @Test("extreme and irregular timestamps round-trip, every delta-of-delta tier")
    func extremeTimestamps() throws {
        try Self.roundTrip([Int64.min, Int64.min, 0, Int64.max, Int64.max], [1, 2, 3, 4, 5])
        var generator = SystemRandomNumberGenerator()
        var timestamps: [Int64] = [1_700_000_000_000]
        for _ in 0..<2_000 {
            let jump: Int64 =
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: 60_000
                case 1: 60_000 + Int64.random(in: -60...60, using: &generator)
                case 2: 60_000 + Int64.random(in: -250...250, using: &generator)
                case 3: Int64.random(in: 0...4_000, using: &generator)
                case 4: Int64.random(in: 0...3_000_000_000, using: &generator)
                default: Int64.random(in: 0...(1 << 40), using: &generator)
                }
            timestamps.append(timestamps[timestamps.count - 1] + jump)
        }
        let values = timestamps.map { _ in Double(bitPattern: UInt64.random(in: .min ... .max, using: &generator)) }
        try Self.roundTrip(timestamps, values)
    }

    @Test("random series with gaps, resets and repeats round-trip (property)")
    func randomSeries() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 0...500, using: &generator)
            var timestamp = Int64.random(in: 0...2_000_000_000_000, using: &generator)
            var counter = Double(UInt32.random(in: 0 ... .max, using: &generator))
            var timestamps: [Int64] = []
            var values: [Double] = []
            for _ in 0..<count {
                timestamp +=
                    Bool.random(using: &generator) ? 60_000 : Int64.random(in: 0...86_400_000, using: &generator)
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: counter = 0  // reset
                case 1: counter = Self.specialValues.randomElement(using: &generator)!
                case 2: break  // repeat
                default: counter += Double(Int.random(in: 0...10_000_000, using: &generator))
                }
                timestamps.append(timestamp)
                values.append(counter)
            }
            try Self.roundTrip(timestamps, values)
        }
    }

    @Test("the encoder refuses timestamps that go backwards and mismatched arrays")
    func invalidInput() {
        #expect(throws: SampleChunkError.self) { try SampleChunkCodec.encode(timestamps: [2, 1], values: [0, 0]) }
        #expect(throws: SampleChunkError.self) { try SampleChunkCodec.encode(timestamps: [1], values: []) }
    }

    @Test("every truncation, every single bit flip and wrong headers throw")
    func corruptChunks() throws {
        let timestamps = (0..<300).map { Int64($0) * 60_000 + Int64($0 % 7) }
        let values = timestamps.map { Double($0 % 1_000) * 1.5 }
        let chunk = try SampleChunkCodec.encode(timestamps: timestamps, values: values)
        for length in 0..<chunk.count {
            #expect(throws: SampleChunkError.self) { try SampleChunkCodec.decode(Array(chunk[0..<length])) }
        }
        for bit in 0..<(chunk.count * 8) {
            var flipped = chunk
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: SampleChunkError.self) { try SampleChunkCodec.decode(flipped) }
        }
        #expect(throws: SampleChunkError.self) { try SampleChunkCodec.decode(chunk + [0]) }
        #expect(throws: SampleChunkError.self) { try SampleChunkCodec.decode([]) }
    }

    @Test("random bytes never crash the decoder")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0 ... .max, using: &generator)
            }
            if bytes.count >= 2, Bool.random(using: &generator) {
                bytes[0] = SampleChunkCodec.magic
                bytes[1] = SampleChunkCodec.version
                // A valid checksum over random payload, to reach the bit-stream checks.
                if bytes.count >= 7 {
                    let crc = CRC32.checksum(bytes[6...])
                    for index in 0..<4 { bytes[2 + index] = UInt8(truncatingIfNeeded: crc >> UInt32(24 - 8 * index)) }
                }
            }
            _ = try? SampleChunkCodec.decode(bytes)
        }
    }

    @Test("CRC-32 matches zlib's check value")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("a day of a regular poll of an idle or constant series packs under 2 bytes per sample")
    func compressionRatio() throws {
        // 1,440 samples at 60 s with a few ms of jitter, as the poller's wall-clock times have.
        var generator = SystemRandomNumberGenerator()
        let timestamps = (0..<1_440).map {
            Int64($0) * 60_000 + 1_700_000_000_000 + Int64.random(in: 0...20, using: &generator)
        }
        for value in [0.0, 1.0, 1e9] {
            let values = [Double](repeating: value, count: 1_440)
            let chunk = try SampleChunkCodec.encode(timestamps: timestamps, values: values)
            #expect(Double(chunk.count) / 1_440 <= 2.0, "\(chunk.count) bytes")
        }
    }

    /// A day of rates computed as the poller does (octet delta / (sysUpTime centiseconds / 100)):
    /// polls 0–40 ms late, the agent's uptime delta within ±10 ms of the poller's, and busy or
    /// quiet ports' octet deltas.
    static func polledRates(seed: UInt64, busy: Bool) -> (timestamps: [Int64], values: [Double]) {
        var generator = SeededGenerator(seed: seed)
        var timestamps: [Int64] = []
        var values: [Double] = []
        for minute in 0..<1_440 {
            timestamps.append(1_767_225_600_000 + Int64(minute) * 60_000 + Int64.random(in: 0...40, using: &generator))
            let wall = minute == 0 ? 60_000 : timestamps[minute] - timestamps[minute - 1]
            let centiseconds = Double((wall + 5) / 10 + Int64.random(in: -1...1, using: &generator))
            let octets =
                busy
                ? UInt64.random(in: 1_400_000_000...2_200_000_000, using: &generator)
                : UInt64.random(in: 1_800...2_000, using: &generator)
            values.append(Double(octets) / (centiseconds / 100))
        }
        return (timestamps, values)
    }

    @Test("counter rates are stored as their counter delta and interval, bit-exactly and in fewer bytes")
    func quotients() throws {
        for busy in [true, false] {
            let (timestamps, values) = Self.polledRates(seed: busy ? 7 : 8, busy: busy)
            try Self.roundTrip(timestamps, values)
            let chunk = try SampleChunkCodec.encode(timestamps: timestamps, values: values)
            // A busy port's delta is ~31 bits, a quiet one's ~11, plus the prefixes and the jitter
            // of the timestamps (5.8 and 3.2 bytes per sample); as XOR they took ~8.5 bytes each.
            let limit = busy ? 6.0 : 3.5
            #expect(Double(chunk.count) / 1_440 <= limit, "busy \(busy): \(chunk.count) bytes")
        }
    }

    @Test("utilizations with the link's speed are stored as counter deltas; a wrong speed only costs size")
    func utilizations() throws {
        for (speed, busy) in [(UInt64(10_000_000_000), true), (1_000_000_000, false)] {
            let (timestamps, rates) = Self.polledRates(seed: 11, busy: busy)
            // As the poller: InterfaceSpeed.utilization(bitsPerSecond: rate * 8, speed: speed).
            let values = rates.map { $0 * 8 / Double(speed) * 100 }
            let chunk = try SampleChunkCodec.encode(timestamps: timestamps, values: values, speed: speed)
            let decoded = try SampleChunkCodec.decode(chunk)
            #expect(decoded.values.map(\.bitPattern) == values.map(\.bitPattern))
            #expect(Double(chunk.count) / 1_440 <= (busy ? 6.0 : 3.5), "\(speed): \(chunk.count) bytes")
            let wrongSpeed = try SampleChunkCodec.encode(timestamps: timestamps, values: values, speed: speed / 10 + 1)
            #expect(try SampleChunkCodec.decode(wrongSpeed).values.map(\.bitPattern) == values.map(\.bitPattern))
            #expect(wrongSpeed.count > chunk.count)
            let withoutSpeed = try SampleChunkCodec.encode(timestamps: timestamps, values: values)
            #expect(withoutSpeed.count > chunk.count)
        }
        // A speed no varint below 2^63 can hold is left out rather than written undecodable.
        let chunk = try SampleChunkCodec.encode(timestamps: [1, 2], values: [1, 2], speed: .max)
        #expect(try SampleChunkCodec.decode(chunk).values == [1, 2])
    }

    @Test("quotient intervals far from the timestamps' delta, zero deltas and mixed gauges round-trip")
    func quotientEdges() throws {
        var generator = SeededGenerator(seed: 99)
        var timestamps: [Int64] = []
        var values: [Double] = []
        var time: Int64 = 1_700_000_000_000
        for index in 0..<3_000 {
            time += [0, 1, 999, 30_000, 60_013, 300_000, 86_400_000].randomElement(using: &generator)!
            timestamps.append(time)
            let t = Double([1, 100, 5_990, 6_000, 6_010, 65_536, 4_294_967_295].randomElement(using: &generator)!)
            switch index % 5 {
            case 0: values.append(Double(UInt64.random(in: 0...(1 << 62), using: &generator)) / (t / 100))
            case 1: values.append(0)
            case 2: values.append(Double(UInt64.random(in: 0...100, using: &generator)) / (t / 100))
            case 3: values.append(Double.random(in: 0...100, using: &generator))
            default: values.append(Self.specialValues[index % Self.specialValues.count])
            }
        }
        try Self.roundTrip(timestamps, values)
    }

    @Test("version 1 chunks (before quotients) still decode")
    func versionOne() throws {
        // Made by the version 1 encoder: six samples with a repeat, both XOR forms and a NaN.
        let chunk: [UInt8] = [
            0x47, 0x01, 0xFA, 0xA7, 0x92, 0xDC, 0x06, 0x00, 0x00, 0x01, 0x9B, 0x76, 0xDA, 0xA8, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF4, 0x00, 0x07, 0x53, 0x66, 0x0F, 0xD0, 0x24, 0xD2, 0x91, 0x5B,
            0x57, 0x3E, 0xAB, 0x64, 0xCB, 0x94, 0x00, 0x00, 0x05, 0x15, 0xB5, 0x73, 0xEA, 0xB6, 0x31, 0x81, 0x2C,
            0x14, 0x68, 0x7C, 0xD4, 0xB1, 0x7A, 0xF7, 0x99, 0x12, 0x6A, 0x50,
        ]
        let decoded = try SampleChunkCodec.decode(chunk)
        #expect(
            decoded.timestamps == [
                1_767_225_600_000, 1_767_225_660_013, 1_767_225_720_001, 1_767_225_780_040, 1_767_225_840_040,
                1_767_225_900_000,
            ]
        )
        let expected: [Double] = [0, 1234.5678, 1234.5678, 1234.75, -3.25e10, .nan]
        #expect(decoded.values.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
