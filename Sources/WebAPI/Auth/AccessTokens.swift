import Foundation
import JWTKit

/// The claims of an access token: subject (user id), issuer, audience, issue/not-before/expiry
/// times and a random id.
struct AccessTokenClaims: JWTPayload {
    var sub: SubjectClaim
    var iss: IssuerClaim
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    var jti: IDClaim

    /// Checked by ``AccessTokens`` after the signature (issuer and audience there too).
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try self.exp.verifyNotExpired()
        try self.nbf.verifyNotBefore(currentDate: Date().addingTimeInterval(5))
    }
}

/// Signs and verifies access tokens: HS256 only (the header's `alg` must say so; `none`, RS/ES
/// and anything else are refused before the signature is looked at), header `typ` `at+jwt`,
/// issuer and audience both the configured issuer, at most 8 KiB.
struct AccessTokens: Sendable {
    static let type = "at+jwt"
    static let maximumLength = 8 * 1024

    private let keys: JWTKeyCollection
    /// Tokens already verified, until their expiry.
    private let verified = VerifiedTokenCache()
    let issuer: String
    let lifetime: Duration

    init(key: [UInt8], issuer: String, lifetime: Duration) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        self.keys = keys
        self.issuer = issuer
        self.lifetime = lifetime
    }

    var lifetimeSeconds: Int64 { self.lifetime.components.seconds }

    func sign(userID: Int64, now: Date = Date()) async throws -> String {
        let claims = AccessTokenClaims(
            sub: SubjectClaim(value: String(userID)),
            iss: IssuerClaim(value: self.issuer),
            aud: AudienceClaim(value: [self.issuer]),
            iat: IssuedAtClaim(value: now),
            nbf: NotBeforeClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(TimeInterval(self.lifetimeSeconds))),
            jti: IDClaim(value: SecretMaterial.token())
        )
        return try await self.keys.sign(claims, header: ["alg": "HS256", "typ": .string(Self.type)])
    }

    /// The user id of a valid token, or nil for anything else (never throws).
    func verify(_ token: String) async -> Int64? {
        guard token.utf8.count <= Self.maximumLength else { return nil }
        if let userID = self.verified.userID(token) { return userID }
        guard Self.headerIsPinned(token) else { return nil }
        guard let claims = try? await self.keys.verify(token, as: AccessTokenClaims.self) else { return nil }
        guard claims.iss.value == self.issuer, claims.aud.value == [self.issuer] else { return nil }
        guard claims.exp.value.timeIntervalSince(claims.iat.value) <= TimeInterval(self.lifetimeSeconds) + 1 else {
            return nil
        }
        guard let userID = Int64(claims.sub.value) else { return nil }
        self.verified.store(token, userID: userID, expires: claims.exp.value)
        return userID
    }

    /// Whether the token's header is exactly what we issue: `alg` HS256, `typ` at+jwt, and no
    /// key-pointing fields (`jku`, `jwk`, `x5u`, `x5c`, `crit`, `kid`).
    static func headerIsPinned(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty,
            let bytes = SecretMaterial.decodeBase64URL(parts[0]),
            let header = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return false }
        guard header["alg"] as? String == "HS256", header["typ"] as? String == Self.type else { return false }
        return Set(header.keys).isSubset(of: ["alg", "typ"])
    }
}
