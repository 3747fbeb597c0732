import Synchronization

/// Values kept per key, each valid only for lookups at the data version it was built at (a
/// ``Storage/TableChangeCounter`` value, which every write of this process to the tables behind
/// it moves) and for at most `maximumAge` (writes by another process are seen after that).
/// Bounded: when full, outdated entries go first, then everything. Only values `build` returns
/// are kept (nil is not), so lookups of things that do not exist cannot fill it.
final class VersionedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var version: UInt64
        var storedAt: ContinuousClock.Instant
        var value: Value
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let capacity: Int
    private let maximumAge: Duration

    init(capacity: Int, maximumAge: Duration = .seconds(1)) {
        self.capacity = capacity
        self.maximumAge = maximumAge
    }

    /// The value cached for `key` at `version`, or what `build` returns (kept when not nil).
    /// `version` must be read before `build` reads the data, so that a write during the build
    /// leaves the entry already outdated.
    func value(
        _ key: Key,
        version: UInt64,
        now: ContinuousClock.Instant = .now,
        build: () async throws -> Value?
    ) async throws -> Value? {
        let cached = self.entries.withLock { entries -> Value? in
            guard let entry = entries[key], entry.version == version, now - entry.storedAt < self.maximumAge else {
                return nil
            }
            return entry.value
        }
        if let cached { return cached }
        guard let value = try await build() else { return nil }
        self.entries.withLock { entries in
            if entries.count >= self.capacity, entries[key] == nil {
                entries = entries.filter { $0.value.version == version && now - $0.value.storedAt < self.maximumAge }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(version: version, storedAt: now, value: value)
        }
        return value
    }
}
