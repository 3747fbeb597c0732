/// Packs several series of one UTC day into one chunk that stores what they share once (chunk
/// format version 3): an interface's series are polled together, so they have the same
/// timestamps, and its utilizations are functions of its octet rates.
///
/// Layout: magic `0x47`, version `3`, a CRC-32 (IEEE, big-endian) of everything after it, the
/// member count as a varint, per member four varints — its sample count, its speed (as in
/// ``SampleChunkCodec``: the link speed of a utilization series, else 0), its timestamp source
/// (0: its own; `j + 1`: the same timestamps as member `j`) and its base (0: none; `j + 1`: its
/// values are the utilization of member `j`'s rates at its speed) — then one bit stream (most
/// significant bit first, zero padded) holding each member in turn:
///
/// - with its own timestamps: the first in 64 bits, then deltas of deltas coded as in version 2;
/// - its values: the first in 64 bits; each further one in the value code of version 2 (`0` the
///   same bits as before, `10` an XOR, `11` a quotient). With a base, every value (the first
///   too) is prefixed by one bit: `0` when it is exactly `base * 8 / speed * 100` — what the
///   poller stores as the utilization of that rate — computed from the base's value at the same
///   position, `1` followed by its own code otherwise.
///
/// References point only to earlier members, a base must have the member's timestamps, and the
/// encoder checks each derived value bit for bit, so every round trip is exact whatever the input.
/// The decoder checks every count, reference and length and throws ``SampleChunkError``: it never
/// traps, and every sample it allocates costs at least one bit of the chunk. Standard library
/// only (fuzzed by Fuzz/SampleChunkFuzz.swift).
public enum SampleChunkSetCodec {
    /// The format version of a chunk set.
    public static let version: UInt8 = 3
    /// The most members one set may hold.
    public static let maximumMembers = 1_024

    /// One series of a set.
    public struct Member: Sendable, Hashable {
        /// Epoch ms, non-decreasing.
        public var timestamps: [Int64]
        /// One value per timestamp.
        public var values: [Double]
        /// For a utilization series, its link speed in bits/s; 0 otherwise.
        public var speed: UInt64
        /// The index of an earlier member whose rates (B/s) this member's values are the
        /// utilization of, at `speed`; used where every value checks out.
        public var utilizationOf: Int?

        /// Creates a member.
        public init(timestamps: [Int64], values: [Double], speed: UInt64 = 0, utilizationOf: Int? = nil) {
            self.timestamps = timestamps
            self.values = values
            self.speed = speed
            self.utilizationOf = utilizationOf
        }
    }

    /// Encodes `members` in order.
    ///
    /// - Throws: ``SampleChunkError/invalidInput(_:)`` for more than ``maximumMembers`` members, or a
    ///   member whose arrays differ in length, exceed ``SampleChunkCodec/maximumCount`` or whose
    ///   timestamps go backwards.
    public static func encode(_ members: [Member]) throws(SampleChunkError) -> [UInt8] {
        guard members.count <= Self.maximumMembers else {
            throw .invalidInput("\(members.count) members, more than \(Self.maximumMembers)")
        }
        var header = SampleChunkCodec.varint(UInt64(members.count))
        var bits = BitWriter(reservingCapacity: members.reduce(0) { $0 + $1.timestamps.count })
        for (index, member) in members.enumerated() {
            try Self.validate(member)
            // Header varints are read back below 2^63; no link is that fast.
            let speed = member.speed < 1 << 56 ? member.speed : 0
            let timestampSource = members[..<index].firstIndex { $0.timestamps == member.timestamps }
            var base: Int? = nil
            if let candidate = member.utilizationOf, speed > 0, candidate >= 0, candidate < index,
                members[candidate].timestamps == member.timestamps
            {
                base = candidate
            }
            for field in [
                UInt64(member.timestamps.count), speed, Self.reference(timestampSource), Self.reference(base),
            ] {
                header.append(contentsOf: SampleChunkCodec.varint(field))
            }
            if timestampSource == nil {
                Self.writeTimestamps(member.timestamps, into: &bits)
            }
            Self.writeValues(
                member,
                speed: speed,
                base: base.map { members[$0].values },
                into: &bits
            )
        }
        header.append(contentsOf: bits.bytes)
        return SampleChunkCodec.frame(header, version: Self.version)
    }

    /// Decodes member `index` of a set made by ``encode(_:)``.
    ///
    /// - Throws: ``SampleChunkError`` when the bytes are not a complete, consistent set or it has
    ///   no such member.
    public static func decode(
        _ chunk: [UInt8],
        member index: Int
    ) throws(SampleChunkError) -> (
        timestamps: [Int64], values: [Double]
    ) {
        let members = try Self.decodeMembers(chunk, through: index)
        guard index >= 0, index < members.count else {
            throw .corrupt("no member \(index) in a set of \(members.count)")
        }
        return (members[index].timestamps, members[index].values)
    }

    /// Decodes every member of a set made by ``encode(_:)``.
    ///
    /// - Throws: ``SampleChunkError`` when the bytes are not a complete, consistent set.
    public static func decodeAll(_ chunk: [UInt8]) throws(SampleChunkError) -> [(timestamps: [Int64], values: [Double])]
    {
        try Self.decodeMembers(chunk, through: nil).map { ($0.timestamps, $0.values) }
    }

    // MARK: Encoding

    private static func validate(_ member: Member) throws(SampleChunkError) {
        guard member.timestamps.count == member.values.count else {
            throw .invalidInput("\(member.timestamps.count) timestamps but \(member.values.count) values")
        }
        guard member.timestamps.count <= SampleChunkCodec.maximumCount else {
            throw .invalidInput("\(member.timestamps.count) samples, more than \(SampleChunkCodec.maximumCount)")
        }
        for (previous, next) in zip(member.timestamps, member.timestamps.dropFirst()) where next < previous {
            throw .invalidInput("timestamp \(next) after \(previous)")
        }
    }

    private static func reference(_ index: Int?) -> UInt64 {
        index.map { UInt64($0) + 1 } ?? 0
    }

    private static func writeTimestamps(_ timestamps: [Int64], into bits: inout BitWriter) {
        guard let first = timestamps.first else { return }
        bits.write(UInt64(bitPattern: first), bits: 64)
        var previousDelta: Int64 = 0
        for index in timestamps.indices.dropFirst() {
            let delta = timestamps[index] &- timestamps[index - 1]
            SampleChunkCodec.writeDeltaOfDelta(delta &- previousDelta, into: &bits)
            previousDelta = delta
        }
    }

    private static func writeValues(_ member: Member, speed: UInt64, base: [Double]?, into bits: inout BitWriter) {
        guard let first = member.values.first else { return }
        let derivation = SampleChunkCodec.QuotientForm(speed: speed)
        if let base {
            if derivation.utilization(ofRate: base[0]).bitPattern == first.bitPattern {
                bits.write(bit: false)
            } else {
                bits.write(bit: true)
                bits.write(first.bitPattern, bits: 64)
            }
        } else {
            bits.write(first.bitPattern, bits: 64)
        }
        var previousBits = first.bitPattern
        var window: (leading: Int, meaningful: Int)? = nil
        var quotients = SampleChunkCodec.QuotientSearch(form: derivation)
        var quotientLength = 0
        for index in member.values.indices.dropFirst() {
            let valueBits = member.values[index].bitPattern
            defer { previousBits = valueBits }
            if let base {
                if derivation.utilization(ofRate: base[index]).bitPattern == valueBits {
                    bits.write(bit: false)
                    continue
                }
                bits.write(bit: true)
            }
            let delta = member.timestamps[index] &- member.timestamps[index - 1]
            if valueBits == previousBits {
                bits.write(bit: false)
            } else if let quotient = quotients.find(member.values[index], timestampDelta: delta) {
                bits.write(0b11, bits: 2)
                SampleChunkCodec.writeQuotient(quotient, timestampDelta: delta, length: &quotientLength, into: &bits)
            } else {
                bits.write(0b10, bits: 2)
                SampleChunkCodec.writeXOR(valueBits ^ previousBits, window: &window, into: &bits)
            }
        }
    }

    // MARK: Decoding

    private struct Header {
        var count: Int
        var speed: UInt64
        var timestampSource: Int?
        var base: Int?
    }

    /// Decodes members `0...last` (all when nil).
    private static func decodeMembers(_ chunk: [UInt8], through last: Int?) throws(SampleChunkError) -> [Member] {
        _ = try SampleChunkCodec.checkFrame(chunk) { $0 == Self.version }
        var offset = 6
        let memberCount = try SampleChunkCodec.readVarint(chunk, offset: &offset)
        guard memberCount <= UInt64(Self.maximumMembers) else { throw .corrupt("\(memberCount) members") }
        var headers: [Header] = []
        for index in 0..<Int(memberCount) {
            let count = try SampleChunkCodec.readVarint(chunk, offset: &offset)
            let speed = try SampleChunkCodec.readVarint(chunk, offset: &offset)
            let timestampSource = try Self.readReference(chunk, offset: &offset, member: index)
            let base = try Self.readReference(chunk, offset: &offset, member: index)
            guard count <= UInt64(SampleChunkCodec.maximumCount) else { throw .corrupt("count \(count)") }
            for reference in [timestampSource, base].compactMap({ $0 }) where headers[reference].count != Int(count) {
                throw .corrupt("member \(index) has \(count) samples, its reference \(headers[reference].count)")
            }
            headers.append(Header(count: Int(count), speed: speed, timestampSource: timestampSource, base: base))
        }
        var bits = BitReader(chunk, startByte: offset)
        var members: [Member] = []
        for header in headers {
            if let last, members.count > last { break }
            // Every sample costs at least one bit of its own (a shared timestamp costs none).
            guard header.count <= 1 || header.count - 1 <= bits.remainingBits else { throw .truncated }
            let timestamps =
                if let source = header.timestampSource {
                    members[source].timestamps
                } else {
                    try Self.readTimestamps(count: header.count, &bits)
                }
            let values = try Self.readValues(
                header,
                timestamps: timestamps,
                base: header.base.map { members[$0].values },
                &bits
            )
            members.append(Member(timestamps: timestamps, values: values, speed: header.speed))
        }
        if members.count == headers.count {
            let padding = bits.remainingBits
            guard padding < 8, try bits.read(bits: padding) == 0 else {
                throw .corrupt("bytes after the last member")
            }
        }
        return members
    }

    private static func readReference(
        _ chunk: [UInt8],
        offset: inout Int,
        member: Int
    ) throws(SampleChunkError) -> Int? {
        let value = try SampleChunkCodec.readVarint(chunk, offset: &offset)
        guard value > 0 else { return nil }
        guard value <= UInt64(member) else { throw .corrupt("member \(member) refers to member \(value - 1)") }
        return Int(value - 1)
    }

    private static func readTimestamps(count: Int, _ bits: inout BitReader) throws(SampleChunkError) -> [Int64] {
        guard count > 0 else { return [] }
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(count)
        var timestamp = Int64(bitPattern: try bits.read(bits: 64))
        timestamps.append(timestamp)
        var delta: Int64 = 0
        for _ in 1..<count {
            delta = delta &+ (try SampleChunkCodec.readDeltaOfDelta(&bits))
            let next = timestamp &+ delta
            guard next >= timestamp else { throw .corrupt("timestamps go backwards") }
            timestamp = next
            timestamps.append(timestamp)
        }
        return timestamps
    }

    private static func readValues(
        _ header: Header,
        timestamps: [Int64],
        base: [Double]?,
        _ bits: inout BitReader
    ) throws(SampleChunkError) -> [Double] {
        guard header.count > 0 else { return [] }
        let form = SampleChunkCodec.QuotientForm(speed: header.speed)
        var values: [Double] = []
        values.reserveCapacity(header.count)
        var valueBits: UInt64
        if let base, !(try bits.readBit()) {
            valueBits = form.utilization(ofRate: base[0]).bitPattern
        } else {
            valueBits = try bits.read(bits: 64)
        }
        values.append(Double(bitPattern: valueBits))
        var window: (leading: Int, meaningful: Int)? = nil
        var quotientLength = 0
        for index in 1..<header.count {
            if let base, !(try bits.readBit()) {
                valueBits = form.utilization(ofRate: base[index]).bitPattern
            } else if try bits.readBit() {
                if try bits.readBit() {
                    valueBits = try SampleChunkCodec.readQuotient(
                        &bits,
                        timestampDelta: timestamps[index] &- timestamps[index - 1],
                        length: &quotientLength,
                        form: form
                    ).bitPattern
                } else {
                    valueBits ^= try SampleChunkCodec.readXOR(&bits, window: &window, afterPrefix: true)
                }
            }
            values.append(Double(bitPattern: valueBits))
        }
        return values
    }
}
