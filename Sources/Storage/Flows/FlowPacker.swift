import NetmonCore

/// Sorts flow records into packs, one per exporter and minute of `last_ms` (see ``FlowPackCodec``).
///
/// A pure value: records go in, finished packs come out, when one reaches
/// `maximumRecordsPerPack` or when ``finishAll()`` is called. Consecutive records usually share
/// their exporter and minute (they come from one datagram), so the last pack used is tried first.
struct FlowPacker {
    /// A finished pack and what its `flows_raw_packed` row says about it.
    struct Pack: Sendable {
        /// Start of the minute of every record's `last_ms`, UTC epoch milliseconds.
        var minute: Int64
        /// The exporter's address as text.
        var exporter: String
        /// Records in the pack.
        var records: Int
        /// Packets scaled by sampling, summed (saturating).
        var scaledPackets: UInt64
        /// Bytes scaled by sampling, summed (saturating).
        var scaledBytes: UInt64
        /// The encoded pack.
        var data: [UInt8]
    }

    private struct OpenPack {
        var exporter: IPAddress
        var exporterText: String
        var encoder: FlowPackEncoder
    }

    /// Milliseconds per pack (a minute, as the aggregates).
    static let minuteMilliseconds: Int64 = 60_000

    private struct Key: Hashable {
        var exporter: IPAddress
        var minute: Int64
    }

    private let maximumRecordsPerPack: Int
    private var open: [OpenPack] = []
    private var indices: [Key: Int] = [:]
    private var last = -1
    private var exporterText: [IPAddress: String] = [:]

    /// Creates a packer that closes a pack at `maximumRecordsPerPack` records.
    init(maximumRecordsPerPack: Int = FlowBatchInserter.maximumRecordsPerPack) {
        self.maximumRecordsPerPack = max(1, maximumRecordsPerPack)
    }

    /// The start of the minute of `milliseconds` (floor, also before 1970; `Int64.min` in the
    /// first, partial minute of the range).
    static func minute(of milliseconds: Int64) -> Int64 {
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: Self.minuteMilliseconds)
        let (minute, overflow) = (remainder < 0 ? quotient - 1 : quotient).multipliedReportingOverflow(
            by: Self.minuteMilliseconds
        )
        return overflow ? .min : minute
    }

    /// Adds `record` (`last_ms` is its `lastSwitched`, or `receivedAt` when it has none); returns
    /// its pack if that is now full.
    mutating func add(_ record: FlowRecord, receivedAt: Int64) -> Pack? {
        let lastMilliseconds = record.lastSwitched > 0 ? record.lastSwitched : receivedAt
        let minute = Self.minute(of: lastMilliseconds)
        var index = self.last
        if index < 0 || self.open[index].encoder.base != minute || self.open[index].exporter != record.exporter {
            let key = Key(exporter: record.exporter, minute: minute)
            if let found = self.indices[key] {
                index = found
            } else {
                let text =
                    self.exporterText[record.exporter]
                    ?? {
                        let text = record.exporter.description
                        self.exporterText[record.exporter] = text
                        return text
                    }()
                self.open.append(
                    OpenPack(
                        exporter: record.exporter,
                        exporterText: text,
                        encoder: FlowPackEncoder(base: minute, capacity: 256)
                    )
                )
                index = self.open.count - 1
                self.indices[key] = index
            }
            self.last = index
        }
        self.open[index].encoder.append(record, last: lastMilliseconds)
        guard self.open[index].encoder.count >= self.maximumRecordsPerPack else { return nil }
        // Swap-remove the full pack, keeping the index of the one moved into its place.
        self.open.swapAt(index, self.open.count - 1)
        let full = self.open.removeLast()
        self.indices[Key(exporter: full.exporter, minute: full.encoder.base)] = nil
        if index < self.open.count {
            self.indices[Key(exporter: self.open[index].exporter, minute: self.open[index].encoder.base)] = index
        }
        self.last = -1
        return Self.finish(full)
    }

    /// Finishes every open pack.
    mutating func finishAll() -> [Pack] {
        let packs = self.open.map(Self.finish)
        self.open = []
        self.indices = [:]
        self.last = -1
        return packs
    }

    private static func finish(_ open: OpenPack) -> Pack {
        let encoder = open.encoder
        return Pack(
            minute: encoder.base,
            exporter: open.exporterText,
            records: encoder.count,
            scaledPackets: encoder.scaledPackets,
            scaledBytes: encoder.scaledBytes,
            data: encoder.finish()
        )
    }
}
