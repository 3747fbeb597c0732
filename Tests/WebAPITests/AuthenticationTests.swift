import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing

@testable import WebAPI

@Suite("Authentication: forged tokens, refresh rotation, rate limits, API keys, cookies")
struct AuthenticationTests {
    // MARK: Forging

    static func segment(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return SecretMaterial.base64URL([UInt8](data))
    }

    static func sign(_ input: String, key: [UInt8], bits: Int = 256) -> String {
        let symmetric = SymmetricKey(data: key)
        let mac: [UInt8] =
            switch bits {
            case 384: Array(HMAC<SHA384>.authenticationCode(for: Array(input.utf8), using: symmetric))
            case 512: Array(HMAC<SHA512>.authenticationCode(for: Array(input.utf8), using: symmetric))
            default: Array(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: symmetric))
            }
        return SecretMaterial.base64URL(mac)
    }

    static func token(
        header: [String: Any] = ["alg": "HS256", "typ": "at+jwt"],
        claims: [String: Any],
        key: [UInt8],
        bits: Int = 256
    ) -> String {
        let input = self.segment(header) + "." + self.segment(claims)
        return input + "." + self.sign(input, key: key, bits: bits)
    }

    static func claims(user: Int64, now: Int, change: [String: Any] = [:], remove: [String] = []) -> [String: Any] {
        var claims: [String: Any] = [
            "sub": String(user), "iss": "netmond", "aud": ["netmond"], "iat": now, "nbf": now, "exp": now + 600,
            "jti": "x",
        ]
        for (key, value) in change { claims[key] = value }
        for key in remove { claims[key] = nil }
        return claims
    }

    static func makeForgedTokens(key: [UInt8], user: Int64, disabledUser: Int64) -> [(String, String)] {
        let now = Int(Date().timeIntervalSince1970)
        let good = Self.claims(user: user, now: now)
        let wrongKey = SecretMaterial.randomBytes(32)
        let valid = Self.token(claims: good, key: key)
        let parts = valid.split(separator: ".").map(String.init)
        let unsigned = Self.segment(["alg": "none", "typ": "at+jwt"]) + "." + Self.segment(good)
        return [
            ("alg none, no signature", unsigned + "."),
            ("alg None", Self.segment(["alg": "None", "typ": "at+jwt"]) + "." + Self.segment(good) + "."),
            ("alg NONE", Self.segment(["alg": "NONE", "typ": "at+jwt"]) + "." + Self.segment(good) + "."),
            ("alg none with a signature", unsigned + "." + parts[2]),
            ("wrong key", Self.token(claims: good, key: wrongKey)),
            (
                "RS256 header, HMAC signature",
                Self.token(header: ["alg": "RS256", "typ": "at+jwt"], claims: good, key: key)
            ),
            ("ES256 header", Self.token(header: ["alg": "ES256", "typ": "at+jwt"], claims: good, key: key)),
            ("HS384", Self.token(header: ["alg": "HS384", "typ": "at+jwt"], claims: good, key: key, bits: 384)),
            ("HS512", Self.token(header: ["alg": "HS512", "typ": "at+jwt"], claims: good, key: key, bits: 512)),
            ("wrong iss", Self.token(claims: Self.claims(user: user, now: now, change: ["iss": "evil"]), key: key)),
            ("wrong aud", Self.token(claims: Self.claims(user: user, now: now, change: ["aud": ["other"]]), key: key)),
            (
                "extra aud",
                Self.token(claims: Self.claims(user: user, now: now, change: ["aud": ["netmond", "x"]]), key: key)
            ),
            ("typ JWT", Self.token(header: ["alg": "HS256", "typ": "JWT"], claims: good, key: key)),
            ("no typ", Self.token(header: ["alg": "HS256"], claims: good, key: key)),
            ("expired", Self.token(claims: Self.claims(user: user, now: now - 3600), key: key)),
            (
                "not yet valid",
                Self.token(claims: Self.claims(user: user, now: now, change: ["nbf": now + 3600]), key: key)
            ),
            (
                "lifetime too long",
                Self.token(claims: Self.claims(user: user, now: now, change: ["exp": now + 86400]), key: key)
            ),
            ("no exp", Self.token(claims: Self.claims(user: user, now: now, remove: ["exp"]), key: key)),
            ("no sub", Self.token(claims: Self.claims(user: user, now: now, remove: ["sub"]), key: key)),
            (
                "sub not a number",
                Self.token(claims: Self.claims(user: user, now: now, change: ["sub": "root"]), key: key)
            ),
            ("sub of no user", Self.token(claims: Self.claims(user: 999_999, now: now), key: key)),
            ("disabled user", Self.token(claims: Self.claims(user: disabledUser, now: now), key: key)),
            (
                "kid header",
                Self.token(
                    header: ["alg": "HS256", "typ": "at+jwt", "kid": "../../etc/passwd"],
                    claims: good,
                    key: key
                )
            ),
            (
                "jku header",
                Self.token(
                    header: ["alg": "HS256", "typ": "at+jwt", "jku": "http://127.0.0.1/k"],
                    claims: good,
                    key: key
                )
            ),
            ("truncated signature", String(valid.dropLast(3))),
            ("two parts", parts[0] + "." + parts[1]),
            ("four parts", valid + ".AAAA"),
            ("payload swapped", parts[0] + "." + Self.segment(Self.claims(user: user + 1, now: now)) + "." + parts[2]),
            ("payload not JSON", parts[0] + "." + SecretMaterial.base64URL(Array("not json".utf8)) + "." + parts[2]),
            ("header not JSON", SecretMaterial.base64URL(Array("{{{".utf8)) + "." + parts[1] + "." + parts[2]),
            (
                "oversized",
                Self.token(
                    claims: Self.claims(user: user, now: now, change: ["pad": String(repeating: "A", count: 20_000)]),
                    key: key
                )
            ),
            ("garbage", "garbage"),
            ("dots", "..."),
            ("non-base64", "a$b.c%d.e^f"),
            ("unicode", "ünïcödé.ünïcödé.ünïcödé"),
            ("empty", ""),
        ]
    }

    @Test("at least 25 forged or broken tokens get 401, never anything else")
    func forgedTokens() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let key = [UInt8](FileManager.default.contents(atPath: harness.directory + "/jwt.key")!)
        let disabled = try await AccountStore(database: harness.database).createUser(
            username: "ghost",
            passwordHash: "x",
            organisationID: 1,
            role: .admin,
            superadmin: false,
            now: 0
        )
        _ = try await AccountStore(database: harness.database).updateUser(
            id: disabled.id,
            role: nil,
            disabled: true,
            passwordHash: nil,
            now: 0
        )
        let user = harness.users[.admin]!
        // The forging itself is right: the same recipe with the real key and claims is accepted.
        let control = Self.token(claims: Self.claims(user: user, now: Int(Date().timeIntervalSince1970)), key: key)
        let tokens = Self.makeForgedTokens(key: key, user: user, disabledUser: disabled.id)
        #expect(tokens.count >= 25)
        try await harness.test { client in
            try await client.execute(
                uri: "/api/v1/auth/me",
                method: .get,
                headers: [.authorization: "Bearer \(control)"]
            ) {
                #expect($0.status == .ok)
            }
            for (name, token) in tokens {
                for headers: HTTPFields in [[.authorization: "Bearer \(token)"], [.cookie: "netmond_access=\(token)"]] {
                    try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(name): \(response.status)")
                        let error = jsonObject(response.body)?["error"] as? [String: Any]
                        #expect(error?["code"] as? String == "unauthorized", "\(name)")
                    }
                }
            }
        }
    }

    @Test("refresh tokens rotate; reusing an old one revokes the whole family")
    func refreshRotation() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            let login = try await client.execute(
                uri: "/api/v1/auth/login",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username":"vera","password":"\#(APIHarness.password)"}"#)
            ) { jsonObject($0.body) }
            let first = try #require(login?["refresh_token"] as? String)
            #expect(login?["token_type"] as? String == "Bearer")
            #expect(login?["expires_in"] as? Int == 900)
            let refresh = { (token: String) async throws -> (Int, [String: Any]?) in
                try await client.execute(
                    uri: "/api/v1/auth/refresh",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"refresh_token":"\#(token)"}"#)
                ) { ($0.status.code, jsonObject($0.body)) }
            }
            let (status1, body1) = try await refresh(first)
            #expect(status1 == 200)
            let second = try #require(body1?["refresh_token"] as? String)
            #expect(second != first)
            let access = try #require(body1?["access_token"] as? String)
            // The old token again: refused, and the family with the second token is revoked.
            #expect(try await refresh(first).0 == 401)
            #expect(try await refresh(second).0 == 401)
            // The access token stays valid until it expires (stateless), and a new login works.
            try await client.execute(
                uri: "/api/v1/auth/me",
                method: .get,
                headers: [.authorization: "Bearer \(access)"]
            ) {
                #expect($0.status == .ok)
            }
        }
        let families = try await harness.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL") ?? -1
        }
        #expect(families == 0)
    }

    @Test("logout revokes the refresh token")
    func logout() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        guard
            case .success(let session) = try await harness.auth.login(
                username: "vera",
                password: APIHarness.password,
                client: "t"
            )
        else {
            Issue.record("login failed")
            return
        }
        try await harness.test { client in
            try await client.execute(
                uri: "/api/v1/auth/logout",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"refresh_token":"\#(session.refreshToken)"}"#)
            ) { #expect($0.status == .noContent) }
            try await client.execute(
                uri: "/api/v1/auth/refresh",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"refresh_token":"\#(session.refreshToken)"}"#)
            ) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("failed logins are limited per account; unknown users and wrong passwords look the same")
    func loginRateLimit() async throws {
        let harness = try await APIHarness.make(maxFailures: 5)
        defer { harness.remove() }
        try await harness.test { client in
            let login = { (user: String, password: String) async throws -> (Int, String?) in
                try await client.execute(
                    uri: "/api/v1/auth/login",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"username":"\#(user)","password":"\#(password)"}"#)
                ) { ($0.status.code, (jsonObject($0.body)?["error"] as? [String: Any])?["code"] as? String) }
            }
            let unknown = try await login("nobody", "whatever password")
            #expect(unknown.0 == 401 && unknown.1 == "invalid_credentials")
            for _ in 0..<4 {
                let wrong = try await login("eddie", "wrong password!")
                #expect(wrong.0 == 401 && wrong.1 == "invalid_credentials")
            }
            // Five failures from this client address: locked now, even with the right password
            // and for another account.
            let locked = try await login("eddie", APIHarness.password)
            #expect(locked.0 == 429 && locked.1 == "rate_limited")
            let other = try await login("vera", APIHarness.password)
            #expect(other.0 == 429)
        }
        // Per account: failures from many addresses lock the account for every address.
        for index in 0..<5 {
            let outcome = try await harness.auth.login(
                username: "alice",
                password: "wrong!",
                client: "192.0.2.\(index)"
            )
            guard case .invalidCredentials = outcome else {
                Issue.record("attempt \(index): \(outcome)")
                continue
            }
        }
        let fromElsewhere = try await harness.auth.login(
            username: "alice",
            password: APIHarness.password,
            client: "198.51.100.7"
        )
        guard case .rateLimited = fromElsewhere else {
            Issue.record("alice is not locked: \(fromElsewhere)")
            return
        }
        // Another account from that address is not affected.
        let bystander = try await harness.auth.login(
            username: "vera",
            password: APIHarness.password,
            client: "198.51.100.7"
        )
        guard case .success = bystander else {
            Issue.record("vera is locked: \(bystander)")
            return
        }
        let audited = try await AuditStore(database: harness.database).entries(
            from: 0,
            to: Int64.max,
            organisationID: nil,
            userID: nil,
            action: "login",
            outcome: nil,
            limit: 100,
            offset: 0
        )
        #expect(audited.total == 7)
        #expect(audited.items.filter { $0.outcome == .denied }.count == 2)
    }

    @Test("the login rate limiter counts per key within its window")
    func rateLimiter() {
        let limiter = LoginRateLimiter(maxFailures: 3, window: 60_000)
        #expect(limiter.retryAfter(["a"], now: 0) == nil)
        for time in [0, 1000, 2000] as [Int64] { limiter.recordFailure(["a", "ip"], now: time) }
        #expect(limiter.retryAfter(["a"], now: 3000) == 57)
        #expect(limiter.retryAfter(["b", "ip"], now: 3000) == 57)
        #expect(limiter.retryAfter(["b"], now: 3000) == nil)
        #expect(limiter.retryAfter(["a"], now: 60_001) == nil)
        limiter.reset("ip")
        #expect(limiter.retryAfter(["ip"], now: 3000) == nil)
    }

    @Test("API keys are stored as digests only, work in both headers, and stop working when revoked")
    func apiKeys() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let created = try await harness.test { client in
            try await client.execute(
                uri: "/api/v1/api-keys",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: ByteBuffer(string: #"{"name":"cron","role":"viewer"}"#)
            ) { response in
                #expect(response.status == .created)
                return jsonObject(response.body)
            }
        }
        let secret = try #require(created?["secret"] as? String)
        let id = try #require(created?["id"] as? Int)
        #expect(secret.hasPrefix("nmk_"))
        let secretPart = String(secret.split(separator: "_", maxSplits: 2)[2])
        // Nothing in the database holds the secret, in any column, as text or bytes.
        let dump = try await harness.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys").flatMap { row in
                row.databaseValues.map { value -> String in
                    if let data = Data.fromDatabaseValue(value) {
                        return String(decoding: data, as: UTF8.self) + data.base64EncodedString()
                    }
                    return value.description
                }
            }.joined(separator: "|")
        }
        #expect(!dump.contains(secretPart))
        #expect(!dump.contains(secret))
        try await harness.test { client in
            for headers: HTTPFields in [[.authorization: "Bearer \(secret)"], [.xAPIKey: secret]] {
                try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                    #expect(jsonObject(response.body)?["role"] as? String == "viewer")
                    #expect(jsonObject(response.body)?["auth"] as? String == "api_key")
                }
            }
            // A viewer key cannot create devices even though its user is an editor.
            try await client.execute(
                uri: "/api/v1/devices",
                method: .post,
                headers: [.xAPIKey: secret, .contentType: "application/json"],
                body: ByteBuffer(string: #"{"name":"x","address":"192.0.2.9","snmp":{"community":"c"}}"#)
            ) { #expect($0.status == .forbidden) }
            // A wrong secret with the right prefix fails.
            let forged = String(secret.dropLast(2)) + (secret.hasSuffix("AA") ? "BB" : "AA")
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.xAPIKey: forged]) {
                #expect($0.status == .unauthorized)
            }
            // A viewer cannot ask for a key above their role.
            try await client.execute(
                uri: "/api/v1/api-keys",
                method: .post,
                headers: harness.headers(.viewer, json: true),
                body: ByteBuffer(string: #"{"name":"up","role":"admin"}"#)
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/api-keys/\(id)", method: .delete, headers: harness.headers(.editor))
            {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.xAPIKey: secret]) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test("cookie sessions: attributes as the contract says, CSRF header required for mutations")
    func cookieSession() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            let (cookies, csrf) = try await client.execute(
                uri: "/api/v1/auth/login",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(
                    string: #"{"username":"eddie","password":"\#(APIHarness.password)","session":"cookie"}"#
                )
            ) { response in
                #expect(response.status == .ok)
                let body = jsonObject(response.body)
                #expect(body?["access_token"] == nil)
                return (response.headers[values: .setCookie], body?["csrf_token"] as? String)
            }
            let csrfToken = try #require(csrf)
            let access = try #require(cookies.first { $0.hasPrefix("netmond_access=") })
            let refresh = try #require(cookies.first { $0.hasPrefix("netmond_refresh=") })
            let csrfCookie = try #require(cookies.first { $0.hasPrefix("netmond_csrf=") })
            #expect(access.contains("HttpOnly") && access.contains("SameSite=Strict") && access.contains("Path=/"))
            #expect(refresh.contains("HttpOnly") && refresh.contains("Path=/api/v1/auth"))
            #expect(!csrfCookie.contains("HttpOnly") && csrfCookie.contains("netmond_csrf=\(csrfToken)"))
            let accessValue = access.split(separator: ";")[0]
            let cookieHeader = "\(accessValue); netmond_csrf=\(csrfToken)"
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.cookie: cookieHeader]) {
                #expect($0.status == .ok)
                #expect(jsonObject($0.body)?["auth"] as? String == "cookie")
            }
            let body = ByteBuffer(string: #"{"tags":["csrf"]}"#)
            try await client.execute(
                uri: "/api/v1/devices/\(harness.deviceID)",
                method: .patch,
                headers: [.cookie: cookieHeader, .contentType: "application/json"],
                body: body
            ) { response in
                #expect(response.status == .forbidden)
                #expect((jsonObject(response.body)?["error"] as? [String: Any])?["code"] as? String == "csrf_failed")
            }
            try await client.execute(
                uri: "/api/v1/devices/\(harness.deviceID)",
                method: .patch,
                headers: [.cookie: cookieHeader, .contentType: "application/json", .xCSRFToken: "wrong"],
                body: body
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/api/v1/devices/\(harness.deviceID)",
                method: .patch,
                headers: [.cookie: cookieHeader, .contentType: "application/json", .xCSRFToken: csrfToken],
                body: body
            ) { #expect($0.status == .ok) }
            // The refresh cookie rotates into new cookies.
            let refreshValue = refresh.split(separator: ";")[0]
            try await client.execute(
                uri: "/api/v1/auth/refresh",
                method: .post,
                headers: [.cookie: String(refreshValue)]
            ) {
                #expect($0.status == .ok)
                #expect($0.headers[values: .setCookie].contains { $0.hasPrefix("netmond_access=") })
            }
        }
    }
}
