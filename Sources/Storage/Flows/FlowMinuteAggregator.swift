public import NetmonCore

/// The key of one per-minute flow aggregate, within one minute and exporter.
public struct FlowMinuteKey: Sendable, Hashable {
    /// Input interface ifIndex (0 when unknown).
    public var inputInterface: UInt32
    /// Output interface ifIndex (0 when unknown).
    public var outputInterface: UInt32
    /// Flow direction, when the exporter says it.
    public var direction: FlowDirection?
    /// Source address.
    public var sourceAddress: IPAddress
    /// Destination address.
    public var destinationAddress: IPAddress
    /// Source port.
    public var sourcePort: UInt16
    /// Destination port.
    public var destinationPort: UInt16
    /// IP protocol number.
    public var ipProtocol: UInt8

    /// Hashes the key as five words rather than field by field: the aggregator hashes one key per
    /// record, so this is on the writer's hot path.
    public func hash(into hasher: inout Hasher) {
        Self.combine(self.sourceAddress, into: &hasher)
        Self.combine(self.destinationAddress, into: &hasher)
        let direction: UInt64
        switch self.direction {
        case nil: direction = 0
        case .ingress: direction = 1
        case .egress: direction = 2
        }
        hasher.combine(UInt64(self.inputInterface) << 32 | UInt64(self.outputInterface))
        hasher.combine(
            UInt64(self.sourcePort) << 32 | UInt64(self.destinationPort) << 16 | UInt64(self.ipProtocol) << 8
                | direction
        )
    }

    private static func combine(_ address: IPAddress, into hasher: inout Hasher) {
        switch address {
        case .v4(let value):
            hasher.combine(UInt64(value))
        case .v6(let high, let low):
            hasher.combine(high ^ 0x5555_5555_0000_0000)
            hasher.combine(low)
        }
    }

    /// The key of `record`.
    public init(_ record: FlowRecord) {
        self.inputInterface = record.inputInterface
        self.outputInterface = record.outputInterface
        self.direction = record.direction
        self.sourceAddress = record.sourceAddress
        self.destinationAddress = record.destinationAddress
        self.sourcePort = record.sourcePort
        self.destinationPort = record.destinationPort
        self.ipProtocol = record.ipProtocol
    }
}

/// Scaled packets, scaled bytes and a flow count, added with saturation at `UInt64.max`.
public struct FlowCounters: Sendable, Hashable {
    /// Packets multiplied by the sampling rate.
    public var packets: UInt64
    /// Bytes multiplied by the sampling rate.
    public var bytes: UInt64
    /// Flow records.
    public var flows: UInt64

    /// Creates counters (zero by default).
    public init(packets: UInt64 = 0, bytes: UInt64 = 0, flows: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
        self.flows = flows
    }

    /// Adds `other`, saturating.
    public mutating func add(_ other: FlowCounters) {
        self.packets = Self.saturatingSum(self.packets, other.packets)
        self.bytes = Self.saturatingSum(self.bytes, other.bytes)
        self.flows = Self.saturatingSum(self.flows, other.flows)
    }

    static func saturatingSum(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? UInt64.max : sum
    }
}

/// One row of `flows_minute`: a key (or an "other" remainder) and its counters.
///
/// A row with a nil ``sourceAddress`` is an "other" row: the traffic of the keys outside the top
/// keys of its minute and exporter. Its destination, ports and protocol are nil too; its interfaces
/// and direction are kept unless they were folded as well (then nil, and ``direction`` nil).
public struct FlowMinuteRow: Sendable, Hashable {
    /// Start of the minute, UTC epoch milliseconds.
    public var minute: Int64
    /// The exporter's address as text.
    public var exporter: String
    /// Input ifIndex; nil in the fully folded "other" row.
    public var inputInterface: UInt32?
    /// Output ifIndex; nil in the fully folded "other" row.
    public var outputInterface: UInt32?
    /// Direction; nil when unknown or folded.
    public var direction: FlowDirection?
    /// Source address; nil in "other" rows.
    public var sourceAddress: IPAddress?
    /// Destination address; nil in "other" rows.
    public var destinationAddress: IPAddress?
    /// Source port; nil in "other" rows.
    public var sourcePort: UInt16?
    /// Destination port; nil in "other" rows.
    public var destinationPort: UInt16?
    /// IP protocol; nil in "other" rows.
    public var ipProtocol: UInt8?
    /// Scaled packets, scaled bytes and flows.
    public var counters: FlowCounters

    /// True for an "other" (remainder) row.
    public var isOther: Bool { self.sourceAddress == nil }
}

/// Aggregates flow records per minute and exporter, keeping only the top keys by scaled bytes.
///
/// A pure value: records and the wall clock go in, rows come out. A record belongs to the minute of
/// its `lastSwitched` (or of the receive time passed in when the exporter gave none). A minute
/// closes once the wall clock is `closeDelay` past its end; closing selects the `topKeys` keys with
/// the most scaled bytes and sums the rest into "other" rows (see ``FlowMinuteRow``), so the sum of
/// the rows always equals the sum of the records.
///
/// Memory stays bounded under a scan or a DDoS: when one minute and exporter tracks more than
/// `maximumKeys` keys, all but the `2 × topKeys` largest are folded into its "other" counters at
/// once. Totals stay exact; a folded key that comes back is counted anew, so under such pressure the
/// top keys are chosen among what survived (the heavy hitters do).
public struct FlowMinuteAggregator: Sendable {
    struct BucketID: Hashable {
        var minute: Int64
        var exporter: IPAddress
    }

    struct InterfaceKey: Hashable {
        var input: UInt32
        var output: UInt32
        var direction: FlowDirection?
    }

    struct Bucket {
        var keys: FlowKeyTable
        var other: [InterfaceKey: FlowCounters] = [:]
        var otherAll = FlowCounters()

        init(seed: UInt64) {
            self.keys = FlowKeyTable(seed: seed)
        }
    }

    /// Milliseconds in a minute.
    public static let minuteMilliseconds: Int64 = 60_000

    /// Keys kept per minute and exporter.
    public let topKeys: Int
    /// How long after its end a minute stays open for late records, in milliseconds.
    public let closeDelayMilliseconds: Int64
    /// Keys tracked per minute and exporter before the smallest are folded into "other".
    public let maximumKeys: Int

    private var buckets: [BucketID: Bucket] = [:]
    /// The seed of every key table (random per aggregator).
    private let seed = UInt64.random(in: .min ... .max)

    /// Creates an aggregator keeping `topKeys` keys per minute and exporter.
    ///
    /// - Parameters:
    ///   - closeDelay: how long after its end a minute waits for late records (default 2 minutes).
    ///   - maximumKeys: keys tracked per open minute and exporter before folding (default
    ///     `max(8 × topKeys, 8,192)`).
    public init(topKeys: Int, closeDelay: Duration = .seconds(120), maximumKeys: Int? = nil) {
        self.topKeys = max(1, topKeys)
        self.closeDelayMilliseconds = max(0, closeDelay.wholeMilliseconds)
        self.maximumKeys = max(maximumKeys ?? max(8 * self.topKeys, 8_192), 2 * self.topKeys + 1)
    }

    /// Open (minute, exporter) buckets.
    public var openBucketCount: Int { self.buckets.count }

    /// Keys tracked over every open bucket.
    public var trackedKeyCount: Int { self.buckets.values.reduce(0) { $0 + $1.keys.count + $1.other.count } }

    /// The start of the minute `record` is counted in (epoch ms); `receivedAt` stands in for a
    /// missing `lastSwitched`.
    public static func minute(of record: FlowRecord, receivedAt: Int64) -> Int64 {
        let time = record.lastSwitched > 0 ? record.lastSwitched : receivedAt
        return Self.floorMinute(time)
    }

    static func floorMinute(_ time: Int64) -> Int64 {
        let remainder = ((time % Self.minuteMilliseconds) + Self.minuteMilliseconds) % Self.minuteMilliseconds
        return time - remainder
    }

    /// Adds `record`, received at `receivedAt` (epoch ms).
    public mutating func add(_ record: FlowRecord, receivedAt: Int64) {
        let id = BucketID(
            minute: Self.minute(of: record, receivedAt: receivedAt),
            exporter: record.exporter
        )
        let counters = FlowCounters(packets: record.scaledPackets, bytes: record.scaledBytes, flows: 1)
        let key = FlowMinuteKey(record)
        var bucket = self.buckets.removeValue(forKey: id) ?? Bucket(seed: self.seed)
        bucket.keys.add(key, counters)
        if bucket.keys.count > self.maximumKeys {
            self.fold(&bucket)
        }
        self.buckets[id] = bucket
    }

    /// Adds every record of `records`, received at `receivedAt` (epoch ms).
    ///
    /// Consecutive records of one minute and exporter (the records of one datagram) are added to
    /// their bucket without looking it up again.
    public mutating func add(_ records: some Sequence<FlowRecord>, receivedAt: Int64) {
        var currentID: BucketID?
        var bucket = Bucket(seed: self.seed)
        for record in records {
            let id = BucketID(minute: Self.minute(of: record, receivedAt: receivedAt), exporter: record.exporter)
            if id != currentID {
                if let currentID { self.buckets[currentID] = bucket }
                bucket = self.buckets.removeValue(forKey: id) ?? Bucket(seed: self.seed)
                currentID = id
            }
            let counters = FlowCounters(packets: record.scaledPackets, bytes: record.scaledBytes, flows: 1)
            bucket.keys.add(FlowMinuteKey(record), counters)
            if bucket.keys.count > self.maximumKeys {
                self.fold(&bucket)
            }
        }
        if let currentID { self.buckets[currentID] = bucket }
    }

    /// How far past the wall clock a record's minute may start and still wait to close (10
    /// minutes): minutes further ahead (an exporter with a wrong clock) close at the next call, so
    /// they can not pile up in memory.
    public static let futureToleranceMilliseconds: Int64 = 600_000

    /// Closes every minute whose end is at least the close delay before `now` (epoch ms), and every
    /// minute more than ``futureToleranceMilliseconds`` ahead of it, and returns their rows, oldest
    /// minute first.
    public mutating func closeMinutes(now: Int64) -> [FlowMinuteRow] {
        let closing = self.buckets.keys.filter {
            $0.minute + Self.minuteMilliseconds + self.closeDelayMilliseconds <= now
                || $0.minute > now + Self.futureToleranceMilliseconds
        }
        return self.close(closing)
    }

    /// Closes every open minute (at shutdown) and returns its rows, oldest minute first.
    public mutating func closeAll() -> [FlowMinuteRow] {
        self.close(Array(self.buckets.keys))
    }

    private mutating func close(_ ids: [BucketID]) -> [FlowMinuteRow] {
        var rows: [FlowMinuteRow] = []
        let ordered = ids.map { (id: $0, exporter: $0.exporter.description) }
            .sorted { ($0.id.minute, $0.exporter) < ($1.id.minute, $1.exporter) }
        for (id, exporter) in ordered {
            guard let bucket = self.buckets.removeValue(forKey: id) else { continue }
            rows += self.rows(of: bucket, minute: id.minute, exporter: exporter)
        }
        return rows
    }

    /// Folds all but the `2 × topKeys` largest keys into "other".
    ///
    /// The cut is found by selection (linear), not by sorting, and the kept keys go into a fresh
    /// table: a scan folds every few thousand records, so this is on the writer's hot path.
    private func fold(_ bucket: inout Bucket) {
        let keep = 2 * self.topKeys
        guard bucket.keys.count > keep else { return }
        var sizes = bucket.keys.counters.map(\.bytes)
        let threshold = Quickselect.value(atRank: keep - 1, in: &sizes)
        // Keys above the threshold all stay; keys at it stay while places are left.
        var equalPlaces = keep - sizes.reduce(0) { $0 + ($1 > threshold ? 1 : 0) }
        // Room for the keys that arrive until the next fold, so the table does not grow again.
        var kept = FlowKeyTable(capacity: self.maximumKeys + 1, seed: self.seed)
        // Folded keys mostly share their interfaces with the key before: sum runs of them and
        // look the "other" bucket up once per run, not once per key.
        var run: (interface: InterfaceKey, counters: FlowCounters)?
        for (key, counters) in zip(bucket.keys.keys, bucket.keys.counters) {
            if counters.bytes > threshold || (counters.bytes == threshold && equalPlaces > 0) {
                if counters.bytes == threshold { equalPlaces -= 1 }
                kept.add(key, counters)
                continue
            }
            let interface = InterfaceKey(
                input: key.inputInterface,
                output: key.outputInterface,
                direction: key.direction
            )
            if run?.interface == interface {
                run?.counters.add(counters)
            } else {
                if let run { bucket.other[run.interface, default: FlowCounters()].add(run.counters) }
                run = (interface, counters)
            }
        }
        if let run { bucket.other[run.interface, default: FlowCounters()].add(run.counters) }
        bucket.keys = kept
        if bucket.other.count > self.maximumKeys {
            let rankedOther = bucket.other.sorted { $0.value.bytes > $1.value.bytes }
            for (interface, counters) in rankedOther[keep...] {
                bucket.otherAll.add(counters)
                bucket.other[interface] = nil
            }
        }
    }

    private func rows(of bucket: Bucket, minute: Int64, exporter: String) -> [FlowMinuteRow] {
        var rows: [FlowMinuteRow] = []
        var other = bucket.other
        var otherAll = bucket.otherAll
        let ranked = zip(bucket.keys.keys, bucket.keys.counters).sorted { $0.1.bytes > $1.1.bytes }
        for (index, (key, counters)) in ranked.enumerated() {
            if index < self.topKeys {
                rows.append(
                    FlowMinuteRow(
                        minute: minute,
                        exporter: exporter,
                        inputInterface: key.inputInterface,
                        outputInterface: key.outputInterface,
                        direction: key.direction,
                        sourceAddress: key.sourceAddress,
                        destinationAddress: key.destinationAddress,
                        sourcePort: key.sourcePort,
                        destinationPort: key.destinationPort,
                        ipProtocol: key.ipProtocol,
                        counters: counters
                    )
                )
            } else {
                let interface = InterfaceKey(
                    input: key.inputInterface,
                    output: key.outputInterface,
                    direction: key.direction
                )
                other[interface, default: FlowCounters()].add(counters)
            }
        }
        let rankedOther = other.sorted { $0.value.bytes > $1.value.bytes }
        for (index, (interface, counters)) in rankedOther.enumerated() {
            if index < self.topKeys {
                rows.append(
                    FlowMinuteRow(
                        minute: minute,
                        exporter: exporter,
                        inputInterface: interface.input,
                        outputInterface: interface.output,
                        direction: interface.direction,
                        counters: counters
                    )
                )
            } else {
                otherAll.add(counters)
            }
        }
        if otherAll.flows > 0 {
            rows.append(FlowMinuteRow(minute: minute, exporter: exporter, counters: otherAll))
        }
        return rows
    }
}
