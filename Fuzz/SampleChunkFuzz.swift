/// libFuzzer entry point for the compressed sample chunk codecs; built by scripts/fuzz/run.sh with
/// Sources/Storage/TimeSeries/{BitStream,SampleChunkCodec,SampleChunkSetCodec,SampleChunkError}.swift
/// (standard library only).
///
/// Each input is decoded as a chunk and as a chunk set (each must throw or decode, never trap), then read as
/// (timestamp delta, value bits) pairs of 4 + 8 bytes (an odd value word makes a counter rate, or
/// its utilization of 1 Gbit/s, as the poller computes them, instead of raw bits; an odd fifth
/// input byte gives the encoder a link speed) that are encoded, decoded and compared bit for
/// bit (a mismatch traps: a finding), and the encoded chunk is decoded again with one bit flipped.
/// The same samples then make a set of four members as an interface's would (the series, its
/// utilization derived from it, a shifted copy with its own timestamps, and the series again), which
/// must round-trip too, and fail to decode with a bit flipped.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? SampleChunkCodec.decode(bytes)
    _ = try? SampleChunkSetCodec.decodeAll(bytes)

    var timestamps: [Int64] = []
    var values: [Double] = []
    var timestamp: Int64 = bytes.count > 3 ? Int64(bytes[3]) << 40 : 0
    var offset = 0
    while offset + 12 <= bytes.count {
        var delta: UInt64 = 0
        var valueBits: UInt64 = 0
        for index in 0..<4 { delta = delta << 8 | UInt64(bytes[offset + index]) }
        for index in 4..<12 { valueBits = valueBits << 8 | UInt64(bytes[offset + index]) }
        let (next, overflow) = timestamp.addingReportingOverflow(Int64(delta >> UInt64(bytes[offset] & 31)))
        if overflow { break }
        let step = next &- timestamp
        timestamp = next
        timestamps.append(timestamp)
        if valueBits & 1 == 1 {
            // A counter rate as the poller computes it, to reach the quotient form.
            let centiseconds = max(1, step / 10 + Int64(valueBits >> 1 & 7) - 3)
            let rate = Double(valueBits >> 20) / (Double(centiseconds) / 100)
            values.append(valueBits & 2 == 0 ? rate : rate * 8 / 1e9 * 100)
        } else {
            values.append(Double(bitPattern: valueBits))
        }
        offset += 12
    }
    let speed: UInt64 = bytes.count > 4 && bytes[4] & 1 == 1 ? UInt64(bytes[4]) * 100_000_000 : 0
    guard let chunk = try? SampleChunkCodec.encode(timestamps: timestamps, values: values, speed: speed) else {
        fatalError("encoding valid input failed")
    }
    guard let decoded = try? SampleChunkCodec.decode(chunk), decoded.timestamps == timestamps,
        decoded.values.map(\.bitPattern) == values.map(\.bitPattern)
    else {
        fatalError("round trip mismatch")
    }
    if !chunk.isEmpty, let first = bytes.first {
        var flipped = chunk
        let bit = (Int(first) * 131 + size) % (chunk.count * 8)
        flipped[bit / 8] ^= 1 << UInt8(bit % 8)
        if (try? SampleChunkCodec.decode(flipped)) != nil {
            fatalError("a flipped bit decoded without an error")
        }
    }
    fuzzSet(timestamps: timestamps, values: values, speed: speed, seed: Int(bytes.first ?? 0) + size)
    return 0
}

/// Round-trips a set built from one series, then decodes it with one bit flipped.
private func fuzzSet(timestamps: [Int64], values: [Double], speed: UInt64, seed: Int) {
    let linkSpeed = speed == 0 ? 1_000_000_000 : speed
    let members = [
        SampleChunkSetCodec.Member(timestamps: timestamps, values: values),
        SampleChunkSetCodec.Member(
            timestamps: timestamps,
            values: values.enumerated().map {
                $0.offset % 5 == 4 ? $0.element : $0.element * 8 / Double(linkSpeed) * 100
            },
            speed: linkSpeed,
            utilizationOf: 0
        ),
        SampleChunkSetCodec.Member(timestamps: timestamps.map { $0 / 2 }, values: values.reversed()),
        SampleChunkSetCodec.Member(timestamps: timestamps, values: values, speed: speed, utilizationOf: seed % 3),
    ]
    guard let set = try? SampleChunkSetCodec.encode(members) else {
        fatalError("encoding a valid set failed")
    }
    guard let decoded = try? SampleChunkSetCodec.decodeAll(set), decoded.count == members.count else {
        fatalError("set round trip failed")
    }
    for (member, result) in zip(members, decoded)
    where result.timestamps != member.timestamps || result.values.map(\.bitPattern) != member.values.map(\.bitPattern) {
        fatalError("set round trip mismatch")
    }
    var flipped = set
    let bit = seed % (set.count * 8)
    flipped[bit / 8] ^= 1 << UInt8(bit % 8)
    if (try? SampleChunkSetCodec.decodeAll(flipped)) != nil {
        fatalError("a flipped bit in a set decoded without an error")
    }
}
