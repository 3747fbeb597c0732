import NetmonCore

/// What the flow writer took from its queue: the producers' arrays as they were submitted.
struct FlowQueueTake {
    /// The submitted arrays, oldest first.
    var submissions: [[FlowRecord]]

    /// The records in order, cut into batches of at most `size` records (the last may be
    /// smaller). A submission is split across two batches where a batch boundary falls inside it;
    /// slices share the submitted arrays, nothing is copied.
    func batches(size: Int) -> [FlowBatch] {
        let size = max(1, size)
        var batches: [FlowBatch] = []
        var current = FlowBatch()
        for submission in self.submissions {
            var rest = submission[...]
            while !rest.isEmpty {
                let part = rest.prefix(size - current.count)
                current.parts.append(part)
                current.count += part.count
                rest = rest.dropFirst(part.count)
                if current.count == size {
                    batches.append(current)
                    current = FlowBatch()
                }
            }
        }
        if current.count > 0 { batches.append(current) }
        return batches
    }
}

/// Records the flow writer aggregates and commits in one transaction, as slices of submissions.
struct FlowBatch {
    /// The slices, in order.
    var parts: [ArraySlice<FlowRecord>] = []
    /// The number of records over all parts.
    var count = 0

    /// Every record, in order.
    var records: FlattenSequence<[ArraySlice<FlowRecord>]> { self.parts.joined() }
}
