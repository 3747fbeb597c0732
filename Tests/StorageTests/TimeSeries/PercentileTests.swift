import Testing

@testable import Storage

@Suite("Percentile (nearest rank)")
struct PercentileTests {
    /// The textbook definition, in floating point: the smallest value with at least p % of the
    /// values less than or equal to it.
    static func reference(_ values: [Double], percent: Int) -> Double? {
        let sorted = values.filter { !$0.isNaN }.sorted()
        guard !sorted.isEmpty else { return nil }
        for value in sorted {
            let atOrBelow = sorted.filter { $0 <= value }.count
            if Double(atOrBelow) * 100 >= Double(percent) * Double(sorted.count) {
                return value
            }
        }
        return sorted.last
    }

    @Test("known values: 1...100, 1...20, a billing month")
    func knownValues() {
        let hundred = (1...100).map(Double.init)
        #expect(Percentile.nearestRank(hundred, percent: 95) == 95)
        #expect(Percentile.nearestRank(hundred, percent: 99) == 99)
        #expect(Percentile.nearestRank(hundred, percent: 100) == 100)
        #expect(Percentile.nearestRank((1...20).map(Double.init), percent: 95) == 19)
        #expect(Percentile.rank(percent: 95, count: 8_640) == 8_208)
        #expect(Percentile.rank(percent: 95, count: 1) == 1)
        #expect(Percentile.nearestRank([], percent: 95) == nil)
        #expect(Percentile.nearestRank([.nan, 3, .nan], percent: 95) == 3)
    }

    @Test("equals the reference definition on random samples with ties (property)")
    func matchesReference() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 1...300, using: &generator)
            let values = (0..<count).map { _ in Double(Int.random(in: -50...50, using: &generator)) / 4 }
            for percent in [1, 50, 95, 99, 100] {
                #expect(Percentile.nearestRank(values, percent: percent) == Self.reference(values, percent: percent))
            }
        }
    }
}
