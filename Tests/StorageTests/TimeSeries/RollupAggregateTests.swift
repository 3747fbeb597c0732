import Testing

@testable import Storage

/// Random series shaped like polled data: 60 s steps with jitter, gaps, counter resets, NaN.
struct RandomSeries {
    var timestamps: [Int64] = []
    var values: [Double] = []

    /// Whole-second timestamps from `start` over `span` ms.
    init(start: Int64, span: Int64, duplicates: Bool = true, generator: inout some RandomNumberGenerator) {
        var timestamp = start + Int64.random(in: 0...59, using: &generator) * 1_000
        var value = Double(Int.random(in: 0...1_000_000, using: &generator))
        while timestamp < start + span {
            self.timestamps.append(timestamp)
            switch Int.random(in: 0..<20, using: &generator) {
            case 0: self.values.append(.nan)
            case 1:
                value = 0  // counter reset
                self.values.append(value)
            case 2: self.values.append(-Double(Int.random(in: 0...100, using: &generator)))
            default:
                value += Double(Int.random(in: 0...50_000, using: &generator)) / 8
                self.values.append(value)
            }
            switch Int.random(in: 0..<30, using: &generator) {
            case 0: timestamp += Int64.random(in: 5...120, using: &generator) * 60_000  // gap
            case 1 where duplicates: break  // two samples at one instant
            default: timestamp += Int64.random(in: 50...70, using: &generator) * 1_000
            }
        }
    }
}

@Suite("RollupAggregate")
struct RollupAggregateTests {
    /// The definition evaluated second by second: a sample holds until the next one or the next
    /// 5-minute boundary.
    static func bruteForce(_ timestamps: [Int64], _ values: [Double], start: Int64, end: Int64) -> RollupAggregate? {
        let kept = zip(timestamps, values).filter { !$0.1.isNaN && $0.0 >= start && $0.0 < end }
        guard !kept.isEmpty else { return nil }
        var weighted = 0.0
        var covered: Int64 = 0
        var second = start
        while second < end {
            let cell = second / 300_000
            if let holder = kept.last(where: { $0.0 <= second && $0.0 / 300_000 == cell }) {
                weighted += holder.1 * 1_000
                covered += 1_000
            }
            second += 1_000
        }
        let plain = kept.map(\.1)
        return RollupAggregate(
            count: kept.count,
            sum: plain.reduce(0, +),
            minimum: plain.min()!,
            maximum: plain.max()!,
            average: covered > 0 ? weighted / Double(covered) : plain.reduce(0, +) / Double(plain.count),
            coveredMilliseconds: covered,
            p95: PercentileTests.reference(plain, percent: 95),
            p99: PercentileTests.reference(plain, percent: 99)
        )
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1)
    }

    static func expectEqual(_ actual: RollupAggregate?, _ expected: RollupAggregate?, exactPercentiles: Bool = true) {
        guard let actual, let expected else {
            #expect(actual == nil && expected == nil)
            return
        }
        #expect(actual.count == expected.count)
        #expect(actual.minimum == expected.minimum)
        #expect(actual.maximum == expected.maximum)
        #expect(actual.coveredMilliseconds == expected.coveredMilliseconds)
        #expect(Self.close(actual.sum, expected.sum), "sum \(actual.sum) vs \(expected.sum)")
        #expect(Self.close(actual.average, expected.average), "avg \(actual.average) vs \(expected.average)")
        if exactPercentiles {
            #expect(actual.p95 == expected.p95)
            #expect(actual.p99 == expected.p99)
        }
    }

    @Test("5-minute, hourly and daily aggregates equal the brute-force definition (property)")
    func matchesBruteForce() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<12 {
            let start: Int64 = 1_700_006_400_000  // a UTC midnight
            let series = RandomSeries(start: start, span: 6 * 3_600_000, generator: &generator)
            let raw = RawSeries(timestamps: series.timestamps, values: series.values)
            for width: Int64 in [300_000, 3_600_000, 86_400_000] {
                let computed = RollupTable.aggregates(raw, width: width, from: start, to: start + 86_400_000)
                var bucket = start
                var found = 0
                while bucket < start + 6 * 3_600_000 {
                    let expected = Self.bruteForce(series.timestamps, series.values, start: bucket, end: bucket + width)
                    let actual = computed.first { $0.start == bucket }?.aggregate
                    Self.expectEqual(actual, expected)
                    found += actual == nil ? 0 : 1
                    bucket += width
                }
                #expect(found == computed.count)
            }
        }
    }

    @Test("combining 5-minute aggregates gives the hourly one (percentiles aside)")
    func combinesToCoarser() {
        var generator = SystemRandomNumberGenerator()
        let start: Int64 = 1_700_006_400_000
        let series = RandomSeries(start: start, span: 3 * 3_600_000, generator: &generator)
        let raw = RawSeries(timestamps: series.timestamps, values: series.values)
        let fine = RollupTable.aggregates(raw, width: 300_000, from: start, to: start + 3 * 3_600_000)
        let hours = RollupTable.aggregates(raw, width: 3_600_000, from: start, to: start + 3 * 3_600_000)
        for (hourStart, hourly) in hours {
            let parts = fine.filter { $0.start >= hourStart && $0.start < hourStart + 3_600_000 }.map(\.aggregate)
            let combined = RollupAggregate.combine(parts)
            Self.expectEqual(combined, hourly, exactPercentiles: false)
            if parts.count > 1 {
                #expect(combined?.p95 == nil)
            }
        }
    }

    @Test("a bucket of NaN only, or empty, has no aggregate; one sample holds to the 5-minute boundary")
    func edgeCases() {
        #expect(RollupAggregate.of(timestamps: [0, 1], values: [.nan, .nan], start: 0, end: 300_000) == nil)
        #expect(RollupAggregate.of(timestamps: [], values: [], start: 0, end: 300_000) == nil)
        let single = RollupAggregate.of(timestamps: [60_000], values: [7], start: 0, end: 3_600_000)
        #expect(single?.coveredMilliseconds == 240_000)
        #expect(single?.average == 7)
        #expect(single?.p95 == 7)
    }
}

extension RawSeries {
    init(timestamps: [Int64], values: [Double]) {
        self.init()
        self.timestamps = timestamps
        self.values = values
    }
}
