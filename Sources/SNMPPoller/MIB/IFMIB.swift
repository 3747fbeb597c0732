/// IF-MIB (RFC 2863): ifTable, ifXTable and the scalars that tell when they changed.
public enum IFMIB {
    /// Number of rows in ifTable.
    public static let ifNumber: OID = "1.3.6.1.2.1.2.1.0"
    /// sysUpTime at the last row creation or deletion in ifTable.
    public static let ifTableLastChange: OID = "1.3.6.1.2.1.31.1.5.0"

    public static let ifEntry: OID = "1.3.6.1.2.1.2.2.1"
    static let ifXEntry: OID = "1.3.6.1.2.1.31.1.1.1"

    // MARK: ifTable columns
    public static let ifIndex = ifEntry.appending(1)
    public static let ifDescr = ifEntry.appending(2)
    public static let ifType = ifEntry.appending(3)
    public static let ifMtu = ifEntry.appending(4)
    /// Gauge32, bit/s; saturates at 4,294,967,295.
    public static let ifSpeed = ifEntry.appending(5)
    public static let ifPhysAddress = ifEntry.appending(6)
    /// 1 up, 2 down, 3 testing.
    public static let ifAdminStatus = ifEntry.appending(7)
    /// 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown.
    public static let ifOperStatus = ifEntry.appending(8)
    public static let ifLastChange = ifEntry.appending(9)
    public static let ifInOctets = ifEntry.appending(10)
    public static let ifInUcastPkts = ifEntry.appending(11)
    public static let ifInDiscards = ifEntry.appending(13)
    public static let ifInErrors = ifEntry.appending(14)
    public static let ifOutOctets = ifEntry.appending(16)
    public static let ifOutUcastPkts = ifEntry.appending(17)
    public static let ifOutDiscards = ifEntry.appending(19)
    public static let ifOutErrors = ifEntry.appending(20)

    // MARK: ifXTable columns
    public static let ifName = ifXEntry.appending(1)
    public static let ifInMulticastPkts = ifXEntry.appending(2)
    public static let ifInBroadcastPkts = ifXEntry.appending(3)
    public static let ifOutMulticastPkts = ifXEntry.appending(4)
    public static let ifOutBroadcastPkts = ifXEntry.appending(5)
    public static let ifHCInOctets = ifXEntry.appending(6)
    public static let ifHCInUcastPkts = ifXEntry.appending(7)
    public static let ifHCInMulticastPkts = ifXEntry.appending(8)
    public static let ifHCInBroadcastPkts = ifXEntry.appending(9)
    public static let ifHCOutOctets = ifXEntry.appending(10)
    public static let ifHCOutUcastPkts = ifXEntry.appending(11)
    public static let ifHCOutMulticastPkts = ifXEntry.appending(12)
    public static let ifHCOutBroadcastPkts = ifXEntry.appending(13)
    /// Gauge32, Mbit/s.
    public static let ifHighSpeed = ifXEntry.appending(15)
    public static let ifAlias = ifXEntry.appending(18)
    public static let ifCounterDiscontinuityTime = ifXEntry.appending(19)

    /// The descriptive columns discovery walks.
    public static let discoveryColumns: [OID] = [
        ifDescr, ifType, ifSpeed, ifPhysAddress, ifAdminStatus, ifOperStatus, ifLastChange,
        ifName, ifHighSpeed, ifAlias, ifHCInOctets,
    ]
}
