import Foundation
import Testing

@testable import Storage

@Suite("SampleChunkSetCodec")
struct SampleChunkSetCodecTests {
    /// A day of one polled interface: in and out rates over the same polls (one sysUpTime
    /// interval per poll, as one PDU reads both counters) and their utilizations as the poller
    /// computes them.
    static func polledInterface(seed: UInt64, busy: Bool, speed: UInt64) -> [SampleChunkSetCodec.Member] {
        var generator = SeededGenerator(seed: seed)
        var timestamps: [Int64] = []
        var inbound: [Double] = []
        var outbound: [Double] = []
        for minute in 0..<1_440 {
            timestamps.append(1_767_225_600_000 + Int64(minute) * 60_000 + Int64.random(in: 0...40, using: &generator))
            let wall = minute == 0 ? 60_000 : timestamps[minute] - timestamps[minute - 1]
            let centiseconds = Double((wall + 5) / 10 + Int64.random(in: -1...1, using: &generator))
            for index in 0..<2 {
                let octets =
                    busy
                    ? UInt64.random(in: 1_400_000_000...2_200_000_000, using: &generator) >> index
                    : UInt64.random(in: 1_800...2_000, using: &generator)
                let rate = Double(octets) / (centiseconds / 100)
                if index == 0 { inbound.append(rate) } else { outbound.append(rate) }
            }
        }
        let utilization = { (rates: [Double]) in rates.map { $0 * 8 / Double(speed) * 100 } }
        return [
            .init(timestamps: timestamps, values: inbound),
            .init(timestamps: timestamps, values: outbound),
            .init(timestamps: timestamps, values: utilization(inbound), speed: speed, utilizationOf: 0),
            .init(timestamps: timestamps, values: utilization(outbound), speed: speed, utilizationOf: 1),
        ]
    }

    static func roundTrip(_ members: [SampleChunkSetCodec.Member]) throws -> [UInt8] {
        let chunk = try SampleChunkSetCodec.encode(members)
        let all = try SampleChunkSetCodec.decodeAll(chunk)
        #expect(all.count == members.count)
        for (index, member) in members.enumerated() {
            let one = try SampleChunkSetCodec.decode(chunk, member: index)
            for decoded in [one, all[index]] {
                #expect(decoded.timestamps == member.timestamps, "member \(index)")
                #expect(decoded.values.map(\.bitPattern) == member.values.map(\.bitPattern), "member \(index)")
            }
        }
        return chunk
    }

    @Test("an interface's four series round-trip bit-exactly in far fewer bytes than four chunks")
    func interface() throws {
        for (busy, limit) in [(true, 2.9), (false, 1.9), (false, 1.9)] {
            let members = Self.polledInterface(seed: busy ? 21 : 22, busy: busy, speed: 10_000_000_000)
            let chunk = try Self.roundTrip(members)
            let separate = try members.reduce(0) {
                $0 + (try SampleChunkCodec.encode(timestamps: $1.timestamps, values: $1.values, speed: $1.speed)).count
            }
            let perSample = Double(chunk.count) / Double(4 * 1_440)
            // Measured: busy 2.66, quiet 1.40 B/sample; apart 5.75 and 3.23 per series.
            #expect(perSample <= limit, "busy \(busy): \(chunk.count) bytes, apart \(separate)")
            #expect(Double(chunk.count) < Double(separate) * 0.65, "busy \(busy): \(chunk.count) vs \(separate)")
        }
    }

    @Test("an idle interface costs well under a byte per sample")
    func idle() throws {
        var members = Self.polledInterface(seed: 23, busy: false, speed: 1_000_000_000)
        for index in members.indices {
            members[index].values = [Double](repeating: 0, count: members[index].timestamps.count)
        }
        let chunk = try Self.roundTrip(members)
        #expect(Double(chunk.count) / Double(4 * 1_440) <= 0.6, "\(chunk.count) bytes")
    }

    @Test("values that are not the derived utilization, other timestamps and odd members stay exact")
    func mismatches() throws {
        var members = Self.polledInterface(seed: 24, busy: true, speed: 1_000_000_000)
        // Some utilizations off by one ulp or special, one member with its own timestamps.
        for index in stride(from: 0, to: 1_440, by: 7) {
            members[2].values[index] = members[2].values[index].nextUp
        }
        members[3].values[5] = .nan
        members[3].values[6] = -.infinity
        members[3].values[0] = -0.0
        var shifted = members[1]
        shifted.timestamps = shifted.timestamps.map { $0 + 1 }
        members.append(shifted)
        // A base that is later, absent or has other timestamps is ignored, not trusted.
        members.append(.init(timestamps: members[0].timestamps, values: members[2].values, speed: 1, utilizationOf: 7))
        members.append(
            .init(timestamps: shifted.timestamps, values: members[2].values, speed: 1_000_000_000, utilizationOf: 0)
        )
        members.append(.init(timestamps: [], values: []))
        members.append(.init(timestamps: [5], values: [.greatestFiniteMagnitude], speed: .max, utilizationOf: 0))
        _ = try Self.roundTrip(members)
        _ = try Self.roundTrip([])
        _ = try Self.roundTrip([.init(timestamps: [1, 1, 2], values: [0, .nan, 1])])
    }

    @Test("invalid input is refused; corrupt or truncated sets throw, never trap")
    func corrupt() throws {
        #expect(throws: SampleChunkError.self) {
            try SampleChunkSetCodec.encode([.init(timestamps: [2, 1], values: [0, 0])])
        }
        #expect(throws: SampleChunkError.self) { try SampleChunkSetCodec.encode([.init(timestamps: [1], values: [])]) }
        let chunk = try SampleChunkSetCodec.encode(
            Array(
                Self.polledInterface(seed: 25, busy: false, speed: 100_000_000).map { member in
                    var member = member
                    member.timestamps.removeLast(1_400)
                    member.values.removeLast(1_400)
                    return member
                }
            )
        )
        for length in 0..<chunk.count {
            #expect(throws: SampleChunkError.self) { try SampleChunkSetCodec.decodeAll(Array(chunk[0..<length])) }
        }
        for bit in 0..<(chunk.count * 8) {
            var flipped = chunk
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: SampleChunkError.self) { try SampleChunkSetCodec.decodeAll(flipped) }
        }
        #expect(throws: SampleChunkError.self) { try SampleChunkSetCodec.decode(chunk, member: 4) }
        #expect(throws: SampleChunkError.self) { try SampleChunkSetCodec.decode(chunk, member: -1) }
        // A version 2 chunk is not a set, and a set is not a version 2 chunk.
        #expect(throws: SampleChunkError.self) { try SampleChunkCodec.decode(chunk) }
        let single = try SampleChunkCodec.encode(timestamps: [1], values: [1])
        #expect(throws: SampleChunkError.self) { try SampleChunkSetCodec.decodeAll(single) }
    }

    @Test("headers with forward references, count mismatches or absurd counts throw")
    func hostileHeaders() throws {
        func set(_ fields: [UInt64], body: [UInt8] = []) -> [UInt8] {
            let payload = fields.flatMap { SampleChunkCodec.varint($0) } + body
            let checksum = CRC32.checksum(payload)
            return [SampleChunkCodec.magic, SampleChunkSetCodec.version]
                + (0..<4).map { UInt8(truncatingIfNeeded: checksum >> UInt32(24 - 8 * $0)) } + payload
        }
        let cases: [[UInt64]] = [
            [1, 1, 0, 1, 0],  // refers to itself
            [2, 1, 0, 0, 0, 2, 0, 1, 0],  // other count than its timestamp source
            [1, UInt64(SampleChunkCodec.maximumCount) + 1, 0, 0, 0],
            [UInt64(SampleChunkSetCodec.maximumMembers) + 1],
            [1, 1_000_000, 0, 0, 0],  // a million samples in no bits
        ]
        for fields in cases {
            #expect(throws: SampleChunkError.self, "\(fields)") {
                try SampleChunkSetCodec.decodeAll(set(fields, body: [UInt8](repeating: 0, count: 16)))
            }
        }
        #expect(try SampleChunkSetCodec.decodeAll(set([0])).isEmpty)
    }
}
