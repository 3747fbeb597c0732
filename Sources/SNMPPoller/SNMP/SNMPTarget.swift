/// Where and how to reach one SNMP agent.
public struct SNMPTarget: Sendable, Hashable {
    /// An IPv4 or IPv6 address literal or a host name.
    public var address: String
    public var port: Int
    public var credentials: SNMPCredentials
    /// How long to wait for each response before retrying.
    public var timeout: Duration
    /// How many times a request is re-sent after a timeout.
    public var retries: Int

    public init(
        address: String,
        port: Int = 161,
        credentials: SNMPCredentials,
        timeout: Duration = .seconds(2),
        retries: Int = 1
    ) {
        self.address = address
        self.port = port
        self.credentials = credentials
        self.timeout = timeout
        self.retries = retries
    }

    /// The peer name in net-snmp's transport syntax: `udp:HOST:PORT` or `udp6:[ADDR]:PORT`.
    var peerName: String {
        self.address.contains(":") ? "udp6:[\(self.address)]:\(self.port)" : "udp:\(self.address):\(self.port)"
    }
}

/// The SNMP version and the secrets that go with it. Its description never shows a secret.
public enum SNMPCredentials: Sendable, Hashable, CustomStringConvertible {
    case v1(community: String)
    case v2c(community: String)
    case v3(SNMPv3User)

    public var versionName: String {
        switch self {
        case .v1: "1"
        case .v2c: "2c"
        case .v3: "3"
        }
    }

    public var description: String {
        switch self {
        case .v1: "v1 (community ***)"
        case .v2c: "v2c (community ***)"
        case .v3(let user): "v3 (user \(user.userName), \(user.securityLevel.rawValue))"
        }
    }
}

/// An SNMPv3 USM user.
public struct SNMPv3User: Sendable, Hashable {
    public enum SecurityLevel: String, Sendable, CaseIterable {
        case noAuthNoPriv, authNoPriv, authPriv
    }

    /// Authentication protocols (all supported by Debian 12's net-snmp 5.9.3).
    public enum AuthProtocol: String, Sendable, CaseIterable {
        case md5 = "MD5"
        case sha1 = "SHA"
        case sha224 = "SHA-224"
        case sha256 = "SHA-256"
        case sha384 = "SHA-384"
        case sha512 = "SHA-512"

        var shimNumber: Int32 { Int32(Self.allCases.firstIndex(of: self)! + 1) }
    }

    /// Privacy protocols (AES-192/256 are the Blumenthal draft variant, as net-snmp builds them).
    public enum PrivProtocol: String, Sendable, CaseIterable {
        case des = "DES"
        case aes128 = "AES"
        case aes192 = "AES-192"
        case aes256 = "AES-256"

        var shimNumber: Int32 { Int32(Self.allCases.firstIndex(of: self)! + 1) }
    }

    public var userName: String
    public var securityLevel: SecurityLevel
    public var authProtocol: AuthProtocol
    public var authPassword: String
    public var privProtocol: PrivProtocol
    public var privPassword: String
    public var context: String

    public init(
        userName: String,
        securityLevel: SecurityLevel,
        authProtocol: AuthProtocol = .sha1,
        authPassword: String = "",
        privProtocol: PrivProtocol = .aes128,
        privPassword: String = "",
        context: String = ""
    ) {
        self.userName = userName
        self.securityLevel = securityLevel
        self.authProtocol = authProtocol
        self.authPassword = authPassword
        self.privProtocol = privProtocol
        self.privPassword = privPassword
        self.context = context
    }
}
