import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import NetmonCore
import Storage
import Synchronization

/// Logins, token rotation, API keys and password hashing: the decisions of authentication, over
/// the account and credential stores.
public final class AuthService: Sendable {
    /// A new session: an access token and a refresh token for `user`.
    struct Session: Sendable {
        var accessToken: String
        var expiresIn: Int64
        var refreshToken: String
        var user: UserAccount
    }

    enum LoginOutcome: Sendable {
        case success(Session)
        case invalidCredentials
        case disabled
        case rateLimited(retryAfter: Int64)
    }

    let accounts: AccountStore
    let credentials: CredentialStore
    let audit: AuditStore
    let tokens: AccessTokens
    let limiter: LoginRateLimiter
    let configuration: AuthConfiguration
    private let unknownUserHash: String
    /// When activity (last request, key use) was last written, per user or key: written at most
    /// once a minute, so authenticated reads do not each take the database's write lock.
    private let activityWritten = Mutex<[String: Int64]>([:])
    /// Users and API keys as authentication last read them, per account version (users,
    /// organisations, API keys): a busy client's requests do not each take a database read (a hop
    /// to GRDB's reader queue, a statement, a row decoded by name: a third of the CPU of a cached
    /// device list), yet a disabled user, a changed role or a revoked key take effect on the next
    /// request (another process's change, such as `netmond user`, within a second).
    private let users = VersionedCache<Int64, UserAccount>(capacity: 1024)
    private let apiKeys = VersionedCache<String, StoredAPIKey>(capacity: 1024)
    private let logger: Logger

    /// Loads (or creates) the signing key and prepares the stores.
    public init(database: NetmonDatabase, configuration: AuthConfiguration, key: [UInt8], logger: Logger) async {
        self.accounts = AccountStore(database: database)
        self.credentials = CredentialStore(database: database)
        self.audit = AuditStore(database: database)
        self.tokens = await AccessTokens(
            key: key,
            issuer: configuration.issuer,
            lifetime: configuration.accessTokenLifetime
        )
        self.limiter = LoginRateLimiter(
            maxFailures: configuration.loginMaxFailures,
            window: configuration.loginWindow.components.seconds * 1000
        )
        self.configuration = configuration
        // Verified against when the user does not exist, so both failures take as long.
        self.unknownUserHash = Bcrypt.hash(SecretMaterial.token(), cost: UInt8(configuration.bcryptCost))
        self.logger = logger
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Passwords

    /// Why a new password is refused, or nil when it is acceptable.
    static func passwordProblem(_ password: String) -> String? {
        if password.count < 12 { return "passwords have at least 12 characters" }
        if password.utf8.count > 72 { return "passwords have at most 72 bytes (bcrypt ignores the rest)" }
        if password.utf8.contains(0) { return "passwords cannot contain NUL characters" }
        return nil
    }

    /// The bcrypt hash of `password` at `cost` (for tools such as `netmond user add`).
    public static func hashPassword(_ password: String, cost: Int) -> String {
        Bcrypt.hash(password, cost: UInt8(cost))
    }

    /// Why a new password is refused, or nil when it is acceptable (for tools).
    public static func problem(withPassword password: String) -> String? {
        self.passwordProblem(password)
    }

    /// The bcrypt hash of `password` at the configured cost, computed off the cooperative pool.
    public func hashPassword(_ password: String) async throws -> String {
        let cost = UInt8(self.configuration.bcryptCost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        guard !password.utf8.contains(0) else { return false }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    // MARK: Login, refresh, logout

    func login(username: String, password: String, client: String) async throws -> LoginOutcome {
        let now = Self.now()
        let accountKey = "user:" + username.lowercased()
        let addressKey = "addr:" + client
        if let wait = self.limiter.retryAfter([accountKey, addressKey], now: now) {
            return .rateLimited(retryAfter: wait)
        }
        let user = try await self.accounts.user(username: username)
        var hash: String?
        if let user { hash = try await self.accounts.passwordHash(userID: user.id) }
        let valid = try await self.verifyPassword(password, hash: hash ?? self.unknownUserHash)
        guard valid, let user, hash != nil else {
            self.limiter.recordFailure([accountKey, addressKey], now: now)
            return .invalidCredentials
        }
        guard !user.disabled else { return .disabled }
        self.limiter.reset(accountKey)
        try await self.accounts.recordLogin(userID: user.id, at: now)
        return .success(try await self.newSession(for: user, family: SecretMaterial.token(), now: now))
    }

    private func newSession(for user: UserAccount, family: String, now: Int64) async throws -> Session {
        let refresh = SecretMaterial.token()
        let expiresAt = now + self.configuration.refreshTokenLifetime.components.seconds * 1000
        try await self.credentials.storeRefreshToken(
            hash: SecretMaterial.sha256(refresh),
            userID: user.id,
            family: family,
            now: now,
            expiresAt: expiresAt
        )
        return Session(
            accessToken: try await self.tokens.sign(userID: user.id),
            expiresIn: self.tokens.lifetimeSeconds,
            refreshToken: refresh,
            user: user
        )
    }

    /// Rotates a refresh token: a new pair, or nil when the token is invalid or reused (reuse
    /// revokes its whole family).
    func refresh(_ token: String) async throws -> Session? {
        guard token.utf8.count <= 256 else { return nil }
        let now = Self.now()
        let newToken = SecretMaterial.token()
        let outcome = try await self.credentials.rotateRefreshToken(
            hash: SecretMaterial.sha256(token),
            newHash: SecretMaterial.sha256(newToken),
            now: now
        )
        switch outcome {
        case .invalid:
            return nil
        case .reused(let userID):
            self.logger.warning(
                "auth: a used refresh token was presented again; its family is revoked",
                metadata: ["auth.user_id": "\(userID)"]
            )
            return nil
        case .rotated(let userID, _):
            guard let user = try await self.accounts.user(id: userID), !user.disabled else { return nil }
            return Session(
                accessToken: try await self.tokens.sign(userID: user.id),
                expiresIn: self.tokens.lifetimeSeconds,
                refreshToken: newToken,
                user: user
            )
        }
    }

    func logout(refreshToken: String) async throws {
        guard refreshToken.utf8.count <= 256 else { return }
        _ = try await self.credentials.revokeFamily(ofTokenHash: SecretMaterial.sha256(refreshToken), now: Self.now())
    }

    // MARK: Authenticating requests

    /// Whether the activity of `key` is due to be written at `now` (once a minute), marking it so.
    private func activityDue(_ key: String, now: Int64) -> Bool {
        self.activityWritten.withLock { written in
            if let last = written[key], last > now - 60_000 { return false }
            if written.count >= 100_000 { written.removeAll() }
            written[key] = now
            return true
        }
    }

    /// The principal of an access token, or nil.
    func principal(accessToken: String, method: Principal.Method) async throws -> Principal? {
        guard let userID = await self.tokens.verify(accessToken),
            let user = try await self.cachedUser(id: userID), !user.disabled
        else { return nil }
        let now = Self.now()
        if self.activityDue("user:\(user.id)", now: now) {
            try await self.accounts.recordRequest(userID: user.id, at: now)
        }
        return Principal(user: user, role: user.role, method: method, apiKeyID: nil)
    }

    static let apiKeyPrefix = "nmk_"

    private func cachedUser(id: Int64) async throws -> UserAccount? {
        try await self.users.value(id, version: self.accounts.version) { try await self.accounts.user(id: id) }
    }

    private func cachedAPIKey(prefix: String) async throws -> StoredAPIKey? {
        try await self.apiKeys.value(prefix, version: self.accounts.version) {
            try await self.credentials.apiKey(prefix: prefix)
        }
    }

    /// The principal of an API key `nmk_<prefix>_<secret>`, or nil.
    func principal(apiKey: String) async throws -> Principal? {
        guard apiKey.hasPrefix(Self.apiKeyPrefix), apiKey.utf8.count <= 128 else { return nil }
        let rest = apiKey.dropFirst(Self.apiKeyPrefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let prefix = String(rest[..<separator])
        let secret = String(rest[rest.index(after: separator)...])
        guard prefix.count == 12, prefix.allSatisfy(\.isHexDigit),
            let key = try await self.cachedAPIKey(prefix: prefix),
            SecretMaterial.constantTimeEqual(SecretMaterial.sha256(secret), key.secretHash)
        else { return nil }
        let now = Self.now()
        guard key.revokedAt == nil, key.expiresAt.map({ $0 > now }) ?? true,
            let user = try await self.cachedUser(id: key.userID), !user.disabled
        else { return nil }
        if self.activityDue("key:\(key.id)", now: now) {
            try await self.credentials.recordAPIKeyUse(id: key.id, at: now)
            try await self.accounts.recordRequest(userID: user.id, at: now)
        }
        return Principal(user: user, role: min(key.role, user.role), method: .apiKey, apiKeyID: key.id)
    }

    /// A new API key for `user`; returns the stored key and the full secret (shown once).
    func createAPIKey(
        for user: UserAccount,
        name: String,
        role: AccountRole,
        expiresAt: Int64?
    ) async throws -> (StoredAPIKey, String) {
        let prefix = SecretMaterial.randomBytes(6).map { String(format: "%02x", $0) }.joined()
        let secret = SecretMaterial.token()
        let key = try await self.credentials.createAPIKey(
            userID: user.id,
            name: name,
            prefix: prefix,
            secretHash: SecretMaterial.sha256(secret),
            role: role,
            now: Self.now(),
            expiresAt: expiresAt
        )
        return (key, "\(Self.apiKeyPrefix)\(prefix)_\(secret)")
    }

    /// Appends to the audit log; a failure to write is logged, never hides the request's outcome.
    func record(_ entry: AuditEntry) async {
        do {
            try await self.audit.append(entry)
        } catch {
            self.logger.error("audit: cannot append \(entry.action): \(error)")
        }
    }
}
