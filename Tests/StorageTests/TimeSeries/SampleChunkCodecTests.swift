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
}
