import Hummingbird
import Synchronization

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

    private struct Entry: Sendable {
        var version: UInt64
        var storedAt: ContinuousClock.Instant
        var response: Response
    }

    /// Queries longer than this are answered without the cache.
    static let maximumQueryLength = 512

    private let entries = Mutex<[Key: Entry]>([:])
    private let capacity: Int
    private let maximumAge: Duration

    init(capacity: Int = 256, maximumAge: Duration = .seconds(1)) {
        self.capacity = capacity
        self.maximumAge = maximumAge
    }

    /// The cached answer to `key` built at `version`, or the answer `build` makes (stored for the
    /// next request when its query is short enough). `version` must be read before `build` reads
    /// the database, so that a write during the build leaves the entry already outdated.
    func answer(
        _ key: Key,
        version: UInt64,
        now: ContinuousClock.Instant = .now,
        build: () async throws -> Response
    ) async throws -> Response {
        guard key.query.utf8.count <= Self.maximumQueryLength else { return try await build() }
        let cached = self.entries.withLock { entries -> Response? in
            guard let entry = entries[key], entry.version == version, now - entry.storedAt < self.maximumAge else {
                return nil
            }
            return entry.response
        }
        if let cached { return cached }
        let response = try await build()
        guard response.status == .ok else { return response }
        self.entries.withLock { entries in
            if entries.count >= self.capacity, entries[key] == nil {
                // Outdated entries first; when all are current, start afresh.
                entries = entries.filter { $0.value.version == version && now - $0.value.storedAt < self.maximumAge }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(version: version, storedAt: now, response: response)
        }
        return response
    }
}
