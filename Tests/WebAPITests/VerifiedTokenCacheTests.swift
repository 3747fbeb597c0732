import Foundation
import Testing

@testable import WebAPI

@Suite("verified access tokens are remembered until they expire, within a bound")
struct VerifiedTokenCacheTests {
    @Test("a hit until exp, a miss from exp on; unknown tokens miss")
    func expiry() {
        let cache = VerifiedTokenCache()
        let now = Date(timeIntervalSince1970: 1_000_000)
        cache.store("a.b.c", userID: 7, expires: now.addingTimeInterval(60), now: now)
        #expect(cache.userID("a.b.c", now: now) == 7)
        #expect(cache.userID("a.b.c", now: now.addingTimeInterval(59.9)) == 7)
        #expect(cache.userID("a.b.c", now: now.addingTimeInterval(60)) == nil)
        #expect(cache.userID("a.b.c", now: now) == nil, "an expired entry is dropped")
        #expect(cache.userID("a.b.d", now: now) == nil)
    }

    @Test("full: expired entries go first, then everything; never more than the capacity")
    func bound() {
        let cache = VerifiedTokenCache(capacity: 4)
        let now = Date(timeIntervalSince1970: 1_000_000)
        cache.store("old", userID: 1, expires: now.addingTimeInterval(-1), now: now)
        for index in 0..<3 {
            cache.store("t\(index)", userID: Int64(index), expires: now.addingTimeInterval(60), now: now)
        }
        cache.store("t3", userID: 3, expires: now.addingTimeInterval(60), now: now)
        #expect((0..<4).allSatisfy { cache.userID("t\($0)", now: now) == Int64($0) }, "the expired one made room")
        cache.store("t4", userID: 4, expires: now.addingTimeInterval(60), now: now)
        #expect(cache.userID("t4", now: now) == 4)
        #expect(cache.userID("t0", now: now) == nil, "all current entries were dropped to stay bounded")
    }
}
