import HTTPTypes
import Storage
import Synchronization

/// Who may call a route.
enum RouteAccess: Sendable, Hashable {
    /// Anyone, without credentials.
    case anonymous
    /// A user, API key or session whose role is at least this one.
    case role(AccountRole)
    /// A superadmin session.
    case superadmin

    var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .role(let role): role.rawValue
        case .superadmin: "superadmin"
        }
    }
}

/// One registered API route: what the OpenAPI document describes and the authorization tests
/// walk.
struct RouteEntry: Sendable, Hashable {
    var method: HTTPRequest.Method
    /// The full path with `{name}` parameters, e.g. `/api/v1/devices/{id}`.
    var path: String
    var access: RouteAccess
    /// The audit action of a mutating route (`device.create`).
    var action: String?
    var summary: String
    /// The operation's OpenAPI details (parameters, bodies, responses).
    var operation: OpenAPIOperation
}

/// Every route the API registered, in registration order.
final class RouteCatalog: Sendable {
    private let storage = Mutex<[RouteEntry]>([])

    func add(_ entry: RouteEntry) {
        self.storage.withLock { $0.append(entry) }
    }

    var entries: [RouteEntry] { self.storage.withLock { $0 } }
}
