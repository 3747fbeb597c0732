import NetmonCore
import Testing

@testable import Storage

@Suite("Flow key table: the same counters as a dictionary, whatever the keys")
struct FlowKeyTableTests {
    static func key(_ n: Int) -> FlowMinuteKey {
        var key = FlowMinuteKey(
            FlowRecord(
                origin: .netflow9,
                exporter: .v4(0x7F00_0001),
                sourceAddress: n % 2 == 0 ? .v4(UInt32(n % 97)) : .v6(high: 0x2001_0db8 << 32, low: UInt64(n % 97)),
                destinationAddress: .v4(0x0A00_0001),
                sourcePort: UInt16(n % 7),
                destinationPort: 443,
                ipProtocol: 6,
                packets: 1,
                bytes: 1,
                inputInterface: UInt32(n % 3)
            )
        )
        key.direction = n % 5 == 0 ? nil : .ingress
        return key
    }

    @Test("counters equal a dictionary's over many repeated keys, across growth, in insertion order")
    func matchesDictionary() {
        var table = FlowKeyTable(seed: 42)
        var reference: [FlowMinuteKey: FlowCounters] = [:]
        var order: [FlowMinuteKey] = []
        for n in 0..<20_000 {
            let key = Self.key(n &* 2_654_435_761 % 5_000)
            let value = FlowCounters(packets: 1, bytes: UInt64(n % 1500), flows: 1)
            table.add(key, value)
            if reference[key] == nil { order.append(key) }
            reference[key, default: FlowCounters()].add(value)
        }
        #expect(table.count == reference.count)
        #expect(table.keys == order)
        for (key, counters) in reference {
            #expect(table.counters(of: key) == counters)
        }
        #expect(table.counters(of: Self.key(1_000_003)) == nil || reference[Self.key(1_000_003)] != nil)
    }

    @Test("an IPv4 key and the IPv6 key with the same low word are different keys")
    func familiesApart() {
        var table = FlowKeyTable(capacity: 4, seed: 7)
        var v4 = Self.key(2)
        v4.sourceAddress = .v4(5)
        var v6 = v4
        v6.sourceAddress = .v6(high: 0, low: 5)
        table.add(v4, FlowCounters(packets: 1, bytes: 10, flows: 1))
        table.add(v6, FlowCounters(packets: 2, bytes: 20, flows: 1))
        #expect(table.count == 2)
        #expect(table.counters(of: v4)?.bytes == 10)
        #expect(table.counters(of: v6)?.bytes == 20)
    }
}
