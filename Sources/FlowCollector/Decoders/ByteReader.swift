#if canImport(NetmonCore)
import NetmonCore
#endif

/// A bounds-checked big-endian cursor over a datagram.
///
/// Every read checks the remaining length and throws ``FlowDecodingError/truncated(offset:needed:)``
/// instead of trapping. A reader can be narrowed to a sub-range (a set, a sample, a record) with
/// ``subReader(length:)``, which also advances the parent past that range.
package struct ByteReader {
    /// The whole datagram.
    package let bytes: [UInt8]
    /// The index of the next byte to read.
    package private(set) var offset: Int
    /// One past the last readable index.
    package let end: Int

    /// Reads `bytes[start..<end]` (the whole array by default).
    package init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        let end = min(end ?? bytes.count, bytes.count)
        self.offset = min(max(0, start), end)
        self.end = end
    }

    /// Bytes left to read.
    package var remaining: Int { self.end - self.offset }

    private func require(_ count: Int) throws(FlowDecodingError) {
        guard count >= 0, count <= self.remaining else {
            throw .truncated(offset: self.offset, needed: count)
        }
    }

    /// Reads one byte.
    package mutating func readUInt8() throws(FlowDecodingError) -> UInt8 {
        try self.require(1)
        defer { self.offset += 1 }
        return self.bytes[self.offset]
    }

    /// Reads a big-endian 16-bit integer.
    package mutating func readUInt16() throws(FlowDecodingError) -> UInt16 {
        UInt16(truncatingIfNeeded: try self.readUnsigned(length: 2))
    }

    /// Reads a big-endian 32-bit integer.
    package mutating func readUInt32() throws(FlowDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try self.readUnsigned(length: 4))
    }

    /// Reads a big-endian 64-bit integer.
    package mutating func readUInt64() throws(FlowDecodingError) -> UInt64 {
        try self.readUnsigned(length: 8)
    }

    /// Reads a big-endian unsigned integer of 0 to 8 bytes (RFC 7011 reduced-size encoding).
    package mutating func readUnsigned(length: Int) throws(FlowDecodingError) -> UInt64 {
        guard length <= 8 else { throw .invalidLength(offset: self.offset) }
        try self.require(length)
        let start = self.offset
        self.offset += length
        // The range is checked above; the common widths are one unaligned load each.
        return self.bytes.withUnsafeBytes { raw in
            switch length {
            case 1: return UInt64(raw[start])
            case 2: return UInt64(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt16.self)))
            case 4: return UInt64(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
            case 8: return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            default:
                var value: UInt64 = 0
                for index in start..<(start + length) {
                    value = value << 8 | UInt64(raw[index])
                }
                return value
            }
        }
    }

    /// Reads a 4-byte IPv4 address.
    package mutating func readIPv4() throws(FlowDecodingError) -> IPAddress {
        .v4(try self.readUInt32())
    }

    /// Reads a 16-byte IPv6 address.
    package mutating func readIPv6() throws(FlowDecodingError) -> IPAddress {
        let high = try self.readUInt64()
        let low = try self.readUInt64()
        return .v6(high: high, low: low)
    }

    /// Skips `count` bytes.
    package mutating func skip(_ count: Int) throws(FlowDecodingError) {
        try self.require(count)
        self.offset += count
    }

    /// Returns a reader over the next `length` bytes and advances past them.
    package mutating func subReader(length: Int) throws(FlowDecodingError) -> ByteReader {
        try self.require(length)
        let reader = ByteReader(self.bytes, start: self.offset, end: self.offset + length)
        self.offset += length
        return reader
    }

    /// Copies the next `length` bytes and advances past them.
    package mutating func readBytes(_ length: Int) throws(FlowDecodingError) -> ArraySlice<UInt8> {
        try self.require(length)
        defer { self.offset += length }
        return self.bytes[self.offset..<(self.offset + length)]
    }
}
