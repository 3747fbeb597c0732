/// A rule: what to watch (``RuleCondition``), where (``RuleScope``), how urgent, and how long a
/// condition must hold before the alert fires.
public struct AlertRule: Sendable, Hashable, Codable {
    /// The database id (nil before the rule is stored).
    public var id: Int64?
    /// A unique name, shown in notifications.
    public var name: String
    public var condition: RuleCondition
    public var scope: RuleScope
    public var severity: Severity
    /// How long (ms) the condition must hold before a pending alert fires (`for`); 0 fires at once.
    public var forMilliseconds: Int64
    /// The escalation policy notified (by name), or nil to record alerts without notifying.
    public var policy: String?
    public var enabled: Bool
    /// The organisation that owns the rule (nil: the default organisation). A rule only targets
    /// devices of its organisation.
    public var organisationID: Int64?

    public init(
        id: Int64? = nil,
        name: String,
        condition: RuleCondition,
        scope: RuleScope = .all,
        severity: Severity = .warning,
        forMilliseconds: Int64 = 0,
        policy: String? = nil,
        enabled: Bool = true,
        organisationID: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.condition = condition
        self.scope = scope
        self.severity = severity
        self.forMilliseconds = forMilliseconds
        self.policy = policy
        self.enabled = enabled
        self.organisationID = organisationID
    }
}

/// Which devices and interfaces a rule applies to. Every set criterion must match.
public struct RuleScope: Sendable, Hashable, Codable {
    /// Only devices with this tag.
    public var tag: String?
    /// Only the device with this name.
    public var device: String?
    /// Only interfaces whose name (ifName, else ifDescr) matches this glob (`*` and `?`).
    public var interfacePattern: String?

    public init(tag: String? = nil, device: String? = nil, interfacePattern: String? = nil) {
        self.tag = tag
        self.device = device
        self.interfacePattern = interfacePattern
    }

    /// Every device and interface.
    public static let all = RuleScope()

    /// Whether the scope admits `device`.
    public func admits(device: DeviceFacts) -> Bool {
        if let tag = self.tag, !device.tags.contains(tag) { return false }
        if let name = self.device, name != device.name { return false }
        return true
    }

    /// Whether the scope admits `interface` (of a device it admits).
    public func admits(interface: InterfaceFacts) -> Bool {
        guard let pattern = self.interfacePattern else { return true }
        return Glob.matches(pattern, interface.name)
    }
}

/// Shell-style wildcard matching: `*` any run of characters, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern)
        let t = Array(text)
        var pi = 0
        var ti = 0
        var star: Int?
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if let s = star {
                pi = s + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
