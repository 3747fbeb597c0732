import NetmonCore

/// Counts records lost between an exporter and netmond from export sequence numbers.
///
/// What a sequence number counts differs: NetFlow v5 counts flows, v9 counts export packets,
/// IPFIX counts data records, sFlow counts datagrams. A number ahead of the expected one is a gap
/// (loss at the exporter or on the wire); one behind it (reordering, an exporter restart) resets
/// the expectation without counting.
public struct SequenceTracker: Sendable {
    struct Stream: Hashable {
        var exporter: IPAddress
        var origin: FlowOrigin
        var domain: UInt32
    }

    private var expected: [Stream: UInt32] = [:]
    /// Streams remembered at most; the oldest insertion order is not tracked, so the table is
    /// simply cleared when full (a few gaps go uncounted rather than memory growing).
    private let capacity: Int

    public init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    /// Records a datagram and returns how many units (flows, packets or records) were missed
    /// before it.
    public mutating func observe(_ datagram: FlowDatagram, exporter: IPAddress) -> UInt64 {
        let stream = Stream(exporter: exporter, origin: datagram.origin, domain: datagram.observationDomain)
        let advance: UInt32
        switch datagram.origin {
        case .netflow5: advance = UInt32(truncatingIfNeeded: datagram.records.count)
        case .ipfix: advance = UInt32(truncatingIfNeeded: datagram.stats.dataRecords)
        default: advance = 1
        }
        defer {
            if self.expected.count >= self.capacity && self.expected[stream] == nil { self.expected.removeAll() }
            self.expected[stream] = datagram.sequenceNumber &+ advance
        }
        guard let expected = self.expected[stream] else { return 0 }
        let ahead = datagram.sequenceNumber &- expected
        // Within half the sequence space ahead: lost units; otherwise behind (reordered, restarted).
        return ahead < (1 << 31) ? UInt64(ahead) : 0
    }
}
