import Hummingbird

/// Encoded answers of one read route, kept per request (query and representation), caller's
/// organisation scope and data version, so that repeated reads of unchanged data skip the
/// database and the encoding. Authentication still happens on every request, before the cache is
/// asked. An entry serves only requests made at the version it was built at (the store's
/// ``Storage/TableChangeCounter``, which every write of this process moves) and for at most
/// `maximumAge` (writes by another process, e.g. a `sqlite3` shell, are seen after that).
final class AnswerCache: Sendable {
    struct Key: Hashable, Sendable {
        /// The raw query string (parameters in the order sent).
        var query: String
        /// The caller's organisation; nil for a superadmin (every organisation).
        var organisation: Int64?
        var csv: Bool
    }

    /// Queries longer than this are answered without the cache.
    static let maximumQueryLength = 512

    private let cache: VersionedCache<Key, Response>

    init(capacity: Int = 256, maximumAge: Duration = .seconds(1)) {
        self.cache = VersionedCache(capacity: capacity, maximumAge: maximumAge)
    }

    /// The cached answer to `key` built at `version`, or the answer `build` makes (kept for the
    /// next request when it is a 200 and its query short enough). `version` must be read before
    /// `build` reads the database, so that a write during the build leaves the entry outdated.
    func answer(
        _ key: Key,
        version: UInt64,
        now: ContinuousClock.Instant = .now,
        build: () async throws -> Response
    ) async throws -> Response {
        guard key.query.utf8.count <= Self.maximumQueryLength else { return try await build() }
        var uncached: Response?
        let cached = try await self.cache.value(key, version: version, now: now) {
            let response = try await build()
            guard response.status == .ok else {
                uncached = response
                return nil
            }
            return response
        }
        guard let response = cached ?? uncached else { preconditionFailure("build returned neither") }
        return response
    }
}
