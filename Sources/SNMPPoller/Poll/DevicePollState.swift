import NetmonCore

/// What the poller remembers about one device between polls: the last discovery, the last
/// reading of every counter (for rates), interface statuses (for change events) and
/// reachability. A value owned by the device's poll loop.
public struct DevicePollState: Sendable {
    /// Identifies one counter: an interface's or a custom collector's, with its instance.
    struct CounterKey: Hashable, Sendable {
        var metric: String
        var ifIndex: Int?
        var instance: String
    }

    public internal(set) var discovery: DiscoveryResult?
    /// UTC epoch milliseconds of the last discovery.
    public internal(set) var discoveredAt: Int64?
    var lastUptime: UInt32?
    var readings: [CounterKey: CounterReading] = [:]
    var operStatus: [Int: Int] = [:]
    public internal(set) var consecutiveFailures = 0
    /// Nil until the first poll ends.
    public internal(set) var reachable: Bool?

    public init() {}

    /// The last raw value read of an interface counter (e.g. `if_in_octets`), for display.
    public func lastCounterValue(metric: String, ifIndex: Int) -> UInt64? {
        self.readings[CounterKey(metric: metric, ifIndex: ifIndex, instance: "")]?.value
    }
}
