/// SNMPv2-MIB system group (RFC 3418), numeric: netmond needs no MIB files.
public enum SystemMIB {
    public static let sysDescr: OID = "1.3.6.1.2.1.1.1.0"
    public static let sysObjectID: OID = "1.3.6.1.2.1.1.2.0"
    /// TimeTicks (centiseconds) since the agent's network management part (re)started.
    public static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0"
    public static let sysContact: OID = "1.3.6.1.2.1.1.4.0"
    public static let sysName: OID = "1.3.6.1.2.1.1.5.0"
    public static let sysLocation: OID = "1.3.6.1.2.1.1.6.0"

    /// Everything discovery reads in one GET.
    public static let discoveryObjects: [OID] = [sysDescr, sysObjectID, sysUpTime, sysContact, sysName, sysLocation]
}
