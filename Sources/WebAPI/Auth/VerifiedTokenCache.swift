import Foundation
import Synchronization

/// Access tokens whose signature and claims were already verified, with their subject and expiry:
/// a client sends the same token with every request for up to its lifetime, and verifying it
/// (base64, HMAC-SHA256, JSON claims) cost more than a cached device list. Verification is a
/// pure function of the token and the key except for time, so a hit is valid until the token's
/// `exp`, which is checked on every lookup. Only verified tokens are kept (at most `capacity`;
/// when full, the expired ones go, then everything), so forged tokens cannot fill it.
final class VerifiedTokenCache: Sendable {
    private struct Entry: Sendable {
        var userID: Int64
        var expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The subject of `token` if it was verified and has not expired at `now`.
    func userID(_ token: String, now: Date = Date()) -> Int64? {
        self.entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.userID
        }
    }

    /// Remembers a verified token.
    func store(_ token: String, userID: Int64, expires: Date, now: Date = Date()) {
        self.entries.withLock { entries in
            if entries.count >= self.capacity, entries[token] == nil {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(userID: userID, expires: expires)
        }
    }
}
