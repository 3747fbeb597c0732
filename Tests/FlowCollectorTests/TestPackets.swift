/// Builders of small NetFlow v9 / IPFIX datagrams for unit tests.
enum TestPackets {
    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func u32(_ value: UInt32) -> [UInt8] { self.u16(UInt16(value >> 16)) + self.u16(UInt16(value & 0xFFFF)) }

    /// A set or flowset: id, length, body.
    static func set(id: UInt16, body: [UInt8]) -> [UInt8] {
        self.u16(id) + self.u16(UInt16(truncatingIfNeeded: body.count + 4)) + body
    }

    /// A NetFlow v9 packet: uptime 10,000 ms, unix time 1,767,225,600 s, sequence 7, source id 1.
    static func v9(sets: [[UInt8]], sourceID: UInt32 = 1) -> [UInt8] {
        self.u16(9) + self.u16(UInt16(sets.count)) + self.u32(10_000) + self.u32(1_767_225_600) + self.u32(7)
            + self.u32(sourceID) + sets.flatMap { $0 }
    }

    /// An IPFIX message: export time 1,767,225,600 s, sequence 7, observation domain 1.
    static func ipfix(sets: [[UInt8]], domain: UInt32 = 1) -> [UInt8] {
        let body = sets.flatMap { $0 }
        return self.u16(10) + self.u16(UInt16(truncatingIfNeeded: body.count + 16)) + self.u32(1_767_225_600)
            + self.u32(7) + self.u32(domain) + body
    }

    /// A template record: id, field count, (type, length) pairs.
    static func template(id: UInt16, fields: [(UInt16, UInt16)]) -> [UInt8] {
        self.u16(id) + self.u16(UInt16(fields.count)) + fields.flatMap { self.u16($0.0) + self.u16($0.1) }
    }
}
