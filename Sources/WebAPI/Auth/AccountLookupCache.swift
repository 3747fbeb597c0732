import Storage
import Synchronization

/// Users and API keys as authentication last read them, so that the requests of a busy client do
/// not each take a database read (a hop to GRDB's reader queue, a statement and a row decoded by
/// name: a third of the CPU of a cached device list). An entry serves only lookups made at the
/// account version it was read at (``Storage/AccountStore/version``, moved by every committed
/// change of this process to users, organisations or API keys, so a disabled user, a changed
/// role or a revoked key take effect on the next request) and for at most `maximumAge` (changes
/// made by another process, such as `netmond user` commands, are seen after that). Only found
/// rows are kept, so unknown credentials cannot fill it.
final class AccountLookupCache: Sendable {
    enum Key: Hashable, Sendable {
        case user(Int64)
        case apiKey(prefix: String)
    }

    enum Value: Sendable {
        case user(UserAccount)
        case apiKey(StoredAPIKey)
    }

    private struct Entry: Sendable {
        var version: UInt64
        var storedAt: ContinuousClock.Instant
        var value: Value
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let capacity: Int
    private let maximumAge: Duration

    init(capacity: Int = 1024, maximumAge: Duration = .seconds(1)) {
        self.capacity = capacity
        self.maximumAge = maximumAge
    }

    /// The value cached for `key` at `version`, or what `read` returns (kept when found).
    /// `version` must be read before `read` runs, so a change during the read outdates the entry.
    func value(
        _ key: Key,
        version: UInt64,
        now: ContinuousClock.Instant = .now,
        read: () async throws -> Value?
    ) async throws -> Value? {
        let cached = self.entries.withLock { entries -> Value? in
            guard let entry = entries[key], entry.version == version, now - entry.storedAt < self.maximumAge else {
                return nil
            }
            return entry.value
        }
        if let cached { return cached }
        guard let value = try await read() else { return nil }
        self.entries.withLock { entries in
            if entries.count >= self.capacity, entries[key] == nil {
                entries.removeAll(keepingCapacity: true)
            }
            entries[key] = Entry(version: version, storedAt: now, value: value)
        }
        return value
    }
}
