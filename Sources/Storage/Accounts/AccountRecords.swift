/// A role within an organisation, lowest first.
public enum AccountRole: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case viewer
    case editor
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .editor: 1
        case .admin: 2
        }
    }

    public static func < (lhs: AccountRole, rhs: AccountRole) -> Bool {
        lhs.rank < rhs.rank
    }
}

/// An organisation: the owner of users, devices and their data.
public struct Organisation: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// UTC epoch milliseconds.
    public var createdAt: Int64

    public init(id: Int64, name: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// A user account, without its password hash (see ``AccountStore/passwordHash(username:)``).
public struct UserAccount: Sendable, Hashable {
    public var id: Int64
    public var username: String
    public var organisation: Organisation
    public var role: AccountRole
    public var superadmin: Bool
    public var disabled: Bool
    /// UTC epoch milliseconds.
    public var createdAt: Int64
    public var lastLoginAt: Int64?
    public var lastRequestAt: Int64?
}

/// An API key as stored: never its secret, only the SHA-256 of it.
public struct StoredAPIKey: Sendable, Hashable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    /// The public part that finds the key (`nmk_<prefix>_<secret>`).
    public var prefix: String
    public var secretHash: [UInt8]
    public var role: AccountRole
    public var createdAt: Int64
    public var expiresAt: Int64?
    public var lastUsedAt: Int64?
    public var revokedAt: Int64?
}

/// One entry of the audit log.
public struct AuditEntry: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        case success
        case failure
        case denied
    }

    public var id: Int64?
    /// UTC epoch milliseconds.
    public var time: Int64
    public var userID: Int64?
    public var username: String?
    public var organisationID: Int64?
    /// What was attempted, e.g. `login`, `device.create`.
    public var action: String
    /// What it concerned, e.g. `device:12`.
    public var target: String?
    public var method: String?
    public var path: String?
    public var clientAddress: String?
    public var outcome: Outcome
    public var status: Int?

    public init(
        id: Int64? = nil,
        time: Int64,
        userID: Int64?,
        username: String?,
        organisationID: Int64?,
        action: String,
        target: String?,
        method: String?,
        path: String?,
        clientAddress: String?,
        outcome: Outcome,
        status: Int?
    ) {
        self.id = id
        self.time = time
        self.userID = userID
        self.username = username
        self.organisationID = organisationID
        self.action = action
        self.target = target
        self.method = method
        self.path = path
        self.clientAddress = clientAddress
        self.outcome = outcome
        self.status = status
    }
}

/// A write that a unique name or a reference forbids (a name already taken, an organisation
/// still in use): the API answers 409.
public struct StoreConflictError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
