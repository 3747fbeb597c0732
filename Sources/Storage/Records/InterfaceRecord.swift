public import GRDB

/// A row of the `interfaces` table: one IF-MIB interface of a device.
///
/// `removedAt` (UTC epoch seconds) is set when the interface disappeared from the device; its
/// series and history are kept.
public struct InterfaceRecord: Codable, Sendable, Hashable, Identifiable {
    /// The database id; nil until inserted.
    public var id: Int64?
    /// The owning device.
    public var deviceID: Int64
    /// `ifIndex`.
    public var ifIndex: Int
    /// `ifName`.
    public var ifName: String?
    /// `ifDescr`.
    public var ifDescr: String?
    /// `ifAlias`.
    public var ifAlias: String?
    /// `ifType` (IANAifType).
    public var ifType: Int?
    /// Speed in bits per second (`ifHighSpeed` × 10⁶ or `ifSpeed`).
    public var speedBps: Int64?
    /// `ifPhysAddress`, as colon-separated hex.
    public var physAddress: String?
    /// `ifAdminStatus` (1 up, 2 down, 3 testing).
    public var adminStatus: Int?
    /// `ifOperStatus` (1 up, 2 down, ...).
    public var operStatus: Int?
    /// `ifLastChange`, as reported (sysUpTime ticks).
    public var lastChange: Int64?
    /// When the interface disappeared, or nil while present.
    public var removedAt: Int64?

    /// Creates an interface row.
    public init(
        id: Int64? = nil,
        deviceID: Int64,
        ifIndex: Int,
        ifName: String? = nil,
        ifDescr: String? = nil,
        ifAlias: String? = nil,
        ifType: Int? = nil,
        speedBps: Int64? = nil,
        physAddress: String? = nil,
        adminStatus: Int? = nil,
        operStatus: Int? = nil,
        lastChange: Int64? = nil,
        removedAt: Int64? = nil
    ) {
        self.id = id
        self.deviceID = deviceID
        self.ifIndex = ifIndex
        self.ifName = ifName
        self.ifDescr = ifDescr
        self.ifAlias = ifAlias
        self.ifType = ifType
        self.speedBps = speedBps
        self.physAddress = physAddress
        self.adminStatus = adminStatus
        self.operStatus = operStatus
        self.lastChange = lastChange
        self.removedAt = removedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case deviceID = "device_id"
        case ifIndex = "if_index"
        case ifName = "if_name"
        case ifDescr = "if_descr"
        case ifAlias = "if_alias"
        case ifType = "if_type"
        case speedBps = "speed_bps"
        case physAddress = "phys_address"
        case adminStatus = "admin_status"
        case operStatus = "oper_status"
        case lastChange = "last_change"
        case removedAt = "removed_at"
    }
}

// MARK: GRDB record

extension InterfaceRecord: FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "interfaces"

    /// Takes the id SQLite assigned on insert.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}
