/// Appends bits, most significant first, to a byte array (the chunk codec's output).
///
/// Standard library only: the chunk decoder is fuzzed as a plain `swiftc` build (scripts/fuzz).
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    /// Bits used in the last byte (0 when it is full or there is none).
    private var usedInLastByte = 0

    init(reservingCapacity capacity: Int = 0) {
        self.bytes.reserveCapacity(capacity)
    }

    /// Appends the low `count` bits of `value` (0...64), most significant first.
    mutating func write(_ value: UInt64, bits count: Int) {
        precondition(count >= 0 && count <= 64)
        var remaining = count
        while remaining > 0 {
            if self.usedInLastByte == 0 {
                self.bytes.append(0)
            }
            let free = 8 - self.usedInLastByte
            let take = min(free, remaining)
            let shifted = value >> UInt64(remaining - take)
            let mask: UInt64 = take == 64 ? .max : (1 << UInt64(take)) - 1
            let piece = UInt8(truncatingIfNeeded: shifted & mask)
            self.bytes[self.bytes.count - 1] |= piece << UInt8(free - take)
            self.usedInLastByte = (self.usedInLastByte + take) % 8
            remaining -= take
        }
    }

    /// Appends one bit.
    mutating func write(bit: Bool) {
        self.write(bit ? 1 : 0, bits: 1)
    }
}

/// Reads bits, most significant first, from a byte array; throws instead of reading past its end.
struct BitReader {
    private let bytes: [UInt8]
    private var position: Int
    private let endBit: Int

    /// A reader over `bytes[startByte...]`.
    init(_ bytes: [UInt8], startByte: Int) {
        self.bytes = bytes
        self.position = startByte * 8
        self.endBit = bytes.count * 8
    }

    /// Bits left to read.
    var remainingBits: Int { self.endBit - self.position }

    /// Reads `count` bits (0...64) as the low bits of the result.
    mutating func read(bits count: Int) throws(SampleChunkError) -> UInt64 {
        guard count >= 0, count <= 64 else { throw .corrupt("bit count \(count)") }
        guard count <= self.remainingBits else { throw .truncated }
        var result: UInt64 = 0
        var remaining = count
        while remaining > 0 {
            let byte = self.bytes[self.position >> 3]
            let offset = self.position & 7
            let available = 8 - offset
            let take = min(available, remaining)
            let piece = (UInt64(byte) >> UInt64(available - take)) & ((1 << UInt64(take)) - 1)
            result = take == 64 ? piece : (result << UInt64(take)) | piece
            self.position += take
            remaining -= take
        }
        return result
    }

    /// Reads one bit.
    mutating func readBit() throws(SampleChunkError) -> Bool {
        try self.read(bits: 1) == 1
    }
}
