import Storage

/// Who a request acts for, once authenticated.
struct Principal: Sendable {
    /// How the request proved who it is.
    enum Method: String, Sendable {
        case jwt
        case cookie
        case apiKey = "api_key"
    }

    var user: UserAccount
    /// The role the request acts with: the user's, or the API key's (never higher).
    var role: AccountRole
    var method: Method
    var apiKeyID: Int64?

    /// A superadmin acting through a session (API keys never carry superadmin powers).
    var isSuperadmin: Bool { self.user.superadmin && self.method != .apiKey }

    /// The organisation whose resources this request sees; nil for a superadmin (every one).
    var organisationScope: Int64? { self.isSuperadmin ? nil : self.user.organisation.id }

    /// Whether the request may act on resources of `organisationID`.
    func canSee(organisationID: Int64) -> Bool {
        self.isSuperadmin || self.user.organisation.id == organisationID
    }

    /// Whether the request's role is at least `role` (a superadmin always is).
    func has(_ role: AccountRole) -> Bool {
        self.isSuperadmin || self.role >= role
    }
}
