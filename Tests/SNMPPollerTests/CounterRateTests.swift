import SNMPPoller
import Testing

@Suite("Honest counter rates")
struct CounterRateTests {
    private func reading(
        _ value: UInt64,
        width: CounterReading.Width = .bits64,
        uptime: UInt32? = nil,
        at seconds: Double,
        marker: UInt32? = nil
    ) -> CounterReading {
        CounterReading(
            value: value,
            width: width,
            agentUptime: uptime,
            wallTime: Int64(seconds * 1000),
            discontinuityMarker: marker
        )
    }

    @Test("a known delta over the agent's own time gives the exact rate")
    func exactRate() {
        // 60 s by the agent's clock, 60.4 s by the poller's (a late answer): the agent's wins.
        let rate = CounterRate.rate(
            from: self.reading(1_000, uptime: 100_000, at: 0),
            to: self.reading(601_000, uptime: 106_000, at: 60.4)
        )
        #expect(rate == .success(10_000))
    }

    @Test("without sysUpTime the poller's clock is used")
    func wallClockRate() {
        let rate = CounterRate.rate(from: self.reading(0, at: 10), to: self.reading(500, at: 15))
        #expect(rate == .success(100))
    }

    @Test("an implausible agent clock is ignored in favour of the poller's")
    func frozenAgentClock() {
        let rate = CounterRate.rate(
            from: self.reading(0, uptime: 5_000, at: 0),
            to: self.reading(600, uptime: 5_000, at: 60)
        )
        #expect(rate == .success(10))
    }

    @Test("a 32-bit counter that wrapped once gives the right rate")
    func wrap32() {
        let before = UInt64(UInt32.max) - 999  // 1,000 below the wrap
        let rate = CounterRate.rate(
            from: self.reading(before, width: .bits32, uptime: 0, at: 0),
            to: self.reading(9_000, width: .bits32, uptime: 1_000, at: 10)
        )
        #expect(rate == .success(1_000))
    }

    @Test("a reboot (sysUpTime backwards) is a gap, never a spike, even if the counter grew")
    func reboot() {
        let rate = CounterRate.rate(
            from: self.reading(5_000_000, width: .bits32, uptime: 9_000_000, at: 0),
            to: self.reading(7_000_000, width: .bits32, uptime: 3_000, at: 60)
        )
        #expect(rate == .failure(.agentRestarted))
        let dropped = CounterRate.rate(
            from: self.reading(5_000_000, width: .bits32, uptime: 9_000_000, at: 0),
            to: self.reading(100, width: .bits32, uptime: 3_000, at: 60)
        )
        #expect(dropped == .failure(.agentRestarted))
    }

    @Test("sysUpTime's own wrap after 497 days is not a reboot")
    func uptimeWrap() {
        let rate = CounterRate.rate(
            from: self.reading(0, uptime: UInt32.max - 2_999, at: 0),
            to: self.reading(6_000, uptime: 3_000, at: 60)
        )
        #expect(rate == .success(100))
    }

    @Test("a changed discontinuity time is a gap")
    func discontinuity() {
        let rate = CounterRate.rate(
            from: self.reading(100, uptime: 0, at: 0, marker: 0),
            to: self.reading(200, uptime: 6_000, at: 60, marker: 5_000)
        )
        #expect(rate == .failure(.discontinuity))
    }

    @Test("a 64-bit counter going backwards without a reboot is a reset gap")
    func reset64() {
        let rate = CounterRate.rate(
            from: self.reading(10_000, uptime: 0, at: 0),
            to: self.reading(10, uptime: 6_000, at: 60)
        )
        #expect(rate == .failure(.counterReset))
    }

    @Test("a rate above the limit is flagged impossible with its value, not capped")
    func impossible() {
        // 100 Mbit/s = 12.5 MB/s; 2 GB in 60 s is 33 MB/s.
        let rate = CounterRate.rate(
            from: self.reading(0, uptime: 0, at: 0),
            to: self.reading(2_000_000_000, uptime: 6_000, at: 60),
            limit: 12_500_000
        )
        guard case .failure(.impossible(let value, let limit)) = rate else {
            Issue.record("expected impossible, got \(rate)")
            return
        }
        #expect(abs(value - 33_333_333.33) < 1)
        #expect(limit == 12_500_000)
    }

    @Test("no elapsed time is a gap")
    func noTime() {
        #expect(CounterRate.rate(from: self.reading(0, at: 5), to: self.reading(10, at: 5)) == .failure(.noElapsedTime))
    }

    @Test("speed prefers ifHighSpeed and utilisation is a percentage")
    func speed() {
        #expect(InterfaceSpeed.bitsPerSecond(ifSpeed: 4_294_967_295, ifHighSpeed: 10_000) == 10_000_000_000)
        #expect(InterfaceSpeed.bitsPerSecond(ifSpeed: 100_000_000, ifHighSpeed: 0) == 100_000_000)
        #expect(InterfaceSpeed.bitsPerSecond(ifSpeed: 0, ifHighSpeed: nil) == nil)
        #expect(InterfaceSpeed.utilization(bitsPerSecond: 250_000_000, speed: 1_000_000_000) == 25)
    }
}
