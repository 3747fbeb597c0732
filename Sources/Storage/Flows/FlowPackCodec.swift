public import NetmonCore

/// Why a flow pack could not be read.
public enum FlowPackError: Error, Sendable, Hashable {
    /// The pack ends before its header, a record or its checksum.
    case truncated
    /// The first byte names a layout this version of netmond does not read.
    case unsupportedVersion(UInt8)
    /// The CRC-32 does not match the bytes.
    case checksumMismatch
    /// The bytes are complete and checksummed but inconsistent (a count, a code, a varint).
    case corrupt(String)
}

/// The binary layout of a flow pack: the raw records of one exporter and one minute in one BLOB of
/// `flows_raw_packed`, instead of one SQLite row each.
///
/// Layout, version 1 (integers big-endian; varints unsigned LEB128; "zigzag" maps signed to
/// unsigned as protobuf does):
///
/// - header, 13 bytes: version `1` (u8), record count (u32), base time in epoch ms (i64; the
///   pack's minute);
/// - per record: flags (u8: bit 0 source IPv6, bit 1 destination IPv6, bit 2 direction known,
///   bit 3 direction egress, bit 4 VLAN known, bits 5–7 origin: 0 netflow5, 1 netflow9, 2 ipfix,
///   3 sflow, 4 pcap); IP version (u8); source and destination address (4 or 16 network-order
///   bytes each); source and destination port (u16 each); protocol (u8); TCP flags (u8); then
///   varints: packets, bytes, sampling rate, zigzag(`last_ms` − base), zigzag(`last_ms` −
///   `first_ms`), input ifIndex, output ifIndex, source AS, destination AS, observation domain;
///   then the VLAN id (u16) when bit 4 is set;
/// - trailer: CRC-32 (IEEE, as zlib) of every byte before it (u32).
///
/// A record takes 30–40 bytes for IPv4 (an SQLite row of the old `flows_raw` took about 90 plus its
/// index entry). `last_ms` is the record's `lastSwitched`, or its receive time when it had none;
/// arithmetic on times wraps, so every value round-trips. Records keep their order. The decoder
/// checks the version, the checksum, every length and every code, and throws ``FlowPackError`` on
/// anything inconsistent: it never traps.
public enum FlowPackCodec {
    /// The layout version this codec writes and reads.
    public static let version: UInt8 = 1
    /// Header bytes before the first record.
    static let headerSize = 13
    /// The fewest bytes one record takes (two IPv4 addresses, one-byte varints, no VLAN).
    static let minimumRecordSize = 1 + 1 + 8 + 4 + 2 + 10

    static let origins: [FlowOrigin] = [.netflow5, .netflow9, .ipfix, .sflow, .pcap]

    static func originCode(_ origin: FlowOrigin) -> UInt8 {
        switch origin {
        case .netflow5: return 0
        case .netflow9: return 1
        case .ipfix: return 2
        case .sflow: return 3
        case .pcap: return 4
        }
    }

    /// Reads every record of `pack`, in order, calling `body` with each (its `exporter` is
    /// `exporter`, its `lastSwitched` the stored `last_ms`; next hop, ToS and sampling source are
    /// not stored).
    ///
    /// - Returns: the base time (the pack's minute).
    @discardableResult
    public static func decode(
        _ pack: UnsafeRawBufferPointer,
        exporter: IPAddress,
        _ body: (FlowRecord) throws(FlowPackError) -> Void
    ) throws(FlowPackError) -> Int64 {
        guard pack.count >= 1 else { throw .truncated }
        guard pack[0] == Self.version else { throw .unsupportedVersion(pack[0]) }
        guard pack.count >= Self.headerSize + 4 else { throw .truncated }
        let payload = UnsafeRawBufferPointer(rebasing: pack[0..<(pack.count - 4)])
        var reader = FlowPackReader(pack, offset: pack.count - 4)
        let stored = try reader.u32()
        guard FlowPackChecksum.checksum(payload) == stored else { throw .checksumMismatch }
        reader = FlowPackReader(payload, offset: 1)
        let count = Int(try reader.u32())
        let base = Int64(bitPattern: try reader.u64())
        guard count <= (payload.count - Self.headerSize) / Self.minimumRecordSize else {
            throw .corrupt("count \(count) for \(payload.count) bytes")
        }
        for _ in 0..<count {
            try body(try Self.readRecord(&reader, base: base, exporter: exporter))
        }
        guard reader.offset == payload.count else {
            throw .corrupt("\(payload.count - reader.offset) bytes after the last record")
        }
        return base
    }

    /// Reads every record of `pack` into an array (see ``decode(_:exporter:_:)``).
    public static func decode(_ pack: [UInt8], exporter: IPAddress) throws(FlowPackError) -> [FlowRecord] {
        var records: [FlowRecord] = []
        let result = pack.withUnsafeBytes { bytes -> Result<Void, FlowPackError> in
            do throws(FlowPackError) {
                try Self.decode(bytes, exporter: exporter) { (record: FlowRecord) throws(FlowPackError) in
                    records.append(record)
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return records
    }

    private static func readRecord(
        _ reader: inout FlowPackReader,
        base: Int64,
        exporter: IPAddress
    ) throws(FlowPackError) -> FlowRecord {
        let flags = try reader.u8()
        let originCode = Int(flags >> 5)
        guard originCode < Self.origins.count else { throw .corrupt("origin code \(originCode)") }
        var record = FlowRecord(origin: Self.origins[originCode], exporter: exporter)
        record.ipVersion = try reader.u8()
        record.sourceAddress = try reader.address(v6: flags & 0x01 != 0)
        record.destinationAddress = try reader.address(v6: flags & 0x02 != 0)
        record.sourcePort = try reader.u16()
        record.destinationPort = try reader.u16()
        record.ipProtocol = try reader.u8()
        record.tcpFlags = try reader.u8()
        record.packets = try reader.varint()
        record.bytes = try reader.varint()
        let rate = try reader.varint()
        guard rate >= 1, rate <= UInt64(UInt32.max) else { throw .corrupt("sampling rate \(rate)") }
        record.samplingRate = UInt32(rate)
        let last = base &+ Self.unzigzag(try reader.varint())
        record.lastSwitched = last
        record.firstSwitched = last &- Self.unzigzag(try reader.varint())
        record.inputInterface = try reader.varint32()
        record.outputInterface = try reader.varint32()
        record.sourceAS = try reader.varint32()
        record.destinationAS = try reader.varint32()
        record.observationDomain = try reader.varint32()
        if flags & 0x04 != 0 {
            record.direction = flags & 0x08 != 0 ? .egress : .ingress
        } else if flags & 0x08 != 0 {
            throw .corrupt("direction bits \(flags & 0x0C)")
        }
        if flags & 0x10 != 0 {
            record.vlan = try reader.u16()
        }
        return record
    }

    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}

/// Builds one flow pack (see ``FlowPackCodec``), record by record.
///
/// Writes through a pointer into a buffer grown ahead of need (a record takes at most
/// ``maximumRecordSize`` bytes), not byte by byte through `Array.append`: the flow writer encodes
/// every record, so this is on its hot path.
struct FlowPackEncoder {
    /// The most bytes one record takes (two IPv6 addresses, ten-byte varints, a VLAN).
    static let maximumRecordSize = 1 + 1 + 32 + 4 + 2 + 10 * 10 + 2

    /// The pack's base time: the start of the minute of its records' `last_ms`.
    let base: Int64
    /// Records appended so far.
    private(set) var count = 0
    /// Sum of the records' packets scaled by sampling, saturating.
    private(set) var scaledPackets: UInt64 = 0
    /// Sum of the records' bytes scaled by sampling, saturating.
    private(set) var scaledBytes: UInt64 = 0
    /// Bytes written; `buffer` beyond it is zero padding.
    private var length = 0
    private var buffer: [UInt8]

    /// Starts a pack based at `base`, with room for about `capacity` IPv4 records.
    init(base: Int64, capacity: Int = 64) {
        self.base = base
        self.buffer = [UInt8](repeating: 0, count: FlowPackCodec.headerSize + 4 + 36 * max(1, capacity))
        self.buffer.withUnsafeMutableBytes { bytes in
            var writer = FlowPackWriter(bytes, offset: 0)
            writer.u8(FlowPackCodec.version)
            writer.fixed(0, bytes: 4)
            writer.fixed(UInt64(bitPattern: base), bytes: 8)
            self.length = writer.offset
        }
    }

    /// Appends `record`, whose `last_ms` is `last` (its `lastSwitched`, or its receive time when
    /// it has none).
    mutating func append(_ record: FlowRecord, last: Int64) {
        if self.buffer.count - self.length < Self.maximumRecordSize {
            self.buffer.append(contentsOf: repeatElement(0, count: max(self.buffer.count, 4 * Self.maximumRecordSize)))
        }
        let base = self.base
        let start = self.length
        self.length = self.buffer.withUnsafeMutableBytes { bytes in
            var writer = FlowPackWriter(bytes, offset: start)
            var flags = FlowPackCodec.originCode(record.origin) << 5
            if case .v6 = record.sourceAddress { flags |= 0x01 }
            if case .v6 = record.destinationAddress { flags |= 0x02 }
            if let direction = record.direction {
                flags |= direction == .egress ? 0x0C : 0x04
            }
            if record.vlan != nil { flags |= 0x10 }
            writer.u8(flags)
            writer.u8(record.ipVersion)
            writer.address(record.sourceAddress)
            writer.address(record.destinationAddress)
            writer.fixed(UInt64(record.sourcePort), bytes: 2)
            writer.fixed(UInt64(record.destinationPort), bytes: 2)
            writer.u8(record.ipProtocol)
            writer.u8(record.tcpFlags)
            writer.varint(record.packets)
            writer.varint(record.bytes)
            writer.varint(UInt64(max(1, record.samplingRate)))
            writer.varint(FlowPackCodec.zigzag(last &- base))
            writer.varint(FlowPackCodec.zigzag(last &- record.firstSwitched))
            writer.varint(UInt64(record.inputInterface))
            writer.varint(UInt64(record.outputInterface))
            writer.varint(UInt64(record.sourceAS))
            writer.varint(UInt64(record.destinationAS))
            writer.varint(UInt64(record.observationDomain))
            if let vlan = record.vlan {
                writer.fixed(UInt64(vlan), bytes: 2)
            }
            return writer.offset
        }
        self.count += 1
        self.scaledPackets = FlowCounters.saturatingSum(self.scaledPackets, record.scaledPackets)
        self.scaledBytes = FlowCounters.saturatingSum(self.scaledBytes, record.scaledBytes)
    }

    /// The finished pack: the count filled in and the checksum appended.
    consuming func finish() -> [UInt8] {
        var bytes = self.buffer
        bytes.removeLast(bytes.count - self.length)
        let count = UInt32(truncatingIfNeeded: self.count)
        for index in 0..<4 {
            bytes[1 + index] = UInt8(truncatingIfNeeded: count >> UInt32(24 - 8 * index))
        }
        let checksum = FlowPackChecksum.checksum(bytes)
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: checksum >> UInt32(shift)))
        }
        return bytes
    }
}

/// Writes into a buffer the caller has made large enough (``FlowPackEncoder/maximumRecordSize``).
struct FlowPackWriter {
    private let bytes: UnsafeMutableRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeMutableRawBufferPointer, offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func u8(_ value: UInt8) {
        self.bytes[self.offset] = value
        self.offset += 1
    }

    mutating func fixed(_ value: UInt64, bytes count: Int) {
        var shift = UInt64(8 * (count - 1))
        for _ in 0..<count {
            self.bytes[self.offset] = UInt8(truncatingIfNeeded: value >> shift)
            self.offset += 1
            shift &-= 8
        }
    }

    mutating func address(_ address: IPAddress) {
        switch address {
        case .v4(let value):
            self.fixed(UInt64(value), bytes: 4)
        case .v6(let high, let low):
            self.fixed(high, bytes: 8)
            self.fixed(low, bytes: 8)
        }
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.bytes[self.offset] = UInt8(truncatingIfNeeded: value) | 0x80
            self.offset += 1
            value >>= 7
        }
        self.bytes[self.offset] = UInt8(value)
        self.offset += 1
    }
}

/// A bounds-checked cursor over a pack's bytes.
struct FlowPackReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func u8() throws(FlowPackError) -> UInt8 {
        guard self.offset < self.bytes.count else { throw .truncated }
        defer { self.offset += 1 }
        return self.bytes[self.offset]
    }

    mutating func u16() throws(FlowPackError) -> UInt16 {
        UInt16(truncatingIfNeeded: try self.fixed(2))
    }

    mutating func u32() throws(FlowPackError) -> UInt32 {
        UInt32(truncatingIfNeeded: try self.fixed(4))
    }

    mutating func u64() throws(FlowPackError) -> UInt64 {
        try self.fixed(8)
    }

    mutating func address(v6: Bool) throws(FlowPackError) -> IPAddress {
        if v6 {
            let high = try self.fixed(8)
            return .v6(high: high, low: try self.fixed(8))
        }
        return .v4(try self.u32())
    }

    mutating func varint() throws(FlowPackError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard self.offset < self.bytes.count else { throw .truncated }
            let byte = self.bytes[self.offset]
            self.offset += 1
            guard shift < 64, shift < 63 || byte <= 1 else { throw .corrupt("varint beyond 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func varint32() throws(FlowPackError) -> UInt32 {
        let value = try self.varint()
        guard value <= UInt64(UInt32.max) else { throw .corrupt("value \(value) beyond 32 bits") }
        return UInt32(value)
    }

    private mutating func fixed(_ count: Int) throws(FlowPackError) -> UInt64 {
        guard self.bytes.count - self.offset >= count else { throw .truncated }
        var value: UInt64 = 0
        for index in self.offset..<(self.offset + count) {
            value = value << 8 | UInt64(self.bytes[index])
        }
        self.offset += count
        return value
    }
}
