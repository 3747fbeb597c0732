extension Duration {
    /// The duration in whole milliseconds (truncated), as the database and the C libraries count time.
    public var wholeMilliseconds: Int64 {
        self.components.seconds * 1_000 + self.components.attoseconds / 1_000_000_000_000_000
    }
}
