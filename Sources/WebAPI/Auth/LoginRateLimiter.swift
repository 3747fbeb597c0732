import Synchronization

/// Counts failed logins per account and per client address in a sliding window; once a key has
/// `maxFailures` failures in the window, further attempts are refused until the oldest failure
/// leaves it. Bounded: at most `capacity` keys are tracked (the stalest are forgotten first).
final class LoginRateLimiter: Sendable {
    private struct State {
        var failures: [String: [Int64]] = [:]
    }

    private let maxFailures: Int
    private let window: Int64
    private let capacity: Int
    private let state = Mutex(State())

    /// - Parameter window: milliseconds.
    init(maxFailures: Int, window: Int64, capacity: Int = 100_000) {
        self.maxFailures = maxFailures
        self.window = window
        self.capacity = capacity
    }

    /// Seconds until `keys` may try again, or nil when every key may try now (`now` in ms).
    func retryAfter(_ keys: [String], now: Int64) -> Int64? {
        self.state.withLock { state in
            var wait: Int64?
            for key in keys {
                let recent = (state.failures[key] ?? []).filter { $0 > now - self.window }
                state.failures[key] = recent.isEmpty ? nil : recent
                if recent.count >= self.maxFailures, let oldest = recent.first {
                    let seconds = max(1, (oldest + self.window - now + 999) / 1000)
                    wait = max(wait ?? 0, seconds)
                }
            }
            return wait
        }
    }

    /// Records a failure of every key.
    func recordFailure(_ keys: [String], now: Int64) {
        self.state.withLock { state in
            if state.failures.count >= self.capacity {
                // Forget keys whose failures all left the window; if none did, the oldest half.
                state.failures = state.failures.filter { $0.value.last ?? 0 > now - self.window }
                if state.failures.count >= self.capacity {
                    let sorted = state.failures.sorted { ($0.value.last ?? 0) < ($1.value.last ?? 0) }
                    for (key, _) in sorted.prefix(self.capacity / 2) { state.failures[key] = nil }
                }
            }
            for key in keys {
                var recent = (state.failures[key] ?? []).filter { $0 > now - self.window }
                recent.append(now)
                state.failures[key] = Array(recent.suffix(self.maxFailures))
            }
        }
    }

    /// Forgets the failures of `key` (an account after a successful login).
    func reset(_ key: String) {
        self.state.withLock { _ = $0.failures.removeValue(forKey: key) }
    }
}
