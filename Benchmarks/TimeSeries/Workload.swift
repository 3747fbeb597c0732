import Foundation
import NetmonCore

/// A deterministic pseudo-random generator (SplitMix64), so every run stores the same data.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How busy a synthetic interface is.
enum TrafficProfile: String, CaseIterable {
    /// Down or unused: every rate is 0 (40 % of ports, as on a typical access switch).
    case idle
    /// An access port: ~32 B/s of control traffic (STP, LLDP) always, plus bursts of up to ~2 Mbit/s
    /// half of the minutes (35 %).
    case access
    /// An uplink: ~240 Mbit/s with a daily cycle and ±20 % noise, never quiet (25 %).
    case uplink

    static func of(interface: Int) -> TrafficProfile {
        switch interface % 20 {
        case 0..<8: .idle
        case 8..<15: .access
        default: .uplink
        }
    }

    var speedBitsPerSecond: Double { self == .uplink ? 10e9 : 1e9 }
}

/// One synthetic port: 4 series (in/out octet rates in B/s, in/out utilization in %) polled every
/// 60 s at a device-specific second with up to 40 ms of jitter. Rates are computed the way the
/// poller does, octet delta / (sysUpTime delta in centiseconds / 100), so they have full-precision
/// mantissas like real ones; the agent's uptime delta is the poller's interval between the two
/// answers ±10 ms (a late poll is late on both clocks).
struct SyntheticPort {
    let interface: Int
    let profile: TrafficProfile
    let seriesIDs: [Int64]  // in rate, out rate, in %, out %
    let offset: Int64
    var generator: SplitMix64
    var lastTimestamp: Int64?

    init(interface: Int, device: Int, seriesIDs: [Int64]) {
        self.interface = interface
        self.profile = .of(interface: interface)
        self.seriesIDs = seriesIDs
        self.offset = Int64((device * 7_919) % 60) * 1_000
        self.generator = SplitMix64(state: UInt64(interface) &* 0x1234_5678_9ABC)
    }

    /// The four samples of the poll in minute `minute` (epoch minutes).
    mutating func poll(minute: Int64, into samples: inout [Sample]) {
        let timestamp = minute * 60_000 + self.offset + Int64.random(in: 0...40, using: &self.generator)
        let hourOfDay = Double((minute / 60) % 24)
        let daily = max(0.1, 0.55 + 0.45 * sin(2 * Double.pi * (hourOfDay - 6) / 24))
        let interval = self.lastTimestamp.map { timestamp - $0 } ?? 60_000
        self.lastTimestamp = timestamp
        let centiseconds = Double((interval + 5) / 10 + Int64.random(in: -1...1, using: &self.generator))
        var rates: [Double] = []
        for direction in 0..<2 {
            let octets: UInt64
            switch self.profile {
            case .idle:
                octets = 0
            case .access:
                let control = UInt64.random(in: 1_800...2_000, using: &self.generator)
                let quiet = Bool.random(using: &self.generator)
                octets =
                    control + (quiet ? 0 : UInt64(Double.random(in: 0...250_000, using: &self.generator) * daily * 60))
            case .uplink:
                let mean = (direction == 0 ? 30e6 : 12e6) * daily
                octets = UInt64(mean * 60 * Double.random(in: 0.8...1.2, using: &self.generator))
            }
            rates.append(Double(octets) / (centiseconds / 100))
        }
        for (index, rate) in rates.enumerated() {
            samples.append(Sample(seriesID: self.seriesIDs[index], timestamp: timestamp, value: rate))
        }
        for (index, rate) in rates.enumerated() {
            let percent = rate * 8 / self.profile.speedBitsPerSecond * 100
            samples.append(Sample(seriesID: self.seriesIDs[2 + index], timestamp: timestamp, value: percent))
        }
    }
}
