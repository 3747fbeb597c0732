/// One measured value of one metric series at one instant.
///
/// Samples are what the collectors produce and what `Storage` writes. A series is identified by a
/// database id (see `Storage`); the timestamp is UTC epoch milliseconds.
public struct Sample: Sendable, Hashable {
    /// The id of the metric series this value belongs to.
    public var seriesID: Int64
    /// UTC epoch milliseconds.
    public var timestamp: Int64
    /// The measured value.
    public var value: Double

    public init(seriesID: Int64, timestamp: Int64, value: Double) {
        self.seriesID = seriesID
        self.timestamp = timestamp
        self.value = value
    }
}
