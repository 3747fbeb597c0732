/// "A new top talker above a share of the link": an address whose traffic through one
/// interface of a flow exporter, over the window, exceeds `sharePercent` of that interface's
/// speed. Inbound traffic counts by source address on the input interface, outbound traffic by
/// destination address on the output interface; one alert per exporter × interface × direction ×
/// address, so an address that newly becomes a top talker is a new alert.
public struct TopTalkerCondition: Sendable, Hashable, Codable {
    /// The window (ms) of complete flow minutes the rate is averaged over.
    public var windowMilliseconds: Int64
    /// The share of the link speed (%) above which the address breaches.
    public var sharePercent: Double
    /// The share below which a firing alert resolves (hysteresis); nil: as soon as it is not above.
    public var clearPercent: Double?

    public init(windowMilliseconds: Int64 = 300_000, sharePercent: Double, clearPercent: Double? = nil) {
        self.windowMilliseconds = windowMilliseconds
        self.sharePercent = sharePercent
        self.clearPercent = clearPercent
    }

    /// The share (%) of `speedBitsPerSecond` that `bytes` over `seconds` make; nil without a speed.
    public static func share(bytes: UInt64, seconds: Double, speedBitsPerSecond: Int64?) -> Double? {
        guard let speed = speedBitsPerSecond, speed > 0, seconds > 0 else { return nil }
        return Double(bytes) * 8 / seconds / Double(speed) * 100
    }

    /// The observation a share (%) makes against this condition (with hysteresis).
    public func observe(share: Double) -> AlertObservation {
        ThresholdCondition(
            metric: "",
            windowMilliseconds: self.windowMilliseconds,
            comparison: .above,
            threshold: self.sharePercent,
            clear: self.clearPercent
        ).observe(share)
    }

    /// The `[from, to)` range of complete minutes of flows the window at `now` covers (UTC epoch
    /// ms, minute-aligned; the current, incomplete minute is left out).
    public func minuteRange(now: Int64) -> (from: Int64, to: Int64) {
        let to = now / 60_000 * 60_000
        let minutes = max(1, (self.windowMilliseconds + 59_999) / 60_000)
        return (to - minutes * 60_000, to)
    }
}

/// The traffic of one address through one interface of an exporter over a window, with what the
/// SNMP inventory knows about that interface.
public struct InterfaceTalker: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable {
        /// Source address on the input interface.
        case inbound = "in"
        /// Destination address on the output interface.
        case outbound = "out"
    }

    public var exporter: String
    public var ifIndex: UInt32
    public var direction: Direction
    /// The address as text.
    public var address: String
    /// Bytes (scaled by sampling) over the window.
    public var bytes: UInt64
    /// The exporter's device, when it is polled.
    public var deviceID: Int64?
    /// ifName (or ifDescr) when known.
    public var interfaceName: String?
    public var speedBitsPerSecond: Int64?

    public init(
        exporter: String,
        ifIndex: UInt32,
        direction: Direction,
        address: String,
        bytes: UInt64,
        deviceID: Int64? = nil,
        interfaceName: String? = nil,
        speedBitsPerSecond: Int64? = nil
    ) {
        self.exporter = exporter
        self.ifIndex = ifIndex
        self.direction = direction
        self.address = address
        self.bytes = bytes
        self.deviceID = deviceID
        self.interfaceName = interfaceName
        self.speedBitsPerSecond = speedBitsPerSecond
    }

    /// The alert target: one per exporter × interface × direction × address.
    public var targetKey: String {
        "tt:\(self.exporter)|\(self.direction.rawValue)|\(self.ifIndex)|\(self.address)"
    }
}
