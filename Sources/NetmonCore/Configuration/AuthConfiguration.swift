/// Configuration of API authentication (`auth:` in netmond.yaml): the JWT signing key, token
/// lifetimes, password hashing, login rate limits and which proxies may name the client address.
public struct AuthConfiguration: Sendable, Equatable {
    /// The HS256 signing key file (`jwt_key_file`): 32 random bytes, created with mode 0600 on
    /// first start when missing. Nil (the default): `jwt.key` beside the database (`storage.path`),
    /// /var/lib/netmond/jwt.key with the default storage path; see
    /// ``NetmondConfiguration/jwtKeyPath``.
    public var jwtKeyFile: String?
    /// Lifetime of an access token (`access_token_lifetime`, default 15 minutes, at most 15 minutes).
    public var accessTokenLifetime: Duration
    /// Lifetime of a refresh token family (`refresh_token_lifetime`, default 7 days).
    public var refreshTokenLifetime: Duration
    /// bcrypt cost of stored password hashes (`bcrypt_cost`, default 12; 4 to 31; below 12 only for tests).
    public var bcryptCost: Int
    /// Failed logins per account and per client address within `login_window` before further
    /// attempts are refused (`login_max_failures`, default 5).
    public var loginMaxFailures: Int
    /// The window of the login rate limit (`login_window`, default 5 minutes).
    public var loginWindow: Duration
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client (`trusted_proxies`,
    /// default none: the socket's address is the client's).
    public var trustedProxies: [String]
    /// The `iss` and `aud` of access tokens (`issuer`, default "netmond").
    public var issuer: String

    /// Creates a configuration; every parameter defaults to the documented value.
    public init(
        jwtKeyFile: String? = nil,
        accessTokenLifetime: Duration = .seconds(900),
        refreshTokenLifetime: Duration = .seconds(7 * 24 * 3600),
        bcryptCost: Int = 12,
        loginMaxFailures: Int = 5,
        loginWindow: Duration = .seconds(300),
        trustedProxies: [String] = [],
        issuer: String = "netmond"
    ) {
        self.jwtKeyFile = jwtKeyFile
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.bcryptCost = bcryptCost
        self.loginMaxFailures = loginMaxFailures
        self.loginWindow = loginWindow
        self.trustedProxies = trustedProxies
        self.issuer = issuer
    }
}
