import Foundation
internal import GRDB
public import NetmonCore
import Synchronization

/// Devices as the API manages them: paged lists per organisation, creation, changes and deletion
/// with their SNMP settings, and the devices the poller must add to those of the config file.
public struct DeviceAdminStore: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Increases whenever a committed write changed devices, their status or their interfaces:
    /// a device list read after reading a version is valid for that version.
    public var version: UInt64 { self.database.inventoryChanges.value }

    /// Sort fields of ``devices(organisationID:list:)``: API name → SQL.
    public static let sortFields: [String: String] = [
        "id": "devices.id", "name": "devices.name", "address": "devices.address",
        "created_at": "devices.created_at", "status": "device_status.reachable",
        "last_poll_at": "device_status.last_poll_at",
    ]

    /// The columns of a device row, in the order ``summary(_:)`` reads them by index (a lookup by
    /// name lower-cases every column name it passes, per row: most of a list's cost before).
    private static let select = """
        SELECT devices.id, devices.name, devices.address, devices.port, devices.snmp_version,
            devices.poll_interval_s, devices.tags, devices.sys_descr, devices.sys_object_id, devices.sys_name,
            devices.sys_location, devices.sys_contact, devices.created_at, devices.updated_at,
            devices.discovered_at, devices.organisation_id, devices.snmp_settings,
            device_status.reachable, device_status.last_poll_at, device_status.last_success_at,
            device_status.last_poll_ms, device_status.last_error,
            (SELECT count(*) FROM interfaces WHERE interfaces.device_id = devices.id AND removed_at IS NULL)
        FROM devices LEFT JOIN device_status ON device_status.device_id = devices.id
        """

    /// Devices of `organisationID` (nil: all), paged; `search` matches name, address and sysName.
    public func devices(organisationID: Int64?, list: ListRequest) async throws -> ListPage<DeviceSummary> {
        try await self.database.pool.read { db in
            var condition = "(?1 IS NULL OR devices.organisation_id = ?1)"
            var arguments: [(any DatabaseValueConvertible)?] = [organisationID]
            if let pattern = list.likePattern {
                condition += """
                     AND (devices.name LIKE ?2 ESCAPE '\\' OR devices.address LIKE ?2 ESCAPE '\\'
                        OR devices.sys_name LIKE ?2 ESCAPE '\\')
                    """
                arguments.append(pattern)
            }
            let total =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM devices WHERE \(condition)",
                    arguments: StatementArguments(arguments)
                ) ?? 0
            let order = list.orderBy(Self.sortFields, fallback: "devices.name").replacingOccurrences(
                of: ", id ",
                with: ", devices.id "
            )
            let rows = try Row.fetchAll(
                db,
                sql: Self.select + " WHERE \(condition) ORDER BY \(order) LIMIT \(list.limit) OFFSET \(list.offset)",
                arguments: StatementArguments(arguments)
            )
            return ListPage(items: try rows.map(Self.summary), total: total)
        }
    }

    /// The device `id` if it belongs to `organisationID` (nil: any organisation).
    public func device(id: Int64, organisationID: Int64?) async throws -> DeviceSummary? {
        try await self.database.pool.read { db in
            try Row.fetchOne(
                db,
                sql: Self.select + " WHERE devices.id = ?1 AND (?2 IS NULL OR devices.organisation_id = ?2)",
                arguments: [id, organisationID]
            ).map(Self.summary)
        }
    }

    /// Creates a device owned by `organisationID` with `settings`.
    /// - Throws: ``StoreConflictError`` when the name is taken.
    public func create(
        name: String,
        address: String,
        tags: [String],
        settings: SNMPDeviceSettings,
        organisationID: Int64,
        now: Int64
    ) async throws -> DeviceSummary {
        let json = try StoredSNMPSettings.encode(settings)
        let id = try await self.write(conflict: "a device named \(name) exists") { db -> Int64 in
            var record = DeviceRecord(
                name: name,
                address: address,
                port: settings.port,
                snmpVersion: Self.recordVersion(settings.version),
                pollIntervalSeconds: Int(settings.pollInterval.components.seconds),
                tags: tags,
                createdAt: now / 1000
            )
            try record.insert(db)
            let id = record.id ?? db.lastInsertedRowID
            try db.execute(
                sql: "UPDATE devices SET organisation_id = ?, snmp_settings = ? WHERE id = ?",
                arguments: [organisationID, json, id]
            )
            return id
        }
        guard let created = try await self.device(id: id, organisationID: nil) else {
            throw StoreConflictError("device \(id) vanished")
        }
        return created
    }

    /// Replaces a device's name, address, tags and settings; nil when absent.
    public func update(
        id: Int64,
        name: String,
        address: String,
        tags: [String],
        settings: SNMPDeviceSettings,
        now: Int64
    ) async throws -> DeviceSummary? {
        let json = try StoredSNMPSettings.encode(settings)
        let found = try await self.write(conflict: "a device named \(name) exists") { db -> Bool in
            guard var record = try DeviceRecord.fetchOne(db, key: id) else { return false }
            record.name = name
            record.address = address
            record.port = settings.port
            record.snmpVersion = Self.recordVersion(settings.version)
            record.pollIntervalSeconds = Int(settings.pollInterval.components.seconds)
            record.tags = tags
            record.updatedAt = now / 1000
            try record.update(db)
            try db.execute(sql: "UPDATE devices SET snmp_settings = ? WHERE id = ?", arguments: [json, id])
            return true
        }
        return found ? try await self.device(id: id, organisationID: nil) : nil
    }

    /// Deletes a device with its interfaces, series, samples, events and status; false when absent.
    public func delete(id: Int64) async throws -> Bool {
        try await self.database.pool.write { db in
            try db.execute(
                sql: "DELETE FROM samples WHERE series_id IN (SELECT id FROM series WHERE device_id = ?)",
                arguments: [id]
            )
            try db.execute(
                sql: "DELETE FROM series_latest WHERE series_id IN (SELECT id FROM series WHERE device_id = ?)",
                arguments: [id]
            )
            try db.execute(sql: "DELETE FROM series WHERE device_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM events WHERE device_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM device_status WHERE device_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM interfaces WHERE device_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM devices WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Devices created or changed through the API (they have stored settings), except those named
    /// in `excludingNames` (the config file's, polled with the file's settings): what the poller
    /// adds at start.
    public func managedDevices(excludingNames: Set<String>) async throws -> [MonitoredDevice] {
        try await self.database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, name, address, tags, snmp_settings FROM devices WHERE snmp_settings IS NOT NULL"
            )
            return rows.compactMap { row -> MonitoredDevice? in
                let name: String = row["name"]
                guard !excludingNames.contains(name), let settings = StoredSNMPSettings.decode(row["snmp_settings"])
                else {
                    return nil
                }
                let tags = (row["tags"] as String?).flatMap {
                    try? JSONDecoder().decode([String].self, from: Data($0.utf8))
                }
                return MonitoredDevice(
                    id: row["id"],
                    name: name,
                    address: row["address"],
                    tags: tags ?? [],
                    settings: settings
                )
            }
        }
    }

    // MARK: Helpers

    private func write<T: Sendable>(
        conflict message: String,
        _ body: @Sendable @escaping (Database) throws -> T
    ) async throws -> T {
        do {
            return try await self.database.pool.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreConflictError(message)
        }
    }

    static func recordVersion(_ version: SNMPDeviceSettings.Version) -> DeviceRecord.SNMPVersion {
        switch version {
        case .v1: .v1
        case .v2c: .v2c
        case .v3: .v3
        }
    }

    /// Parsed SNMP settings by their stored JSON: lists decode each distinct text once.
    private static let settingsCache = Mutex<[String: SNMPDeviceSettings]>([:])

    static func settings(_ text: String?) -> SNMPDeviceSettings? {
        guard let text else { return nil }
        if let cached = Self.settingsCache.withLock({ $0[text] }) { return cached }
        guard let settings = StoredSNMPSettings.decode(text) else { return nil }
        Self.settingsCache.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[text] = settings
        }
        return settings
    }

    /// Parsed tag lists by their stored JSON text (most devices share a few).
    private static let tagsCache = Mutex<[String: [String]]>([:])

    static func tags(_ text: String?) -> [String] {
        guard let text, text != "[]" else { return [] }
        if let cached = Self.tagsCache.withLock({ $0[text] }) { return cached }
        let tags = (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
        Self.tagsCache.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[text] = tags
        }
        return tags
    }

    /// A device row of ``select``, read by column index.
    static func record(_ row: Row) -> DeviceRecord {
        var record = DeviceRecord(
            id: row[0],
            name: row[1],
            address: row[2],
            port: row[3],
            snmpVersion: DeviceRecord.SNMPVersion(rawValue: row[4]) ?? .v2c,
            pollIntervalSeconds: row[5],
            tags: Self.tags(row[6]),
            createdAt: row[12],
            updatedAt: row[13]
        )
        record.sysDescr = row[7]
        record.sysObjectID = row[8]
        record.sysName = row[9]
        record.sysLocation = row[10]
        record.sysContact = row[11]
        record.discoveredAt = row[14]
        return record
    }

    static func summary(_ row: Row) throws -> DeviceSummary {
        DeviceSummary(
            record: Self.record(row),
            organisationID: row[15],
            settings: Self.settings(row[16]),
            reachable: row[17],
            lastPollAt: row[18],
            lastSuccessAt: row[19],
            lastPollMilliseconds: row[20],
            lastError: row[21],
            interfaceCount: row[22]
        )
    }
}
