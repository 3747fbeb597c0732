/// The resolutions the time-series engine keeps: raw samples and three rollup levels.
public enum TimeSeriesResolution: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Raw samples as polled (in `samples` or compressed chunks).
    case raw
    /// 5-minute rollups.
    case fiveMinutes = "5m"
    /// 1-hour rollups.
    case hour = "1h"
    /// 1-day rollups (UTC days).
    case day = "1d"

    /// The rollup levels, finest first.
    public static let rollupLevels: [TimeSeriesResolution] = [.fiveMinutes, .hour, .day]

    /// The width of one bucket in milliseconds; nil for raw samples.
    public var bucketMilliseconds: Int64? {
        switch self {
        case .raw: nil
        case .fiveMinutes: 300_000
        case .hour: 3_600_000
        case .day: 86_400_000
        }
    }

    /// The value stored in the `resolution` column of `rollups` (the bucket width in ms).
    var databaseValue: Int64 { self.bucketMilliseconds ?? 0 }

    /// The order of fineness: raw < 5m < 1h < 1d.
    private var rank: Int {
        switch self {
        case .raw: 0
        case .fiveMinutes: 1
        case .hour: 2
        case .day: 3
        }
    }

    public static func < (lhs: TimeSeriesResolution, rhs: TimeSeriesResolution) -> Bool {
        lhs.rank < rhs.rank
    }

    /// The start of the bucket of width `width` that holds `timestamp` (floor, also for negatives).
    static func floor(_ timestamp: Int64, to width: Int64) -> Int64 {
        let remainder = timestamp % width
        return remainder < 0 ? timestamp - remainder - width : timestamp - remainder
    }
}
