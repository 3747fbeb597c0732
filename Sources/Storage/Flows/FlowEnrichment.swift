internal import GRDB
public import NetmonCore

/// The SNMP-polled device an exporter is.
public struct FlowExporterDevice: Sendable, Hashable {
    /// The device's id in the inventory.
    public var id: Int64
    /// The device's configured name.
    public var name: String

    /// Creates a device reference.
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// What the SNMP inventory says about an exporter's interface.
public struct FlowInterfaceDetails: Sendable, Hashable {
    /// ifName (or ifDescr when the device has no ifName).
    public var name: String?
    /// ifAlias, the operator's description.
    public var alias: String?
    /// Speed in bits per second (ifHighSpeed or ifSpeed).
    public var speedBitsPerSecond: Int64?

    /// Creates interface details.
    public init(name: String?, alias: String?, speedBitsPerSecond: Int64?) {
        self.name = name
        self.alias = alias
        self.speedBitsPerSecond = speedBitsPerSecond
    }
}

/// Gives flows names: exporter → device, and ifIndex → ifName/ifAlias/speed from the SNMP data of
/// that device when it is polled.
///
/// An exporter is the device that `flows.exporters[].device` names for its address, else the device
/// whose configured address is the exporter's address. Unknown exporters and interfaces stay
/// unnamed: flows are never dropped or altered for want of a name.
struct FlowEnrichment: Sendable {
    /// Exporter address (as `IPAddress.description`) → configured device name.
    let configuredDevices: [String: String]

    /// Fills `device` and the interface details of the entries that carry an exporter.
    func enrich(_ entries: [FlowTrafficEntry], in db: Database) throws -> [FlowTrafficEntry] {
        let exporters = Set(entries.compactMap(\.exporter))
        guard !exporters.isEmpty else { return entries }
        let devices = try self.devices(for: exporters, in: db)
        guard !devices.isEmpty else { return entries }
        let interfaces = try Self.interfaces(of: Set(devices.values.map(\.id)), in: db)
        return entries.map { entry in
            guard let exporter = entry.exporter, let device = devices[exporter] else { return entry }
            var entry = entry
            entry.device = device
            entry.inputInterfaceDetails = entry.inputInterface.flatMap { interfaces[InterfaceKey(device.id, $0)] }
            entry.outputInterfaceDetails = entry.outputInterface.flatMap { interfaces[InterfaceKey(device.id, $0)] }
            return entry
        }
    }

    private struct InterfaceKey: Hashable {
        var deviceID: Int64
        var ifIndex: UInt32

        init(_ deviceID: Int64, _ ifIndex: UInt32) {
            self.deviceID = deviceID
            self.ifIndex = ifIndex
        }
    }

    private func devices(for exporters: Set<String>, in db: Database) throws -> [String: FlowExporterDevice] {
        var byName: [String: FlowExporterDevice] = [:]
        var byAddress: [String: FlowExporterDevice] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name, address FROM devices") {
            let device = FlowExporterDevice(id: row["id"], name: row["name"])
            byName[device.name] = device
            let address: String = row["address"]
            byAddress[IPAddress(parsing: address)?.unmappedIPv4.description ?? address] = device
        }
        var result: [String: FlowExporterDevice] = [:]
        for exporter in exporters {
            if let name = self.configuredDevices[exporter] {
                result[exporter] = byName[name]
            } else {
                result[exporter] = byAddress[exporter]
            }
        }
        return result
    }

    private static func interfaces(
        of deviceIDs: Set<Int64>,
        in db: Database
    ) throws -> [InterfaceKey: FlowInterfaceDetails] {
        var result: [InterfaceKey: FlowInterfaceDetails] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT device_id, if_index, coalesce(if_name, if_descr) AS name, if_alias, speed_bps
                FROM interfaces WHERE removed_at IS NULL AND device_id IN (SELECT value FROM json_each(?))
                """,
            arguments: ["[" + deviceIDs.map { "\($0)" }.joined(separator: ",") + "]"]
        )
        while let row = try rows.next() {
            let key = InterfaceKey(row["device_id"], UInt32(truncatingIfNeeded: row["if_index"] as Int64))
            result[key] = FlowInterfaceDetails(
                name: row["name"],
                alias: row["if_alias"],
                speedBitsPerSecond: row["speed_bps"]
            )
        }
        return result
    }
}
