import Foundation
public import Logging
public import NetmonCore
import Synchronization

/// Stores what the SNMP poller learns: discovery into devices and interfaces, measurements as
/// samples through the `SampleWriter` (never waiting on the database: a full queue drops and
/// counts), events, and each poll's outcome.
public final class SNMPStorageSink: SNMPPollSink {
    private let database: NetmonDatabase
    private let writer: SampleWriter
    private let inventory: InventoryStore
    private let events: EventStore
    private let registry: SeriesRegistry
    private let logger: Logger
    /// Device id → ifIndex → interface row id, from the latest discovery.
    private let interfaceIDs = Mutex<[Int64: [Int: Int64]]>([:])
    /// Device id → reachable, as the poller's events said.
    private let reachability = Mutex<[Int64: Bool]>([:])

    public init(database: NetmonDatabase, writer: SampleWriter, registry: SeriesRegistry, logger: Logger) {
        self.database = database
        self.writer = writer
        self.inventory = InventoryStore(database: database)
        self.events = EventStore(database: database)
        self.registry = registry
        self.logger = logger
    }

    /// Stores the configured devices (by name: new ones inserted, known ones updated) and returns
    /// them with their database ids, ready to poll.
    public func seed(_ devices: [SNMPDeviceConfiguration]) async throws -> [MonitoredDevice] {
        let now = Int64(Date().timeIntervalSince1970)
        var monitored: [MonitoredDevice] = []
        for device in devices {
            let version: DeviceRecord.SNMPVersion =
                switch device.settings.version {
                case .v1: .v1
                case .v2c: .v2c
                case .v3: .v3
                }
            let stored = try await self.inventory.upsertDevice(
                DeviceRecord(
                    name: device.name,
                    address: device.address,
                    port: device.settings.port,
                    snmpVersion: version,
                    pollIntervalSeconds: Int(device.settings.pollInterval.components.seconds),
                    tags: device.tags,
                    createdAt: now
                )
            )
            guard let id = stored.id else { continue }
            monitored.append(
                MonitoredDevice(
                    id: id,
                    name: device.name,
                    address: device.address,
                    tags: device.tags,
                    settings: device.settings
                )
            )
        }
        return monitored
    }

    public func discovered(deviceID: Int64, system: DeviceSystemInfo, interfaces: [InterfaceInfo], at time: Int64) async
    {
        do {
            if var device = try await self.inventory.device(id: deviceID) {
                device.sysDescr = system.sysDescr
                device.sysObjectID = system.sysObjectID
                device.sysName = system.sysName
                device.sysLocation = system.sysLocation
                device.sysContact = system.sysContact
                device.discoveredAt = time / 1000
                device.updatedAt = time / 1000
                try await self.inventory.updateDevice(device)
            }
            let records = interfaces.map { interface in
                InterfaceRecord(
                    deviceID: deviceID,
                    ifIndex: interface.ifIndex,
                    ifName: interface.name,
                    ifDescr: interface.descr,
                    ifAlias: interface.alias,
                    ifType: interface.type,
                    speedBps: interface.speedBitsPerSecond.map { Int64(clamping: $0) },
                    physAddress: interface.physAddress,
                    adminStatus: interface.adminStatus,
                    operStatus: interface.operStatus,
                    lastChange: interface.lastChange.map(Int64.init)
                )
            }
            let stored = try await self.inventory.syncInterfaces(deviceID: deviceID, records, now: time / 1000)
            let ids = Dictionary(stored.compactMap { record in record.id.map { (record.ifIndex, $0) } }) { first, _ in
                first
            }
            self.interfaceIDs.withLock { $0[deviceID] = ids }
        } catch {
            self.logger.error("storage: cannot store the discovery of device \(deviceID): \(error)")
        }
    }

    public func measured(deviceID: Int64, _ measurements: [NetmonCore.Measurement], at time: Int64) async {
        let interfaces = self.interfaceIDs.withLock { $0[deviceID] ?? [:] }
        var samples: [Sample] = []
        samples.reserveCapacity(measurements.count)
        for measurement in measurements {
            let interfaceID = measurement.ifIndex.flatMap { interfaces[$0] }
            if measurement.ifIndex != nil && interfaceID == nil { continue }  // not yet discovered
            let key = SeriesKey(
                deviceID: deviceID,
                interfaceID: interfaceID,
                metric: measurement.metric,
                instance: measurement.instance,
                unit: measurement.unit,
                kind: measurement.kind == .rate ? .rate : .gauge
            )
            do {
                samples.append(
                    Sample(
                        seriesID: try await self.registry.seriesID(for: key),
                        timestamp: time,
                        value: measurement.value
                    )
                )
            } catch {
                self.logger.error("storage: no series for \(measurement.metric) of device \(deviceID): \(error)")
            }
        }
        self.writer.submit(samples)
    }

    public func recorded(deviceID: Int64, _ events: [DeviceEvent]) async {
        for event in events {
            switch event.kind {
            case .deviceUnreachable: self.reachability.withLock { $0[deviceID] = false }
            case .deviceReachable: self.reachability.withLock { $0[deviceID] = true }
            default: break
            }
        }
        do {
            let interfaces = self.interfaceIDs.withLock { $0[deviceID] ?? [:] }
            try await self.events.record(events, deviceID: deviceID, interfaceIDs: interfaces)
        } catch {
            self.logger.error("storage: cannot store \(events.count) events of device \(deviceID): \(error)")
        }
    }

    public func completed(_ report: PollReport) async {
        let reachable = self.reachability.withLock { known -> Bool? in
            if report.error == nil { known[report.deviceID] = true }
            return known[report.deviceID]
        }
        do {
            try await self.events.recordPoll(report, reachable: reachable)
        } catch {
            self.logger.error("storage: cannot store the poll outcome of device \(report.deviceID): \(error)")
        }
    }
}
