/// Percentiles by the nearest-rank method, the convention of 95th-percentile billing.
///
/// For `n` values sorted ascending, the p-th percentile (0 < p ≤ 100) is the value at rank
/// `ceil(p / 100 × n)` (1-based): the smallest value such that at least p % of the values are less
/// than or equal to it. It is always one of the values (never interpolated). For 8,640 five-minute
/// samples of a 30-day month, the 95th is the 8,208th smallest: the 432 largest are discarded.
public enum Percentile {
    /// The 1-based nearest rank of the `percent`-th percentile among `count` values (0 when empty).
    ///
    /// Computed in integers (`ceil(percent × count / 100)` for whole percents), so no rounding error
    /// can move the rank.
    public static func rank(percent: Int, count: Int) -> Int {
        precondition(percent > 0 && percent <= 100, "percent must be in 1...100")
        guard count > 0 else { return 0 }
        return (percent * count + 99) / 100
    }

    /// The `percent`-th percentile of `values` (NaN excluded), or nil when none is left.
    public static func nearestRank(_ values: [Double], percent: Int) -> Double? {
        var sorted = values.filter { !$0.isNaN }
        guard !sorted.isEmpty else { return nil }
        sorted.sort()
        return sorted[Self.rank(percent: percent, count: sorted.count) - 1]
    }

    /// The `percent`-th percentile of values already sorted ascending, NaN-free and non-empty.
    public static func nearestRank(sorted: [Double], percent: Int) -> Double {
        sorted[Self.rank(percent: percent, count: sorted.count) - 1]
    }
}
