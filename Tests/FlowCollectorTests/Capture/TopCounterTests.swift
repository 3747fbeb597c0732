import FlowCollector
import NetmonCore
import Testing

@Suite("Top counter: exact below its limit, keeps the heavy half when pruning")
struct TopCounterTests {
    @Test("Below the limit: exact totals, ordered by bytes then packets")
    func exact() {
        var counter = TopCounter<IPAddress>(limit: 1000)
        for index in 0..<500 {
            counter.add(.v4(UInt32(index)), bytes: UInt64(index % 50), packets: 1)
            counter.add(.v6(high: 1, low: UInt64(index)), bytes: 7, packets: 2)
        }
        counter.add(.v4(42), bytes: 1000, packets: 3)
        #expect(counter.count == 1000 && !counter.isApproximate)
        let top = counter.top(3)
        #expect(top[0].key == .v4(42) && top[0].totals == .init(bytes: 1042, packets: 4, flows: 2))
        #expect(top[1].totals.bytes == 49 && top[2].totals.bytes == 49)
    }

    @Test("Past the limit the smaller half goes; the heavy hitters stay exact")
    func prunes() {
        var counter = TopCounter<IPAddress>(limit: 100)
        for round in 0..<20 {
            for heavy in 0..<10 { counter.add(.v4(UInt32(heavy)), bytes: 1_000_000, packets: 1) }
            for light in 0..<90 { counter.add(.v4(UInt32(1000 + round * 90 + light)), bytes: 1, packets: 1) }
        }
        #expect(counter.isApproximate && counter.count <= 100)
        let top = counter.top(10)
        #expect(Set(top.map(\.key)) == Set((0..<10).map { IPAddress.v4(UInt32($0)) }))
        #expect(top.allSatisfy { $0.totals == .init(bytes: 20_000_000, packets: 20, flows: 20) })
    }

    @Test("Prefetching keys ahead (present, absent, across growth and pruning), adding by hash, changes nothing")
    func prefetchIsOnlyAHint() {
        var plain = TopCounter<IPAddress>(limit: 64)
        var hinted = TopCounter<IPAddress>(limit: 64)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var keys: [IPAddress] = []
        for _ in 0..<2000 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            keys.append(state % 3 == 0 ? .v6(high: state >> 40, low: state % 97) : .v4(UInt32(state % 300)))
        }
        for (index, key) in keys.enumerated() {
            let bytes = UInt64(index % 17 + 1)
            plain.add(key, bytes: bytes, packets: 1)
            hinted.prefetchBucket(hash: hinted.hash(of: keys[(index + 8) % keys.count]))
            hinted.prefetchEntry(hash: hinted.hash(of: keys[(index + 4) % keys.count]))
            hinted.prefetchEntry(hash: hinted.hash(of: .v4(0xDEAD_BEEF)))
            hinted.add(key, hash: hinted.hash(of: key), bytes: bytes, packets: 1)
        }
        #expect(plain.isApproximate && hinted.isApproximate)
        #expect(plain.count == hinted.count)
        let expected = plain.top(64)
        let got = hinted.top(64)
        #expect(expected.map(\.key) == got.map(\.key))
        #expect(expected.map(\.totals) == got.map(\.totals))
    }

    @Test("A short top list (selected in one pass) is the head of the long one (sorted), ties included")
    func shortTopIsHeadOfSortedList() {
        var counter = TopCounter<IPAddress>(limit: 400)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            // Few distinct totals: many ties in bytes, and in bytes and packets.
            counter.add(.v4(UInt32(state % 700)), bytes: state % 5 * 100, packets: (state >> 8) % 3)
        }
        #expect(counter.isApproximate)
        let sorted = counter.top(1000)
        #expect(sorted.count == counter.count)
        for count in [1, 2, 10, 64, 65] {
            let short = counter.top(count)
            #expect(short.map(\.key) == sorted.prefix(count).map(\.key))
            #expect(short.map(\.totals) == sorted.prefix(count).map(\.totals))
        }
        #expect(counter.top(0).isEmpty)
    }

    @Test("Selection gives the value of each rank, as sorting does")
    func selection() {
        var state: UInt64 = 88_172_645_463_325_252
        for size in [1, 2, 3, 10, 101, 1000] {
            var values: [UInt64] = (0..<size).map { _ in
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                return state % 37
            }
            let sorted = values.sorted(by: >)
            for rank in [0, size / 2, size - 1] {
                var copy = values
                #expect(Quickselect.value(atRank: rank, in: &copy) == sorted[rank])
            }
            values.removeAll()
        }
    }
}
