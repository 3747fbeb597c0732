import NetmonCore

/// What a device answered at discovery: its system data, its interfaces, and which health
/// objects it has (so polls only ask for what exists).
public struct DiscoveryResult: Sendable, Hashable {
    public var system: DeviceSystemInfo
    public var interfaces: [InterfaceInfo]
    public var ifNumber: Int?
    public var ifTableLastChange: UInt32?
    public var health: HealthCapabilities
}

/// Which health objects a device answers.
public struct HealthCapabilities: Sendable, Hashable {
    public var processors = false
    public var storage = false
    public var ucdLoad = false
    public var ucdMemory = false
    public var sensors = false
}

/// Discovery: the system group, the interface tables, and a probe of each health MIB.
public enum DeviceDiscovery {
    public static func discover(_ client: SNMPClient, maxRepetitions: Int) async throws -> DiscoveryResult {
        let system = try await client.get(SystemMIB.discoveryObjects + [IFMIB.ifNumber, IFMIB.ifTableLastChange])
        func value(_ oid: OID) -> SNMPValue? {
            system.first { $0.oid == oid }.flatMap { $0.value.isException ? nil : $0.value }
        }
        var info = DeviceSystemInfo(
            sysDescr: value(SystemMIB.sysDescr)?.text,
            sysObjectID: value(SystemMIB.sysObjectID)?.text,
            sysName: value(SystemMIB.sysName)?.text,
            sysLocation: value(SystemMIB.sysLocation)?.text,
            sysContact: value(SystemMIB.sysContact)?.text
        )
        if case .timeTicks(let ticks) = value(SystemMIB.sysUpTime) { info.sysUpTime = ticks }

        let columns = try await client.walkColumns(IFMIB.discoveryColumns, maxRepetitions: maxRepetitions)
        let interfaces = self.interfaces(from: Dictionary(uniqueKeysWithValues: zip(IFMIB.discoveryColumns, columns)))

        var health = HealthCapabilities()
        // One GETNEXT at the root of each health table tells which ones exist.
        let probes = try await client.getNext([
            HealthMIB.hrProcessorLoad, HealthMIB.hrStorageType, HealthMIB.laLoadInt, HealthMIB.entPhySensorType,
        ])
        func answers(_ index: Int, under root: OID) -> Bool {
            index < probes.count && probes[index].oid.isDescendant(of: root) && !probes[index].value.isException
        }
        health.processors = answers(0, under: HealthMIB.hrProcessorLoad)
        health.storage = answers(1, under: HealthMIB.hrStorageType)
        health.ucdLoad = answers(2, under: HealthMIB.laLoadInt)
        health.sensors = answers(3, under: HealthMIB.entPhySensorType)
        let memory = try await client.get([HealthMIB.memTotalReal])
        health.ucdMemory = memory.first.map { !$0.value.isException && $0.value.unsignedValue != nil } ?? false

        return DiscoveryResult(
            system: info,
            interfaces: interfaces,
            ifNumber: value(IFMIB.ifNumber)?.integerValue.map(Int.init),
            ifTableLastChange: value(IFMIB.ifTableLastChange)?.unsignedValue.map { UInt32(truncatingIfNeeded: $0) },
            health: health
        )
    }

    /// Builds interfaces from the walked columns (pure: the index is the OID suffix).
    static func interfaces(from columns: [OID: [VarBind]]) -> [InterfaceInfo] {
        var byIndex: [Int: InterfaceInfo] = [:]
        func each(_ column: OID, _ apply: (inout InterfaceInfo, SNMPValue) -> Void) {
            for varBind in columns[column] ?? [] {
                let suffix = varBind.oid.suffix(after: column)
                guard suffix.count == 1, suffix[0] <= Int32.max else { continue }
                let index = Int(suffix[0])
                apply(&byIndex[index, default: InterfaceInfo(ifIndex: index)], varBind.value)
            }
        }
        var speeds: [Int: (low: UInt64?, high: UInt64?)] = [:]
        each(IFMIB.ifDescr) { $0.descr = $1.text }
        each(IFMIB.ifType) { $0.type = $1.integerValue.map(Int.init) }
        each(IFMIB.ifSpeed) { interface, value in
            speeds[interface.ifIndex, default: (nil, nil)].low = value.unsignedValue
        }
        each(IFMIB.ifPhysAddress) { interface, value in
            if case .octetString(let bytes) = value, !bytes.isEmpty {
                interface.physAddress = bytes.map { byte in
                    let hex = String(byte, radix: 16)
                    return hex.count == 1 ? "0" + hex : hex
                }.joined(separator: ":")
            }
        }
        each(IFMIB.ifAdminStatus) { $0.adminStatus = $1.integerValue.map(Int.init) }
        each(IFMIB.ifOperStatus) { $0.operStatus = $1.integerValue.map(Int.init) }
        each(IFMIB.ifLastChange) { $0.lastChange = $1.unsignedValue.map { UInt32(truncatingIfNeeded: $0) } }
        each(IFMIB.ifName) { $0.name = $1.text }
        each(IFMIB.ifHighSpeed) { interface, value in
            speeds[interface.ifIndex, default: (nil, nil)].high = value.unsignedValue
        }
        each(IFMIB.ifAlias) { $0.alias = $1.text }
        each(IFMIB.ifHCInOctets) { interface, value in
            if case .counter64 = value { interface.hasHCCounters = true }
        }
        for (index, speed) in speeds {
            byIndex[index]?.speedBitsPerSecond = InterfaceSpeed.bitsPerSecond(
                ifSpeed: speed.low,
                ifHighSpeed: speed.high
            )
        }
        return byIndex.values.sorted { $0.ifIndex < $1.ifIndex }
    }
}
