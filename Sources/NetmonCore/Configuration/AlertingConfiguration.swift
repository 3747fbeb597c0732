/// Configuration of alerting (`alerting:` in netmond.yaml): the evaluator and dispatcher, the SSRF
/// allowance, SMTP, device parent links, and rules, channels and escalation policies seeded into
/// the database at start (more are managed through the API).
public struct AlertingConfiguration: Sendable, Equatable {
    /// Run the evaluator and the dispatcher (`enabled`, default true).
    public var enabled: Bool
    /// How often every rule is evaluated (`evaluation_interval`, default 30 s).
    public var evaluationInterval: Duration
    /// Allow notifications to loopback, link-local, private and this box's own addresses
    /// (`allow_private_destinations`, default false: refused, against SSRF).
    public var allowPrivateDestinations: Bool
    /// Time allowed for one delivery attempt, connect to response (`delivery_timeout`, default 10 s).
    public var deliveryTimeout: Duration
    /// Attempts before a notification is dead (`max_attempts`, default 8).
    public var maxAttempts: Int
    /// Delay before the first retry, doubled each attempt (`retry_initial`, default 5 s) ...
    public var retryInitial: Duration
    /// ... up to this (`retry_max`, default 10 min).
    public var retryMax: Duration
    /// The window over which fire/resolve changes count towards flapping (`flap_window`, default 1 h).
    public var flapWindow: Duration
    /// Changes within the window at which an alert is flapping; 0 disables (`flap_threshold`, default 6).
    public var flapThreshold: Int
    /// Base URL of the dashboard for links in notifications (`dashboard_url`, default empty: no links).
    public var dashboardURL: String
    /// Upstream links between devices, by name (`device_parents`): an unreachable parent
    /// suppresses its children's unreachable alerts.
    public var deviceParents: [DeviceParent]
    /// The SMTP server used by email channels (`smtp:`).
    public var smtp: SMTPConfiguration
    /// Rules written to the database at start (`rules:`).
    public var rules: [AlertRuleSeed]
    /// Channels written to the database at start (`channels:`).
    public var channels: [AlertChannelSeed]
    /// Escalation policies written to the database at start (`policies:`).
    public var policies: [AlertPolicySeed]

    public init(
        enabled: Bool = true,
        evaluationInterval: Duration = .seconds(30),
        allowPrivateDestinations: Bool = false,
        deliveryTimeout: Duration = .seconds(10),
        maxAttempts: Int = 8,
        retryInitial: Duration = .seconds(5),
        retryMax: Duration = .seconds(600),
        flapWindow: Duration = .seconds(3600),
        flapThreshold: Int = 6,
        dashboardURL: String = "",
        deviceParents: [DeviceParent] = [],
        smtp: SMTPConfiguration = .init(),
        rules: [AlertRuleSeed] = [],
        channels: [AlertChannelSeed] = [],
        policies: [AlertPolicySeed] = []
    ) {
        self.enabled = enabled
        self.evaluationInterval = evaluationInterval
        self.allowPrivateDestinations = allowPrivateDestinations
        self.deliveryTimeout = deliveryTimeout
        self.maxAttempts = maxAttempts
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.flapWindow = flapWindow
        self.flapThreshold = flapThreshold
        self.dashboardURL = dashboardURL
        self.deviceParents = deviceParents
        self.smtp = smtp
        self.rules = rules
        self.channels = channels
        self.policies = policies
    }
}

/// A child device and its upstream parent, by name.
public struct DeviceParent: Sendable, Equatable {
    public var device: String
    public var parent: String

    public init(device: String, parent: String) {
        self.device = device
        self.parent = parent
    }
}

/// The SMTP server email channels send through.
public struct SMTPConfiguration: Sendable, Equatable {
    /// How the connection is secured.
    public enum Security: String, Sendable, Equatable {
        /// Plain connection upgraded with STARTTLS (required).
        case starttls
        /// TLS from the first byte (SMTPS, usually port 465).
        case tls
        /// No TLS (only for a relay on a trusted network; AUTH is refused over it).
        case none
    }

    /// Host name or address (`host`, default empty: email channels cannot send).
    public var host: String
    /// TCP port (`port`, default 587).
    public var port: Int
    public var security: Security
    /// AUTH user name (`username`, default empty: no AUTH).
    public var username: String
    /// AUTH password (`password`), a secret.
    public var password: Secret?
    /// The envelope and header sender (`from`, default `netmond@localhost`).
    public var from: String
    /// The name sent in EHLO (`helo_name`, default `netmond`).
    public var heloName: String
    /// A PEM file of extra trusted CA certificates (`ca_file`, default empty: system roots).
    public var caFile: String
    /// Skip certificate verification (`insecure_skip_verify`, default false; tests only).
    public var insecureSkipVerify: Bool

    public init(
        host: String = "",
        port: Int = 587,
        security: Security = .starttls,
        username: String = "",
        password: Secret? = nil,
        from: String = "netmond@localhost",
        heloName: String = "netmond",
        caFile: String = "",
        insecureSkipVerify: Bool = false
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.heloName = heloName
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// A rule from the configuration file; the Alerting module turns it into its rule model.
public struct AlertRuleSeed: Sendable, Equatable {
    public static let kinds = [
        "threshold", "rate_of_change", "absence", "device_unreachable", "interface_down", "utilization",
        "error_rate", "device_reboot", "flow", "anomaly", "top_talker",
    ]
    public var name: String
    /// One of ``kinds``.
    public var kind: String
    public var metric: String
    /// avg, max, min, p95 or last.
    public var aggregate: String
    public var window: Duration
    /// `>`, `>=`, `<` or `<=`.
    public var comparison: String
    public var threshold: Double
    public var clear: Double?
    public var forDuration: Duration
    public var severity: String
    public var tag: String?
    public var device: String?
    public var interface: String?
    public var policy: String?
    /// Flow rules: to, from or either.
    public var direction: String
    public var prefix: String?
    public var port: Int?
    public var proto: Int?
    /// Anomaly rules: season length, seasons in the baseline, deviations.
    public var period: Duration
    public var seasons: Int
    public var deviations: Double

    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
        self.metric = ""
        self.aggregate = "avg"
        self.window = .seconds(300)
        self.comparison = ">"
        self.threshold = 0
        self.clear = nil
        self.forDuration = .zero
        self.severity = "warning"
        self.direction = "either"
        self.period = .seconds(86_400)
        self.seasons = 7
        self.deviations = 3
    }
}

/// A notification channel from the configuration file.
public struct AlertChannelSeed: Sendable, Equatable {
    public static let types = ["webhook", "slack", "teams", "email"]
    public var name: String
    /// webhook, slack, teams (Slack or Microsoft Teams incoming webhook) or email.
    public var type: String
    /// Webhook, slack and teams: the URL.
    public var url: String
    /// Webhook: the HMAC-SHA256 signing key.
    public var secret: Secret?
    /// Email: recipients.
    public var to: [String]
    /// Mustache templates overriding the defaults (empty: default).
    public var subjectTemplate: String
    public var bodyTemplate: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
        self.url = ""
        self.secret = nil
        self.to = []
        self.subjectTemplate = ""
        self.bodyTemplate = ""
    }
}

/// An escalation policy from the configuration file.
public struct AlertPolicySeed: Sendable, Equatable {
    /// After `after` firing unacknowledged, notify `channels`.
    public struct Step: Sendable, Equatable {
        public var after: Duration
        public var channels: [String]

        public init(after: Duration, channels: [String]) {
            self.after = after
            self.channels = channels
        }
    }

    public var name: String
    public var steps: [Step]
    /// Re-notify the last step this often while unacknowledged (zero: never).
    public var repeatInterval: Duration

    public init(name: String, steps: [Step], repeatInterval: Duration = .zero) {
        self.name = name
        self.steps = steps
        self.repeatInterval = repeatInterval
    }
}
