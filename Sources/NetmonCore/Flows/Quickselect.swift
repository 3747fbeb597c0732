/// Selection of the k-th largest counter without sorting: the flow table's and the per-minute
/// aggregator's cardinality bounds cut at it on their hot paths.
public enum Quickselect {
    /// The value of rank `rank` (0 = largest) of `values` (`0 <= rank < values.count`), by
    /// quickselect (Hoare partition); reorders `values`. Linear on average.
    public static func value(atRank rank: Int, in values: inout [UInt64]) -> UInt64 {
        var low = 0
        var high = values.count - 1
        while low < high {
            let pivot = values[low + (high - low) / 2]
            var left = low
            var right = high
            while left <= right {
                while values[left] > pivot { left += 1 }
                while values[right] < pivot { right -= 1 }
                if left <= right {
                    values.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if rank <= right {
                high = right
            } else if rank >= left {
                low = left
            } else {
                return values[rank]
            }
        }
        return values[rank]
    }
}
