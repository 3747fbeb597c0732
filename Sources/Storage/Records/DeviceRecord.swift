public import GRDB

/// A row of the `devices` table: a device netmond polls, and what discovery learnt about it.
///
/// Times are UTC epoch seconds. `tags` is stored as a JSON array of strings.
public struct DeviceRecord: Codable, Sendable, Hashable, Identifiable {
    /// The SNMP version a device is polled with.
    public enum SNMPVersion: String, Codable, Sendable, Hashable, CaseIterable {
        case v1
        case v2c
        case v3
    }

    /// The database id; nil until inserted.
    public var id: Int64?
    /// A unique, human-chosen name.
    public var name: String
    /// Host name or IP address of the SNMP agent.
    public var address: String
    /// UDP port of the SNMP agent.
    public var port: Int
    /// The SNMP version to poll with.
    public var snmpVersion: SNMPVersion
    /// Seconds between two polls.
    public var pollIntervalSeconds: Int
    /// Free-form tags.
    public var tags: [String]
    /// `sysDescr.0`, once discovered.
    public var sysDescr: String?
    /// `sysObjectID.0` in dotted notation, once discovered.
    public var sysObjectID: String?
    /// `sysName.0`, once discovered.
    public var sysName: String?
    /// `sysLocation.0`, once discovered.
    public var sysLocation: String?
    /// `sysContact.0`, once discovered.
    public var sysContact: String?
    /// When the row was created.
    public var createdAt: Int64
    /// When the row was last changed.
    public var updatedAt: Int64
    /// When discovery last succeeded.
    public var discoveredAt: Int64?

    /// Creates a device that is not yet discovered.
    public init(
        id: Int64? = nil,
        name: String,
        address: String,
        port: Int = 161,
        snmpVersion: SNMPVersion = .v2c,
        pollIntervalSeconds: Int = 60,
        tags: [String] = [],
        createdAt: Int64,
        updatedAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.address = address
        self.port = port
        self.snmpVersion = snmpVersion
        self.pollIntervalSeconds = pollIntervalSeconds
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case address
        case port
        case snmpVersion = "snmp_version"
        case pollIntervalSeconds = "poll_interval_s"
        case tags
        case sysDescr = "sys_descr"
        case sysObjectID = "sys_object_id"
        case sysName = "sys_name"
        case sysLocation = "sys_location"
        case sysContact = "sys_contact"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case discoveredAt = "discovered_at"
    }
}

// MARK: GRDB record

extension DeviceRecord: FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "devices"

    /// Takes the id SQLite assigned on insert.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}
