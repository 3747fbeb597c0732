import Testing

@testable import Storage

@Suite("Series ranges end where an interface's series end")
struct SeriesRangeTests {
    @Test("ranges hold at least the group size, end at an owner change, and are cut at four times it")
    func ranges() {
        typealias Owner = RawSampleReader.SeriesOwner
        // Device 1's own 3 series, then 16 per interface for 10 interfaces, ids 101...263.
        var series: [(id: Int64, owner: Owner)] = (0..<3).map { (Int64(101 + $0), Owner(device: 1, interface: nil)) }
        for interface in 0..<10 {
            for metric in 0..<16 {
                series.append((Int64(104 + interface * 16 + metric), Owner(device: 1, interface: Int64(interface))))
            }
        }
        let ranges = RawSampleReader.ranges(of: series, size: 64)
        #expect(ranges == [101...167, 168...231, 232...263])
        // No interface is split: each range ends on the last series of an interface.
        for range in ranges.dropLast() {
            #expect((range.upperBound - 119) % 16 == 0, "\(range)")
        }
        // One owner with 300 series is cut at 4 × 64; gaps in ids stay inside ranges.
        let one = (0..<300).map { (Int64($0 * 2), Owner(device: 2, interface: 5)) }
        #expect(RawSampleReader.ranges(of: one, size: 64) == [0...510, 512...598])
        #expect(RawSampleReader.ranges(of: [], size: 64).isEmpty)
        #expect(RawSampleReader.ranges(of: [(7, Owner())], size: 0) == [7...7])
    }
}
