import NetmonCore
import Testing

@testable import Storage

@Suite("FlowPackCodec")
struct FlowPackCodecTests {
    static func pack(_ records: [FlowRecord], base: Int64) -> [UInt8] {
        var encoder = FlowPackEncoder(base: base)
        for record in records {
            encoder.append(record, last: record.lastSwitched)
        }
        return encoder.finish()
    }

    @Test("CRC-32 is zlib's")
    func checksum() {
        #expect(FlowPackChecksum.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(FlowPackChecksum.checksum([]) == 0)
        let long = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(FlowPackChecksum.checksum(long) == CRC32.checksum(long))
    }

    @Test("records round-trip field by field, extremes included")
    func roundTrip() throws {
        var records = FlowRawEquivalenceTests.records(count: 500, seed: 9).map {
            FlowRawEquivalenceTests.stored($0)
        }
        var extreme = FlowRecord(
            origin: .pcap,
            exporter: .v4(1),
            observationDomain: .max,
            ipVersion: 255,
            sourceAddress: .v6(high: .max, low: .max),
            destinationAddress: .v4(.max),
            sourcePort: .max,
            destinationPort: .max,
            ipProtocol: .max,
            tcpFlags: .max,
            packets: .max,
            bytes: .max,
            firstSwitched: .min,
            lastSwitched: .max,
            inputInterface: .max,
            outputInterface: .max,
            direction: .egress,
            sourceAS: .max,
            destinationAS: .max,
            vlan: .max,
            samplingRate: .max
        )
        records.append(extreme)
        extreme.lastSwitched = .min
        extreme.firstSwitched = .max
        extreme.direction = .ingress
        records.append(extreme)
        let exporter = IPAddress.v4(1)
        records = records.map {
            var record = $0
            record.exporter = exporter
            return record
        }
        let pack = Self.pack(records, base: flowBaseTime)
        #expect(try FlowPackCodec.decode(pack, exporter: exporter) == records)
        let ipv4Only = records.filter { $0.sourceAddress.version == 4 && $0.destinationAddress.version == 4 }
        let small = Self.pack(Array(ipv4Only.prefix(100)), base: flowBaseTime)
        #expect(small.count < 100 * 48, "\(small.count) bytes for 100 IPv4 records")
        #expect(try FlowPackCodec.decode(Self.pack([], base: 0), exporter: exporter).isEmpty)
    }

    @Test("every truncation, every single-bit flip and a foreign version throw, never trap")
    func damage() {
        let records = Array(FlowRawEquivalenceTests.records(count: 12, seed: 4).map(FlowRawEquivalenceTests.stored))
        let pack = Self.pack(records, base: flowBaseTime)
        for length in 0..<pack.count {
            #expect(throws: FlowPackError.self) { try FlowPackCodec.decode(Array(pack[0..<length]), exporter: .v4(1)) }
        }
        for bit in 0..<(pack.count * 8) {
            var damaged = pack
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: FlowPackError.self) { try FlowPackCodec.decode(damaged, exporter: .v4(1)) }
        }
        var future = pack
        future[0] = 2
        #expect(throws: FlowPackError.unsupportedVersion(2)) { try FlowPackCodec.decode(future, exporter: .v4(1)) }
    }

    @Test("a consistent checksum over inconsistent contents is still refused")
    func corruptButChecksummed() {
        func resealed(_ bytes: [UInt8]) -> [UInt8] {
            var body = Array(bytes.dropLast(4))
            let crc = FlowPackChecksum.checksum(body)
            body += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> UInt32($0)) }
            return body
        }
        let pack = Self.pack([FlowRecord(origin: .ipfix, exporter: .v4(1), lastSwitched: 5)], base: 0)
        var hugeCount = pack
        hugeCount[1] = 0xFF
        #expect(throws: FlowPackError.self) { try FlowPackCodec.decode(resealed(hugeCount), exporter: .v4(1)) }
        var badOrigin = pack
        badOrigin[13] |= 0xE0
        #expect(throws: FlowPackError.self) { try FlowPackCodec.decode(resealed(badOrigin), exporter: .v4(1)) }
        let trailing = resealed(Array(pack.dropLast(4)) + [0, 0, 0, 0, 0])
        #expect(throws: FlowPackError.self) { try FlowPackCodec.decode(trailing, exporter: .v4(1)) }
    }

    @Test("the packer makes one pack per exporter and minute, split at the record limit")
    func packer() throws {
        var packer = FlowPacker(maximumRecordsPerPack: 10)
        var packs: [FlowPacker.Pack] = []
        let records = FlowFixtures.records(count: 200, minutes: 3)
        for record in records {
            if let full = packer.add(record, receivedAt: 0) { packs.append(full) }
        }
        packs += packer.finishAll()
        #expect(packs.reduce(0) { $0 + $1.records } == 200)
        #expect(packs.allSatisfy { $0.records <= 10 })
        var back: [FlowRecord] = []
        for pack in packs {
            let exporter = IPAddress(parsing: pack.exporter)!
            let decoded = try FlowPackCodec.decode(pack.data, exporter: exporter)
            #expect(decoded.count == pack.records)
            #expect(decoded.allSatisfy { FlowPacker.minute(of: $0.lastSwitched) == pack.minute })
            #expect(
                FlowCounters.of(decoded)
                    == FlowCounters(packets: pack.scaledPackets, bytes: pack.scaledBytes, flows: UInt64(pack.records))
            )
            back += decoded
        }
        #expect(
            FlowRawEquivalenceTests.multiset(back)
                == FlowRawEquivalenceTests.multiset(records.map(FlowRawEquivalenceTests.stored))
        )
        #expect(FlowPacker.minute(of: -1) == -60_000)
        #expect(FlowPacker.minute(of: 119_999) == 60_000)
    }
}
