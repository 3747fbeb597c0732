/// A silence (maintenance window): alerts it matches are recorded but not notified while it is
/// active. Every set matcher must match.
public struct Silence: Sendable, Hashable, Codable {
    public var id: Int64?
    /// Matches alerts of this device (by name).
    public var device: String?
    /// Matches alerts of devices with this tag.
    public var tag: String?
    /// Matches alerts of this rule (by name).
    public var rule: String?
    public var schedule: SilenceSchedule
    public var comment: String
    /// The organisation that owns the silence (nil: the default organisation); it only silences
    /// alerts of that organisation's rules.
    public var organisationID: Int64?
    /// Who created it (a username), when made through the API.
    public var createdBy: String?

    public init(
        id: Int64? = nil,
        device: String? = nil,
        tag: String? = nil,
        rule: String? = nil,
        schedule: SilenceSchedule,
        comment: String = "",
        organisationID: Int64? = nil,
        createdBy: String? = nil
    ) {
        self.id = id
        self.device = device
        self.tag = tag
        self.rule = rule
        self.schedule = schedule
        self.comment = comment
        self.organisationID = organisationID
        self.createdBy = createdBy
    }

    /// Whether it silences an alert of `rule` on `device` (nil for alerts without a device) at `time`.
    public func silences(rule: String, device: DeviceFacts?, at time: Int64) -> Bool {
        guard self.schedule.isActive(at: time) else { return false }
        if let name = self.rule, name != rule { return false }
        if let name = self.device, name != device?.name { return false }
        if let tag = self.tag, !(device?.tags.contains(tag) ?? false) { return false }
        return true
    }
}

/// When a silence is active: once, or weekly at a time of day (UTC).
public enum SilenceSchedule: Sendable, Hashable, Codable {
    /// From `start` until `end` (UTC epoch ms, end excluded).
    case once(start: Int64, end: Int64)
    /// Every week on `weekdays` (0 Sunday … 6 Saturday), from `startMinute` minutes after UTC
    /// midnight for `durationMinutes` (which may run past midnight).
    case weekly(weekdays: Set<Int>, startMinute: Int, durationMinutes: Int)

    /// Whether the schedule covers `time`.
    public func isActive(at time: Int64) -> Bool {
        switch self {
        case .once(let start, let end):
            return time >= start && time < end
        case .weekly(let weekdays, let startMinute, let durationMinutes):
            let day: Int64 = 86_400_000
            let today = Self.floorDivide(time, day)
            // A window may start on one of the previous days and run into today.
            let lookBack = Int64(max(0, (startMinute + durationMinutes - 1) / 1440))
            for offset in 0...lookBack {
                let startDay = today - offset
                // 1970-01-01 was a Thursday (4).
                let weekday = Int(((startDay % 7) + 7 + 4) % 7)
                guard weekdays.contains(weekday) else { continue }
                let begin = startDay * day + Int64(startMinute) * 60_000
                let end = begin + Int64(durationMinutes) * 60_000
                if time >= begin && time < end { return true }
            }
            return false
        }
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
