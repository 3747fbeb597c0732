internal import GRDB

/// Devices and their interfaces: the small set of writes and reads polling and the API need.
public struct InventoryStore: Sendable {
    private let database: NetmonDatabase

    /// Creates a store over `database`.
    public init(database: NetmonDatabase) {
        self.database = database
    }

    // MARK: Devices

    /// Inserts `device`, or updates the device of the same name (its address, port, SNMP version,
    /// poll interval, tags and `updatedAt`; discovery fields are kept). Returns the stored row.
    public func upsertDevice(_ device: DeviceRecord) async throws -> DeviceRecord {
        try await self.database.pool.write { db in
            guard var stored = try DeviceRecord.filter(Column("name") == device.name).fetchOne(db) else {
                var inserted = device
                inserted.id = nil
                try inserted.insert(db)
                return inserted
            }
            stored.address = device.address
            stored.port = device.port
            stored.snmpVersion = device.snmpVersion
            stored.pollIntervalSeconds = device.pollIntervalSeconds
            stored.tags = device.tags
            stored.updatedAt = device.updatedAt
            try stored.update(db)
            return stored
        }
    }

    /// Writes every column of an existing device (after discovery, for instance).
    public func updateDevice(_ device: DeviceRecord) async throws {
        try await self.database.pool.write { db in
            try device.update(db)
        }
    }

    /// Every device, by name.
    public func devices() async throws -> [DeviceRecord] {
        try await self.database.pool.read { db in
            try DeviceRecord.order(Column("name")).fetchAll(db)
        }
    }

    /// The device with `id`, if any.
    public func device(id: Int64) async throws -> DeviceRecord? {
        try await self.database.pool.read { db in
            try DeviceRecord.fetchOne(db, key: id)
        }
    }

    // MARK: Interfaces

    /// Makes the stored interfaces of `deviceID` match a fresh walk: upserts `interfaces` by
    /// `ifIndex` (clearing `removedAt`), and marks the device's other present interfaces removed at
    /// `now` (epoch seconds). Returns the present interfaces, by `ifIndex`.
    public func syncInterfaces(
        deviceID: Int64,
        _ interfaces: [InterfaceRecord],
        now: Int64
    ) async throws
        -> [InterfaceRecord]
    {
        try await self.database.pool.write { db in
            for var interface in interfaces {
                interface.deviceID = deviceID
                interface.removedAt = nil
                if let existing = try InterfaceRecord.filter(
                    Column("device_id") == deviceID && Column("if_index") == interface.ifIndex
                ).fetchOne(db) {
                    interface.id = existing.id
                    try interface.update(db)
                } else {
                    interface.id = nil
                    try interface.insert(db)
                }
            }
            let present = Set(interfaces.map(\.ifIndex))
            try InterfaceRecord
                .filter(Column("device_id") == deviceID && Column("removed_at") == nil)
                .filter(!present.contains(Column("if_index")))
                .updateAll(db, Column("removed_at").set(to: now))
            return
                try InterfaceRecord
                .filter(Column("device_id") == deviceID && Column("removed_at") == nil)
                .order(Column("if_index"))
                .fetchAll(db)
        }
    }

    /// The interfaces of `deviceID`, by `ifIndex`; removed ones only when `includeRemoved`.
    public func interfaces(deviceID: Int64, includeRemoved: Bool = false) async throws -> [InterfaceRecord] {
        try await self.database.pool.read { db in
            var request = InterfaceRecord.filter(Column("device_id") == deviceID)
            if !includeRemoved {
                request = request.filter(Column("removed_at") == nil)
            }
            return try request.order(Column("if_index")).fetchAll(db)
        }
    }
}
