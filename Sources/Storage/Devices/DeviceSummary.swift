public import NetmonCore

/// A device as the API shows it: its row, owner, SNMP settings (nil for devices from the config
/// file, whose settings live there), poll status and interface count.
public struct DeviceSummary: Sendable {
    public var record: DeviceRecord
    public var organisationID: Int64
    /// Settings of a device created or changed through the API; secrets included (never return them).
    public var settings: SNMPDeviceSettings?
    /// Reachable at the last poll; nil before the first.
    public var reachable: Bool?
    /// UTC epoch milliseconds.
    public var lastPollAt: Int64?
    public var lastSuccessAt: Int64?
    public var lastPollMilliseconds: Double?
    public var lastError: String?
    public var interfaceCount: Int

    public var id: Int64 { self.record.id ?? 0 }
}
