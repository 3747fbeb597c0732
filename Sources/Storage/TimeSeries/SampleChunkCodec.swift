/// Packs the samples of one series into a compressed chunk and back, bit-exactly, in the spirit of
/// Facebook's Gorilla paper (Pelkonen et al., VLDB 2015).
///
/// Layout: magic `0x47` ("G"), version `1`, a CRC-32 (IEEE, big-endian) of everything after it, the
/// sample count as an unsigned LEB128 varint, then a bit stream (most significant bit first, zero
/// padded to a byte):
///
/// - the first timestamp and the first value's bit pattern, 64 bits each;
/// - per further sample, the timestamp as a delta of deltas (milliseconds) in a prefix code —
///   `0` for 0; `10` + 7 bits for −63…64; `110` + 9 bits for −255…256; `1110` + 12 bits for
///   −2047…2048; `11110` + 32 bits; `11111` + 64 bits — then the value's bit pattern XORed with the
///   previous one: `0` when equal; `10` + the meaningful bits when they fit in the previous window
///   of leading and trailing zeros; `11` + 6 bits of leading zeros + 6 bits of (length − 1) + the
///   meaningful bits otherwise.
///
/// Values are handled as bit patterns, so NaN payloads, ±Inf, −0.0 and subnormals round-trip
/// exactly. Timestamps must not go backwards (equal ones are allowed); arithmetic on them wraps, so
/// every Int64 round-trips. The decoder checks the magic, version, checksum, count, every length and
/// the padding, and throws ``SampleChunkError`` on anything inconsistent: it never traps and never
/// allocates more than the chunk's size allows. Standard library only, so that the libFuzzer target
/// (scripts/fuzz/run.sh, Fuzz/SampleChunkFuzz.swift) is a plain `swiftc` build.
public enum SampleChunkCodec {
    /// The first byte of every chunk.
    public static let magic: UInt8 = 0x47
    /// The format version this codec writes and reads.
    public static let version: UInt8 = 1
    /// The most samples one chunk may hold.
    public static let maximumCount = 1 << 24

    /// Encodes `timestamps` (epoch ms, non-decreasing) and their `values`.
    ///
    /// - Throws: ``SampleChunkError/invalidInput(_:)`` when the arrays differ in length, hold more
    ///   than ``maximumCount`` samples or a timestamp goes backwards.
    public static func encode(timestamps: [Int64], values: [Double]) throws(SampleChunkError) -> [UInt8] {
        guard timestamps.count == values.count else {
            throw .invalidInput("\(timestamps.count) timestamps but \(values.count) values")
        }
        guard timestamps.count <= Self.maximumCount else {
            throw .invalidInput("\(timestamps.count) samples, more than \(Self.maximumCount)")
        }
        var bits = BitWriter(reservingCapacity: 16 + timestamps.count * 2)
        if let firstTimestamp = timestamps.first, let firstValue = values.first {
            bits.write(UInt64(bitPattern: firstTimestamp), bits: 64)
            bits.write(firstValue.bitPattern, bits: 64)
            var previousTimestamp = firstTimestamp
            var previousDelta: Int64 = 0
            var previousBits = firstValue.bitPattern
            var window: (leading: Int, meaningful: Int)? = nil
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
                Self.writeXOR(valueBits ^ previousBits, window: &window, into: &bits)
                previousBits = valueBits
            }
        }
        var payload = Self.varint(UInt64(timestamps.count))
        payload.append(contentsOf: bits.bytes)
        let checksum = CRC32.checksum(payload)
        var chunk: [UInt8] = [Self.magic, Self.version]
        chunk.reserveCapacity(6 + payload.count)
        for shift in stride(from: 24, through: 0, by: -8) {
            chunk.append(UInt8(truncatingIfNeeded: checksum >> UInt32(shift)))
        }
        chunk.append(contentsOf: payload)
        return chunk
    }

    /// Decodes a chunk made by ``encode(timestamps:values:)``.
    ///
    /// - Throws: ``SampleChunkError`` when the bytes are not a complete, consistent chunk.
    public static func decode(_ chunk: [UInt8]) throws(SampleChunkError) -> (timestamps: [Int64], values: [Double]) {
        guard chunk.count >= 2 else { throw .truncated }
        guard chunk[0] == Self.magic, chunk[1] == Self.version else {
            throw .unsupportedFormat(magic: chunk[0], version: chunk[1])
        }
        guard chunk.count >= 7 else { throw .truncated }
        var stored: UInt32 = 0
        for index in 2..<6 {
            stored = stored << 8 | UInt32(chunk[index])
        }
        guard CRC32.checksum(chunk[6...]) == stored else { throw .checksumMismatch }
        var offset = 6
        let count = try Self.readVarint(chunk, offset: &offset)
        guard count <= UInt64(Self.maximumCount) else { throw .corrupt("count \(count)") }
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
            for _ in 1..<Int(count) {
                delta = delta &+ (try Self.readDeltaOfDelta(&bits))
                let next = timestamp &+ delta
                guard next >= timestamp else { throw .corrupt("timestamps go backwards") }
                timestamp = next
                valueBits ^= try Self.readXOR(&bits, window: &window)
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

    private static func writeDeltaOfDelta(_ value: Int64, into bits: inout BitWriter) {
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

    private static func readDeltaOfDelta(_ bits: inout BitReader) throws(SampleChunkError) -> Int64 {
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

    private static func writeXOR(
        _ xor: UInt64,
        window: inout (leading: Int, meaningful: Int)?,
        into bits: inout BitWriter
    ) {
        if xor == 0 {
            bits.write(bit: false)
            return
        }
        let leading = min(xor.leadingZeroBitCount, 63)
        let trailing = xor.trailingZeroBitCount
        if let current = window, leading >= current.leading,
            trailing >= 64 - current.leading - current.meaningful
        {
            bits.write(0b10, bits: 2)
            bits.write(xor >> UInt64(64 - current.leading - current.meaningful), bits: current.meaningful)
            return
        }
        let meaningful = 64 - leading - trailing
        bits.write(0b11, bits: 2)
        bits.write(UInt64(leading), bits: 6)
        bits.write(UInt64(meaningful - 1), bits: 6)
        bits.write(xor >> UInt64(trailing), bits: meaningful)
        window = (leading, meaningful)
    }

    private static func readXOR(
        _ bits: inout BitReader,
        window: inout (leading: Int, meaningful: Int)?
    ) throws(SampleChunkError) -> UInt64 {
        guard try bits.readBit() else { return 0 }
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

    // MARK: Varints

    private static func varint(_ value: UInt64) -> [UInt8] {
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

    private static func readVarint(_ bytes: [UInt8], offset: inout Int) throws(SampleChunkError) -> UInt64 {
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
