/// A device netmond polls: its identity in the database and how to reach it.
public struct MonitoredDevice: Sendable, Equatable, Identifiable {
    /// The database id.
    public var id: Int64
    public var name: String
    public var address: String
    public var tags: [String]
    public var settings: SNMPDeviceSettings

    public init(id: Int64, name: String, address: String, tags: [String], settings: SNMPDeviceSettings) {
        self.id = id
        self.name = name
        self.address = address
        self.tags = tags
        self.settings = settings
    }
}

/// What discovery learns about a device's system (SNMPv2-MIB system group). Device-supplied
/// strings are data: stored and shown escaped, never interpreted.
public struct DeviceSystemInfo: Sendable, Hashable {
    public var sysDescr: String?
    public var sysObjectID: String?
    public var sysName: String?
    public var sysLocation: String?
    public var sysContact: String?
    /// sysUpTime in centiseconds.
    public var sysUpTime: UInt32?

    public init(
        sysDescr: String? = nil,
        sysObjectID: String? = nil,
        sysName: String? = nil,
        sysLocation: String? = nil,
        sysContact: String? = nil,
        sysUpTime: UInt32? = nil
    ) {
        self.sysDescr = sysDescr
        self.sysObjectID = sysObjectID
        self.sysName = sysName
        self.sysLocation = sysLocation
        self.sysContact = sysContact
        self.sysUpTime = sysUpTime
    }
}

/// One interface as discovery saw it (IF-MIB ifTable + ifXTable).
public struct InterfaceInfo: Sendable, Hashable {
    public var ifIndex: Int
    public var name: String?
    public var descr: String?
    public var alias: String?
    public var type: Int?
    /// Nominal speed in bit/s (ifHighSpeed when present, else ifSpeed); nil when unknown.
    public var speedBitsPerSecond: UInt64?
    /// MAC address as `aa:bb:cc:dd:ee:ff`.
    public var physAddress: String?
    /// 1 up, 2 down, 3 testing.
    public var adminStatus: Int?
    /// 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown.
    public var operStatus: Int?
    /// sysUpTime (centiseconds) at the last status change.
    public var lastChange: UInt32?
    /// True when the agent has 64-bit (ifHC*) counters for this interface.
    public var hasHCCounters: Bool

    public init(
        ifIndex: Int,
        name: String? = nil,
        descr: String? = nil,
        alias: String? = nil,
        type: Int? = nil,
        speedBitsPerSecond: UInt64? = nil,
        physAddress: String? = nil,
        adminStatus: Int? = nil,
        operStatus: Int? = nil,
        lastChange: UInt32? = nil,
        hasHCCounters: Bool = false
    ) {
        self.ifIndex = ifIndex
        self.name = name
        self.descr = descr
        self.alias = alias
        self.type = type
        self.speedBitsPerSecond = speedBitsPerSecond
        self.physAddress = physAddress
        self.adminStatus = adminStatus
        self.operStatus = operStatus
        self.lastChange = lastChange
        self.hasHCCounters = hasHCCounters
    }

    /// The name to show: ifName, else ifDescr, else the index.
    public var displayName: String {
        self.name.flatMap { $0.isEmpty ? nil : $0 } ?? self.descr ?? "ifIndex \(self.ifIndex)"
    }
}
