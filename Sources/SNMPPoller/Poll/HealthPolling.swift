import NetmonCore

/// One poll of the health objects a device answered at discovery, and of custom collectors.
enum HealthPolling {
    struct Counter: Sendable {
        var metric: String
        var unit: String
        var instance: String
        var value: UInt64
        var width: CounterReading.Width
    }

    struct Result: Sendable {
        var gauges: [Measurement] = []
        var counters: [Counter] = []
    }

    static func poll(
        _ client: SNMPClient,
        capabilities: HealthCapabilities,
        collectors: [SNMPCollectorConfiguration],
        maxRepetitions: Int
    ) async throws -> Result {
        var result = Result()
        var roots: [OID] = []
        if capabilities.processors { roots.append(HealthMIB.hrProcessorLoad) }
        if capabilities.storage {
            roots += [
                HealthMIB.hrStorageDescr, HealthMIB.hrStorageAllocationUnits, HealthMIB.hrStorageSize,
                HealthMIB.hrStorageUsed,
            ]
        }
        if capabilities.ucdLoad { roots.append(HealthMIB.laLoadInt) }
        if capabilities.sensors {
            roots += [
                HealthMIB.entPhySensorType, HealthMIB.entPhySensorScale, HealthMIB.entPhySensorPrecision,
                HealthMIB.entPhySensorValue,
            ]
        }
        let tableCollectors = collectors.filter(\.table).compactMap { collector in
            OID(parsing: collector.oid).map { (collector, $0) }
        }
        roots += tableCollectors.map(\.1)
        var tables: [OID: [UInt32: SNMPValue]] = [:]
        if !roots.isEmpty {
            let walked = try await client.walkColumns(roots, maxRepetitions: maxRepetitions)
            for (root, varBinds) in zip(roots, walked) {
                tables[root] = Dictionary(
                    varBinds.compactMap { varBind in
                        let suffix = varBind.oid.suffix(after: root)
                        return suffix.count == 1 ? (suffix[0], varBind.value) : nil
                    }
                ) { first, _ in first }
            }
        }
        self.hostResources(tables, into: &result)
        self.entitySensors(tables, into: &result)
        for (index, value) in tables[HealthMIB.laLoadInt] ?? [:] {
            guard let load = value.integerValue, (1...3).contains(index) else { continue }
            let minutes = [1: "1m", 2: "5m", 3: "15m"][index]!
            result.gauges.append(
                Measurement(metric: "load_average", unit: "", instance: minutes, value: Double(load) / 100)
            )
        }

        typealias Scalar = (
            oid: OID, metric: String, unit: String, kind: SNMPCollectorConfiguration.Kind, scale: Double
        )
        var scalars: [Scalar] = []
        if capabilities.ucdMemory {
            scalars += HealthMIB.ucdMemoryObjects.map { ($0.oid, $0.metric, "B", .gauge, 1024) }  // UCD reports kB
        }
        for collector in collectors where !collector.table {
            if let oid = OID(parsing: collector.oid) {
                scalars.append((oid, collector.name, collector.unit, collector.kind, 1))
            }
        }
        if !scalars.isEmpty {
            let values = try await client.get(scalars.map(\.oid))
            for (scalar, varBind) in zip(scalars, values) where !varBind.value.isException {
                self.add(
                    varBind.value,
                    metric: scalar.metric,
                    unit: scalar.unit,
                    instance: "",
                    kind: scalar.kind,
                    scale: scalar.scale,
                    into: &result
                )
            }
        }
        for (collector, root) in tableCollectors {
            for (index, value) in tables[root] ?? [:] {
                self.add(
                    value,
                    metric: collector.name,
                    unit: collector.unit,
                    instance: "\(index)",
                    kind: collector.kind,
                    scale: 1,
                    into: &result
                )
            }
        }
        return result
    }

    private static func add(
        _ value: SNMPValue,
        metric: String,
        unit: String,
        instance: String,
        kind: SNMPCollectorConfiguration.Kind,
        scale: Double,
        into result: inout Result
    ) {
        switch (kind, value) {
        case (.counter, .counter64(let count)):
            result.counters.append(
                Counter(metric: metric, unit: unit, instance: instance, value: count, width: .bits64)
            )
        case (.counter, .counter32(let count)):
            result.counters.append(
                Counter(metric: metric, unit: unit, instance: instance, value: UInt64(count), width: .bits32)
            )
        case (.gauge, _):
            if let number = value.integerValue {
                result.gauges.append(
                    Measurement(metric: metric, unit: unit, instance: instance, value: Double(number) * scale)
                )
            } else if case .octetString = value, let text = value.text, let number = Double(text) {
                result.gauges.append(Measurement(metric: metric, unit: unit, instance: instance, value: number * scale))
            }
        default:
            break
        }
    }

    private static func hostResources(_ tables: [OID: [UInt32: SNMPValue]], into result: inout Result) {
        for (index, value) in tables[HealthMIB.hrProcessorLoad] ?? [:] {
            if let load = value.integerValue {
                result.gauges.append(
                    Measurement(metric: "cpu_load_percent", unit: "%", instance: "\(index)", value: Double(load))
                )
            }
        }
        let descriptions = tables[HealthMIB.hrStorageDescr] ?? [:]
        for (index, units) in tables[HealthMIB.hrStorageAllocationUnits] ?? [:] {
            guard let unitSize = units.integerValue, unitSize > 0,
                let size = tables[HealthMIB.hrStorageSize]?[index]?.integerValue,
                let used = tables[HealthMIB.hrStorageUsed]?[index]?.integerValue
            else { continue }
            let name = descriptions[index]?.text ?? "\(index)"
            result.gauges.append(
                Measurement(metric: "storage_size_bytes", unit: "B", instance: name, value: Double(size * unitSize))
            )
            result.gauges.append(
                Measurement(metric: "storage_used_bytes", unit: "B", instance: name, value: Double(used * unitSize))
            )
        }
    }

    private static func entitySensors(_ tables: [OID: [UInt32: SNMPValue]], into result: inout Result) {
        for (index, type) in tables[HealthMIB.entPhySensorType] ?? [:] {
            guard let typeValue = type.integerValue, let (metric, unit) = HealthMIB.sensorMetric(type: typeValue),
                let raw = tables[HealthMIB.entPhySensorValue]?[index]?.integerValue
            else { continue }
            let scale = tables[HealthMIB.entPhySensorScale]?[index]?.integerValue ?? 9
            let precision = tables[HealthMIB.entPhySensorPrecision]?[index]?.integerValue ?? 0
            result.gauges.append(
                Measurement(
                    metric: metric,
                    unit: unit,
                    instance: "\(index)",
                    value: HealthMIB.sensorValue(raw: raw, scale: scale, precision: precision)
                )
            )
        }
    }
}
