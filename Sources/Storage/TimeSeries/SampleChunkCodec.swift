/// Packs the samples of one series into a compressed chunk and back, bit-exactly, in the spirit of
/// Facebook's Gorilla paper (Pelkonen et al., VLDB 2015), with one addition for counter rates.
///
/// Layout: magic `0x47` ("G"), version `2` (version `1` chunks are still read), a CRC-32 (IEEE,
/// big-endian) of everything after it, the sample count as an unsigned LEB128 varint, in version 2
/// the interface speed of a utilization series as a varint (0 for any other series), then a bit
/// stream (most significant bit first, zero padded to a byte):
///
/// - the first timestamp and the first value's bit pattern, 64 bits each;
/// - per further sample, the timestamp as a delta of deltas (milliseconds) in a prefix code —
///   `0` for 0; `10` + 7 bits for −63…64; `110` + 9 bits for −255…256; `1110` + 12 bits for
///   −2047…2048; `11110` + 32 bits; `11111` + 64 bits — then the value:
///   - `0`: the same bit pattern as the previous value;
///   - `10` + XOR with the previous value's bits: `0` + the meaningful bits when they fit in the
///     previous window of leading and trailing zeros, `1` + 6 bits of leading zeros + 6 bits of
///     (length − 1) + the meaningful bits otherwise (version 1 has no `10` and no quotient: its
///     `10`/`11` are these two XOR forms);
///   - `11` + a *quotient*: the value is exactly `Double(n) / (Double(t) / 100)` — how the poller
///     turns a counter delta `n` over `t` centiseconds of sysUpTime into a rate. `t` is coded as
///     its difference from the sample's own timestamp delta in centiseconds (zigzag: `0` for 0,
///     `10` + 3 bits for 1…8, `110` + 8 bits for 9…264, `111` + 32 bits of `t` itself), then `n`:
///     its bit length (`0` when the same as the previous quotient's, else `1` + 6 bits), then the
///     bits below its leading one. A busy port's rate has a 52-bit
///     mantissa that XOR cannot shrink, but its counter delta is ~30 bits, a quiet port's ~11.
///     With a speed `S` in the header the value is that rate's utilization in percent, exactly as
///     the poller computes it: `Double(n) / (Double(t) / 100) * 8 / Double(S) * 100`.
///
/// Values are handled as bit patterns, so NaN payloads, ±Inf, −0.0 and subnormals round-trip
/// exactly; the encoder uses the quotient form only when dividing again gives the identical bits.
/// Timestamps must not go backwards (equal ones are allowed); arithmetic on them wraps, so every
/// Int64 round-trips. The decoder checks the magic, version, checksum, count, every length and the
/// padding, and throws ``SampleChunkError`` on anything inconsistent: it never traps and never
/// allocates more than the chunk's size allows. Standard library only, so that the libFuzzer target
/// (scripts/fuzz/run.sh, Fuzz/SampleChunkFuzz.swift) is a plain `swiftc` build.
public enum SampleChunkCodec {
    /// The first byte of every chunk.
    public static let magic: UInt8 = 0x47
    /// The format version this codec writes (it reads this one and version 1).
    public static let version: UInt8 = 2
    /// The most samples one chunk may hold.
    public static let maximumCount = 1 << 24

    /// Encodes `timestamps` (epoch ms, non-decreasing) and their `values`; `speed` (bits/s), for a
    /// utilization series, lets its values be stored as the counter deltas they came from (a wrong
    /// or changed speed only costs size: every value is verified before it takes that form).
    ///
    /// - Throws: ``SampleChunkError/invalidInput(_:)`` when the arrays differ in length, hold more
    ///   than ``maximumCount`` samples or a timestamp goes backwards.
    public static func encode(
        timestamps: [Int64],
        values: [Double],
        speed: UInt64 = 0
    ) throws(SampleChunkError) -> [UInt8] {
        guard timestamps.count == values.count else {
            throw .invalidInput("\(timestamps.count) timestamps but \(values.count) values")
        }
        guard timestamps.count <= Self.maximumCount else {
            throw .invalidInput("\(timestamps.count) samples, more than \(Self.maximumCount)")
        }
        // Header varints are read back below 2^63; no link is that fast.
        let speed = speed < 1 << 56 ? speed : 0
        var bits = BitWriter(reservingCapacity: 16 + timestamps.count * 2)
        if let firstTimestamp = timestamps.first, let firstValue = values.first {
            bits.write(UInt64(bitPattern: firstTimestamp), bits: 64)
            bits.write(firstValue.bitPattern, bits: 64)
            var previousTimestamp = firstTimestamp
            var previousDelta: Int64 = 0
            var previousBits = firstValue.bitPattern
            var window: (leading: Int, meaningful: Int)? = nil
            var quotients = QuotientSearch(form: QuotientForm(speed: speed))
            var quotientLength = 0
            for index in 1..<timestamps.count {
                let timestamp = timestamps[index]
                guard timestamp >= previousTimestamp else {
                    throw .invalidInput("timestamp \(timestamp) after \(previousTimestamp)")
                }
                let delta = timestamp &- previousTimestamp
                Self.writeDeltaOfDelta(delta &- previousDelta, into: &bits)
                previousDelta = delta
                previousTimestamp = timestamp
                let valueBits = values[index].bitPattern
                if valueBits == previousBits {
                    bits.write(bit: false)
                } else if let quotient = quotients.find(values[index], timestampDelta: delta) {
                    bits.write(0b11, bits: 2)
                    Self.writeQuotient(quotient, timestampDelta: delta, length: &quotientLength, into: &bits)
                } else {
                    bits.write(0b10, bits: 2)
                    Self.writeXOR(valueBits ^ previousBits, window: &window, into: &bits)
                }
                previousBits = valueBits
            }
        }
        var payload = Self.varint(UInt64(timestamps.count))
        payload.append(contentsOf: Self.varint(speed))
        payload.append(contentsOf: bits.bytes)
        return Self.frame(payload, version: Self.version)
    }

    /// `payload` behind the magic, `version` and its CRC-32 (big-endian): every chunk's frame.
    static func frame(_ payload: [UInt8], version: UInt8) -> [UInt8] {
        let checksum = CRC32.checksum(payload)
        var chunk: [UInt8] = [Self.magic, version]
        chunk.reserveCapacity(6 + payload.count)
        for shift in stride(from: 24, through: 0, by: -8) {
            chunk.append(UInt8(truncatingIfNeeded: checksum >> UInt32(shift)))
        }
        chunk.append(contentsOf: payload)
        return chunk
    }

    /// Checks a chunk's frame (magic, a version `accepts`, checksum) and returns its version; the
    /// payload starts at offset 6.
    static func checkFrame(
        _ chunk: [UInt8],
        accepts: (UInt8) -> Bool
    ) throws(SampleChunkError) -> UInt8 {
        guard chunk.count >= 2 else { throw .truncated }
        guard chunk[0] == Self.magic, accepts(chunk[1]) else {
            throw .unsupportedFormat(magic: chunk[0], version: chunk[1])
        }
        guard chunk.count >= 7 else { throw .truncated }
        var stored: UInt32 = 0
        for index in 2..<6 {
            stored = stored << 8 | UInt32(chunk[index])
        }
        guard CRC32.checksum(chunk[6...]) == stored else { throw .checksumMismatch }
        return chunk[1]
    }

    /// Decodes a chunk made by ``encode(timestamps:values:speed:)`` (or by the version 1 encoder).
    ///
    /// - Throws: ``SampleChunkError`` when the bytes are not a complete, consistent chunk.
    public static func decode(_ chunk: [UInt8]) throws(SampleChunkError) -> (timestamps: [Int64], values: [Double]) {
        let hasQuotients = try Self.checkFrame(chunk) { $0 == 1 || $0 == Self.version } >= 2
        var offset = 6
        let count = try Self.readVarint(chunk, offset: &offset)
        guard count <= UInt64(Self.maximumCount) else { throw .corrupt("count \(count)") }
        let form = QuotientForm(speed: hasQuotients ? try Self.readVarint(chunk, offset: &offset) : 0)
        var bits = BitReader(chunk, startByte: offset)
        var timestamps: [Int64] = []
        var values: [Double] = []
        if count > 0 {
            // 128 bits for the first sample, at least 2 for each further one.
            guard bits.remainingBits >= 128, (Int(count) - 1) <= (bits.remainingBits - 128) / 2 else {
                throw .truncated
            }
            timestamps.reserveCapacity(Int(count))
            values.reserveCapacity(Int(count))
            var timestamp = Int64(bitPattern: try bits.read(bits: 64))
            var valueBits = try bits.read(bits: 64)
            timestamps.append(timestamp)
            values.append(Double(bitPattern: valueBits))
            var delta: Int64 = 0
            var window: (leading: Int, meaningful: Int)? = nil
            var quotientLength = 0
            for _ in 1..<Int(count) {
                delta = delta &+ (try Self.readDeltaOfDelta(&bits))
                let next = timestamp &+ delta
                guard next >= timestamp else { throw .corrupt("timestamps go backwards") }
                timestamp = next
                if !hasQuotients {
                    valueBits ^= try Self.readXOR(&bits, window: &window)
                } else if try bits.readBit() {
                    if try bits.readBit() {
                        valueBits = try Self.readQuotient(
                            &bits,
                            timestampDelta: delta,
                            length: &quotientLength,
                            form: form
                        ).bitPattern
                    } else {
                        valueBits ^= try Self.readXOR(&bits, window: &window, afterPrefix: true)
                    }
                }
                timestamps.append(timestamp)
                values.append(Double(bitPattern: valueBits))
            }
        }
        let padding = bits.remainingBits
        guard padding < 8, try bits.read(bits: padding) == 0 else {
            throw .corrupt("bytes after the last sample")
        }
        return (timestamps, values)
    }

    // MARK: Timestamps

    /// (prefix, prefix length, payload bits, smallest value) of each delta-of-delta tier after `0`.
    private static let tiers: [(prefix: UInt64, prefixBits: Int, bits: Int, low: Int64)] = [
        (0b10, 2, 7, -63), (0b110, 3, 9, -255), (0b1110, 4, 12, -2047), (0b11110, 5, 32, -2_147_483_647),
    ]

    static func writeDeltaOfDelta(_ value: Int64, into bits: inout BitWriter) {
        if value == 0 {
            bits.write(bit: false)
            return
        }
        for tier in Self.tiers where value >= tier.low && value <= tier.low + (1 << Int64(tier.bits)) - 1 {
            bits.write(tier.prefix, bits: tier.prefixBits)
            bits.write(UInt64(value - tier.low), bits: tier.bits)
            return
        }
        bits.write(0b11111, bits: 5)
        bits.write(UInt64(bitPattern: value), bits: 64)
    }

    static func readDeltaOfDelta(_ bits: inout BitReader) throws(SampleChunkError) -> Int64 {
        for tier in Self.tiers.indices {
            guard try bits.readBit() else {
                return tier == 0 ? 0 : try Self.readTier(tier - 1, &bits)
            }
        }
        guard try bits.readBit() else { return try Self.readTier(Self.tiers.count - 1, &bits) }
        return Int64(bitPattern: try bits.read(bits: 64))
    }

    private static func readTier(_ index: Int, _ bits: inout BitReader) throws(SampleChunkError) -> Int64 {
        let tier = Self.tiers[index]
        return tier.low + Int64(try bits.read(bits: tier.bits))
    }

    // MARK: Values

    /// Writes a non-zero XOR after its `10`: `0` + bits in the current window, or `1` + a new one.
    static func writeXOR(
        _ xor: UInt64,
        window: inout (leading: Int, meaningful: Int)?,
        into bits: inout BitWriter
    ) {
        let leading = min(xor.leadingZeroBitCount, 63)
        let trailing = xor.trailingZeroBitCount
        if let current = window, leading >= current.leading,
            trailing >= 64 - current.leading - current.meaningful
        {
            bits.write(bit: false)
            bits.write(xor >> UInt64(64 - current.leading - current.meaningful), bits: current.meaningful)
            return
        }
        let meaningful = 64 - leading - trailing
        bits.write(bit: true)
        bits.write(UInt64(leading), bits: 6)
        bits.write(UInt64(meaningful - 1), bits: 6)
        bits.write(xor >> UInt64(trailing), bits: meaningful)
        window = (leading, meaningful)
    }

    /// Reads an XOR: in version 1 from its first bit (`0` = equal), in version 2 after its `10`
    /// (`afterPrefix`).
    static func readXOR(
        _ bits: inout BitReader,
        window: inout (leading: Int, meaningful: Int)?,
        afterPrefix: Bool = false
    ) throws(SampleChunkError) -> UInt64 {
        if !afterPrefix {
            guard try bits.readBit() else { return 0 }
        }
        if try bits.readBit() {
            let leading = Int(try bits.read(bits: 6))
            let meaningful = Int(try bits.read(bits: 6)) + 1
            guard leading + meaningful <= 64 else { throw .corrupt("XOR window \(leading)+\(meaningful) bits") }
            window = (leading, meaningful)
        }
        guard let current = window else { throw .corrupt("XOR window reused before one was set") }
        let meaningfulBits = try bits.read(bits: current.meaningful)
        return meaningfulBits << UInt64(64 - current.leading - current.meaningful)
    }

    // MARK: Quotients

    /// A value's counter delta `n` and interval `t` in centiseconds.
    struct Quotient: Equatable {
        var n: UInt64
        var t: UInt64
    }

    /// What a chunk's quotients stand for: rates, or utilizations of a link of `speed` bits/s.
    struct QuotientForm {
        /// 0 for rates.
        var speed: UInt64

        /// The value of a quotient, computed exactly as the poller computes a rate
        /// (`CounterRate`) or its utilization (`InterfaceSpeed.utilization`).
        @inline(__always)
        func value(of quotient: Quotient) -> Double {
            let rate = Double(quotient.n) / (Double(quotient.t) / 100)
            return self.speed == 0 ? rate : self.utilization(ofRate: rate)
        }

        /// The utilization in percent of a rate in B/s on this link, as `InterfaceSpeed` computes it.
        @inline(__always)
        func utilization(ofRate rate: Double) -> Double {
            rate * 8 / Double(self.speed) * 100
        }

        /// The counter delta over `t` centiseconds nearest to giving `value`.
        @inline(__always)
        func estimate(_ value: Double, t: UInt64) -> Double {
            let rate = self.speed == 0 ? value : value / 100 * Double(self.speed) / 8
            return (rate * (Double(t) / 100)).rounded()
        }
    }

    /// The interval the timestamps suggest: their delta in centiseconds, rounded.
    @inline(__always)
    private static func expectedCentiseconds(_ timestampDelta: Int64) -> UInt64 {
        UInt64(clamping: timestampDelta / 10 + (timestampDelta % 10 >= 5 ? 1 : 0))
    }

    /// Finds quotients near the timestamps' interval. After a value without one (a gauge, or a rate
    /// over the poller's own clock) the next are searched narrowly, widely again every 16th, so
    /// gauges cost little encoding time and a rate series finds its way back.
    struct QuotientSearch {
        static let wideRadius: UInt64 = 24
        static let narrowRadius: UInt64 = 2
        let form: QuotientForm
        private var misses = 0
        private var radius: UInt64 { self.misses % 16 == 0 ? Self.wideRadius : Self.narrowRadius }

        init(form: QuotientForm) {
            self.form = form
        }

        mutating func find(_ value: Double, timestampDelta: Int64) -> Quotient? {
            let bits = value.bitPattern
            guard value >= 0, value.isFinite, bits != (-0.0).bitPattern, timestampDelta > 0 else { return nil }
            let expected = SampleChunkCodec.expectedCentiseconds(timestampDelta)
            var step: UInt64 = 0
            while step <= self.radius {
                if let quotient = self.attempt(value, bits, t: expected &- step)
                    ?? (step > 0 ? self.attempt(value, bits, t: expected &+ step) : nil)
                {
                    self.misses = 0
                    return quotient
                }
                step += 1
            }
            self.misses += 1
            return nil
        }

        /// Tries `t` with the estimated delta and, for utilizations (two more roundings), its
        /// neighbours.
        @inline(__always)
        private func attempt(_ value: Double, _ bits: UInt64, t: UInt64) -> Quotient? {
            guard t > 0, t <= UInt32.max else { return nil }
            let estimate = self.form.estimate(value, t: t)
            guard estimate < 9.2e18 else { return nil }
            let n = UInt64(estimate)
            let candidates = self.form.speed == 0 ? n...n : (n == 0 ? 0 : n - 1)...(n + 1)
            for candidate in candidates {
                let quotient = Quotient(n: candidate, t: t)
                if self.form.value(of: quotient).bitPattern == bits { return quotient }
            }
            return nil
        }
    }

    static func writeQuotient(
        _ quotient: Quotient,
        timestampDelta: Int64,
        length previousLength: inout Int,
        into bits: inout BitWriter
    ) {
        let difference = Int64(bitPattern: quotient.t &- Self.expectedCentiseconds(timestampDelta))
        let zigzag = UInt64(bitPattern: (difference << 1) ^ (difference >> 63))
        switch zigzag {
        case 0: bits.write(bit: false)
        case 1...8:
            bits.write(0b10, bits: 2)
            bits.write(zigzag - 1, bits: 3)
        case 9...264:
            bits.write(0b110, bits: 3)
            bits.write(zigzag - 9, bits: 8)
        default:
            bits.write(0b111, bits: 3)
            bits.write(quotient.t, bits: 32)
        }
        let length = 64 - quotient.n.leadingZeroBitCount
        if length == previousLength {
            bits.write(bit: false)
        } else {
            bits.write(bit: true)
            bits.write(UInt64(length), bits: 6)
            previousLength = length
        }
        if length > 1 {
            bits.write(quotient.n & ((1 << UInt64(length - 1)) - 1), bits: length - 1)
        }
    }

    static func readQuotient(
        _ bits: inout BitReader,
        timestampDelta: Int64,
        length previousLength: inout Int,
        form: QuotientForm
    ) throws(SampleChunkError) -> Double {
        let expected = Self.expectedCentiseconds(timestampDelta)
        var t: UInt64
        if !(try bits.readBit()) {
            t = expected
        } else {
            let zigzag: UInt64
            if !(try bits.readBit()) {
                zigzag = try bits.read(bits: 3) + 1
            } else if !(try bits.readBit()) {
                zigzag = try bits.read(bits: 8) + 9
            } else {
                zigzag = 0
            }
            if zigzag == 0 {
                t = try bits.read(bits: 32)
            } else {
                let difference = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
                t = expected &+ UInt64(bitPattern: difference)
            }
        }
        guard t > 0, t <= UInt32.max else { throw .corrupt("quotient interval \(t)") }
        if try bits.readBit() {
            previousLength = Int(try bits.read(bits: 6))
        }
        let length = previousLength
        guard length <= 63 else { throw .corrupt("quotient of \(length) bits") }
        var n: UInt64 = 0
        if length > 0 {
            n = 1 << UInt64(length - 1)
            if length > 1 { n |= try bits.read(bits: length - 1) }
        }
        return form.value(of: Quotient(n: n, t: t))
    }

    // MARK: Varints

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    static func readVarint(_ bytes: [UInt8], offset: inout Int) throws(SampleChunkError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .truncated }
            guard shift < 63 else { throw .corrupt("varint too long") }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib computes it.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// The CRC-32 of `bytes`.
    static func checksum<Bytes: Collection>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
