/// Configuration of SNMP polling (`snmp:` in netmond.yaml).
public struct SNMPConfiguration: Sendable, Equatable {
    /// Poll at all. With `false`, devices are kept but nothing is polled.
    public var enabled: Bool
    /// Settings every device inherits unless it sets its own.
    public var defaults: SNMPDeviceSettings
    /// How often each device's system data and interface list are re-discovered (they are also
    /// re-discovered when ifNumber or ifTableLastChange changes).
    public var discoveryInterval: Duration
    /// Consecutive failed polls after which a device is marked unreachable.
    public var downAfterFailures: Int
    /// Devices polled at the same time at most (each with one request in flight): the ceiling
    /// and starting point of the adaptive poll window, which shrinks when agents answer only
    /// after a retransmission and grows back while they answer on the first try.
    public var maxConcurrentPolls: Int
    /// The poll window never shrinks below this (capped at `maxConcurrentPolls`); equal to
    /// `maxConcurrentPolls`, the window is fixed.
    public var minConcurrentPolls: Int
    /// Devices seeded into the database at start (the API manages them afterwards).
    public var devices: [SNMPDeviceConfiguration]
    /// Extra objects to collect from every device that answers them.
    public var collectors: [SNMPCollectorConfiguration]

    public init(
        enabled: Bool = true,
        defaults: SNMPDeviceSettings = .init(),
        discoveryInterval: Duration = .seconds(6 * 3600),
        downAfterFailures: Int = 3,
        maxConcurrentPolls: Int = 200,
        minConcurrentPolls: Int = 4,
        devices: [SNMPDeviceConfiguration] = [],
        collectors: [SNMPCollectorConfiguration] = []
    ) {
        self.enabled = enabled
        self.defaults = defaults
        self.discoveryInterval = discoveryInterval
        self.downAfterFailures = downAfterFailures
        self.maxConcurrentPolls = maxConcurrentPolls
        self.minConcurrentPolls = minConcurrentPolls
        self.devices = devices
        self.collectors = collectors
    }
}

/// How to reach and poll one device; every field can come from `snmp.defaults`.
public struct SNMPDeviceSettings: Sendable, Equatable {
    public enum Version: String, Sendable, Equatable, CaseIterable {
        case v1 = "1"
        case v2c = "2c"
        case v3 = "3"
    }

    public var version: Version
    public var port: Int
    /// v1/v2c community. There is no default: a device must name its own (or `defaults` must).
    public var community: Secret?
    /// SNMPv3 USM settings.
    public var user: String?
    public var securityLevel: String
    public var authProtocol: String
    public var authPassword: Secret?
    public var privProtocol: String
    public var privPassword: Secret?
    public var context: String
    public var timeout: Duration
    public var retries: Int
    public var pollInterval: Duration
    public var maxRepetitions: Int

    public init(
        version: Version = .v2c,
        port: Int = 161,
        community: Secret? = nil,
        user: String? = nil,
        securityLevel: String = "authPriv",
        authProtocol: String = "SHA",
        authPassword: Secret? = nil,
        privProtocol: String = "AES",
        privPassword: Secret? = nil,
        context: String = "",
        timeout: Duration = .seconds(2),
        retries: Int = 1,
        pollInterval: Duration = .seconds(60),
        maxRepetitions: Int = 25
    ) {
        self.version = version
        self.port = port
        self.community = community
        self.user = user
        self.securityLevel = securityLevel
        self.authProtocol = authProtocol
        self.authPassword = authPassword
        self.privProtocol = privProtocol
        self.privPassword = privPassword
        self.context = context
        self.timeout = timeout
        self.retries = retries
        self.pollInterval = pollInterval
        self.maxRepetitions = maxRepetitions
    }
}

/// One device to poll.
public struct SNMPDeviceConfiguration: Sendable, Equatable {
    /// A unique name; defaults to the address.
    public var name: String
    /// An IPv4 or IPv6 address literal or a host name.
    public var address: String
    public var tags: [String]
    public var settings: SNMPDeviceSettings

    public init(name: String, address: String, tags: [String] = [], settings: SNMPDeviceSettings) {
        self.name = name
        self.address = address
        self.tags = tags
        self.settings = settings
    }
}

/// A custom object to collect: a scalar or a table column, stored as a gauge or a counter rate.
public struct SNMPCollectorConfiguration: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Stored as read.
        case gauge
        /// A counter: stored as a per-second rate (honest rates: wraps, restarts, gaps).
        case counter
    }

    /// The metric name, e.g. `cisco_temperature`.
    public var name: String
    /// A scalar instance (`...0`) or, with `table: true`, a column walked for every index.
    public var oid: String
    public var table: Bool
    public var kind: Kind
    public var unit: String

    public init(name: String, oid: String, table: Bool = false, kind: Kind = .gauge, unit: String = "") {
        self.name = name
        self.oid = oid
        self.table = table
        self.kind = kind
        self.unit = unit
    }
}
