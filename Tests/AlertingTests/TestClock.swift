/// A manual clock for alert timing tests: UTC epoch milliseconds that only move when told.
struct TestClock {
    private(set) var now: Int64

    init(start: Int64 = 1_800_000_000_000) {
        self.now = start
    }

    mutating func advance(seconds: Int64) {
        self.now += seconds * 1000
    }
}
