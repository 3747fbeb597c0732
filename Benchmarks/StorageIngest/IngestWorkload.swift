import NetmonCore

/// A deterministic workload shaped like interface polling: `seriesCount` series sampled once a
/// minute; even series are octet counters (monotonic, integral), odd series are bit rates.
struct IngestWorkload {
    let seriesCount: Int
    let rounds: Int
    let startMilliseconds: Int64 = 1_700_000_000_000

    var sampleCount: Int { self.seriesCount * self.rounds }

    /// Calls `body` once per round with that round's samples (one per series), in time order.
    func forEachRound(_ body: ([Sample]) async throws -> Void) async rethrows {
        var random = SplitMix64(seed: 0x6E65_746D_6F6E)
        var counters = [Double](repeating: 0, count: self.seriesCount)
        var round: [Sample] = []
        round.reserveCapacity(self.seriesCount)
        for minute in 0..<self.rounds {
            round.removeAll(keepingCapacity: true)
            let timestamp = self.startMilliseconds + Int64(minute) * 60_000
            for series in 0..<self.seriesCount {
                let value: Double
                if series % 2 == 0 {
                    counters[series] += Double(random.next() % 75_000_000)
                    value = counters[series]
                } else {
                    value = Double(random.next() % 1_000_000_000) / 100
                }
                round.append(Sample(seriesID: Int64(series + 1), timestamp: timestamp, value: value))
            }
            try await body(round)
        }
    }
}

/// A small, fast, deterministic generator (Steele, Lea, Flood 2014).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
