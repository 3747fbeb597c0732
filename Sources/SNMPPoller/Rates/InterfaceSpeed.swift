/// The nominal speed of an interface in bits per second, from IF-MIB.
public enum InterfaceSpeed {
    /// `ifHighSpeed` (Mbit/s) when the agent gives it and it is non-zero, else `ifSpeed` (bit/s),
    /// which saturates at 4,294,967,295 for interfaces above 4.29 Gbit/s. Nil when neither is known
    /// or both are zero (many virtual interfaces).
    public static func bitsPerSecond(ifSpeed: UInt64?, ifHighSpeed: UInt64?) -> UInt64? {
        if let high = ifHighSpeed, high > 0 {
            return high * 1_000_000
        }
        if let speed = ifSpeed, speed > 0 {
            return speed
        }
        return nil
    }

    /// Utilisation in percent of a rate in bits per second.
    public static func utilization(bitsPerSecond rate: Double, speed: UInt64) -> Double {
        rate / Double(speed) * 100
    }
}
