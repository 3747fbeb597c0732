/// Health objects netmond polls when the agent answers them: HOST-RESOURCES-MIB (RFC 2790),
/// UCD-SNMP-MIB (net-snmp) and ENTITY-SENSOR-MIB (RFC 3433).
public enum HealthMIB {
    // MARK: HOST-RESOURCES-MIB
    /// Percent of the last minute each processor was busy (Integer32), indexed by hrDeviceIndex.
    public static let hrProcessorLoad: OID = "1.3.6.1.2.1.25.3.3.1.2"
    static let hrStorageEntry: OID = "1.3.6.1.2.1.25.2.3.1"
    public static let hrStorageType = hrStorageEntry.appending(2)
    public static let hrStorageDescr = hrStorageEntry.appending(3)
    public static let hrStorageAllocationUnits = hrStorageEntry.appending(4)
    public static let hrStorageSize = hrStorageEntry.appending(5)
    public static let hrStorageUsed = hrStorageEntry.appending(6)

    // MARK: UCD-SNMP-MIB
    /// Load averages ×100 (Integer32), index 1, 2, 3 = 1, 5, 15 minutes.
    public static let laLoadInt: OID = "1.3.6.1.4.1.2021.10.1.5"
    /// kB.
    public static let memTotalReal: OID = "1.3.6.1.4.1.2021.4.5.0"
    public static let memAvailReal: OID = "1.3.6.1.4.1.2021.4.6.0"
    public static let memBuffer: OID = "1.3.6.1.4.1.2021.4.14.0"
    public static let memCached: OID = "1.3.6.1.4.1.2021.4.15.0"
    public static let memTotalSwap: OID = "1.3.6.1.4.1.2021.4.3.0"
    public static let memAvailSwap: OID = "1.3.6.1.4.1.2021.4.4.0"
    public static let ucdMemoryObjects: [(oid: OID, metric: String)] = [
        (memTotalReal, "mem_total_bytes"), (memAvailReal, "mem_available_bytes"), (memBuffer, "mem_buffer_bytes"),
        (memCached, "mem_cached_bytes"), (memTotalSwap, "swap_total_bytes"), (memAvailSwap, "swap_available_bytes"),
    ]

    // MARK: ENTITY-SENSOR-MIB
    static let entPhySensorEntry: OID = "1.3.6.1.2.1.99.1.1.1"
    /// 1 other, 2 unknown, 3 voltsAC, 4 voltsDC, 5 amperes, 6 watts, 7 hertz, 8 celsius,
    /// 9 percentRH, 10 rpm, 11 cmm, 12 truthvalue, 13 specialEnum, 14 dBm.
    public static let entPhySensorType = entPhySensorEntry.appending(1)
    /// Power of ten: 1 yocto ... 9 units ... 17 yotta (value × 10^(3×(scale−9))).
    public static let entPhySensorScale = entPhySensorEntry.appending(2)
    public static let entPhySensorPrecision = entPhySensorEntry.appending(3)
    public static let entPhySensorValue = entPhySensorEntry.appending(4)
    /// 1 ok, 2 unavailable, 3 nonoperational.
    public static let entPhySensorOperStatus = entPhySensorEntry.appending(5)
    public static let entPhysicalName: OID = "1.3.6.1.2.1.47.1.1.1.1.7"

    /// The metric name and unit of an ENTITY-SENSOR-MIB sensor type.
    public static func sensorMetric(type: Int64) -> (metric: String, unit: String)? {
        switch type {
        case 3: ("sensor_volts_ac", "V")
        case 4: ("sensor_volts_dc", "V")
        case 5: ("sensor_amperes", "A")
        case 6: ("sensor_watts", "W")
        case 7: ("sensor_hertz", "Hz")
        case 8: ("sensor_celsius", "°C")
        case 9: ("sensor_humidity_percent", "%RH")
        case 10: ("sensor_fan_rpm", "rpm")
        case 14: ("sensor_dbm", "dBm")
        default: nil
        }
    }

    /// A sensor reading in base units: value × 10^(3×(scale−9)) / 10^precision.
    public static func sensorValue(raw: Int64, scale: Int64, precision: Int64) -> Double {
        let exponent = 3 * (Double(scale) - 9) - Double(precision)
        return Double(raw) * pow10(exponent)
    }

    private static func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        let steps = Int(abs(exponent))
        for _ in 0..<min(steps, 40) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}
