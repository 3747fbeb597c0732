public import GRDB

/// How the values of a series are to be read.
public enum SeriesKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// An instantaneous value (temperature, queue length).
    case gauge
    /// A monotonically increasing counter, possibly wrapping (ifHCInOctets).
    case counter
    /// A per-second rate derived from a counter.
    case rate
}

/// The identity and description of a metric series: what a ``SeriesRegistry`` gets or creates.
///
/// Its identity is (device, interface, metric, instance); `unit` and `kind` describe it.
public struct SeriesKey: Hashable, Sendable {
    /// The device measured, if any.
    public var deviceID: Int64?
    /// The interface measured, if any.
    public var interfaceID: Int64?
    /// The metric name, OID-free (`if_in_octets`).
    public var metric: String
    /// Which of several objects of the same metric on one device (a processor index, a storage
    /// area's name, a sensor); empty when there is one.
    public var instance: String
    /// The unit (`bytes`, `bits/s`, `celsius`), or empty.
    public var unit: String
    /// How values are read.
    public var kind: SeriesKind

    /// Creates a series key.
    public init(
        deviceID: Int64? = nil,
        interfaceID: Int64? = nil,
        metric: String,
        instance: String = "",
        unit: String = "",
        kind: SeriesKind
    ) {
        self.deviceID = deviceID
        self.interfaceID = interfaceID
        self.metric = metric
        self.instance = instance
        self.unit = unit
        self.kind = kind
    }
}

/// A row of the `series` table.
public struct SeriesRecord: Codable, Sendable, Hashable, Identifiable {
    /// The database id; nil until inserted.
    public var id: Int64?
    /// The device measured, if any.
    public var deviceID: Int64?
    /// The interface measured, if any.
    public var interfaceID: Int64?
    /// The metric name.
    public var metric: String
    /// The instance, or empty.
    public var instance: String
    /// The unit, or empty.
    public var unit: String
    /// How values are read.
    public var kind: SeriesKind

    /// Creates a series row from its key.
    public init(id: Int64? = nil, key: SeriesKey) {
        self.id = id
        self.deviceID = key.deviceID
        self.interfaceID = key.interfaceID
        self.metric = key.metric
        self.instance = key.instance
        self.unit = key.unit
        self.kind = key.kind
    }

    /// The key of this series.
    public var key: SeriesKey {
        SeriesKey(
            deviceID: self.deviceID,
            interfaceID: self.interfaceID,
            metric: self.metric,
            instance: self.instance,
            unit: self.unit,
            kind: self.kind
        )
    }

    enum CodingKeys: String, CodingKey {
        case id
        case deviceID = "device_id"
        case interfaceID = "interface_id"
        case metric
        case instance
        case unit
        case kind
    }
}

// MARK: GRDB record

extension SeriesRecord: FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "series"

    /// Takes the id SQLite assigned on insert.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}
