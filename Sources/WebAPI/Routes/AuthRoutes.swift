import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NetmonCore
import Storage

/// `/api/v1/auth`: login, refresh, logout, me, password change.
struct AuthRoutes {
    let service: AuthService
    let authenticator: RequestAuthenticator
    /// Whether the server speaks TLS (cookies are then `Secure`).
    let secureCookies: Bool

    struct LoginBody: Decodable {
        var username: String
        var password: String
        var session: String?
    }

    struct RefreshBody: Decodable {
        var refresh_token: String?
    }

    struct PasswordBody: Decodable {
        var current_password: String
        var new_password: String
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .post,
            "/api/v1/auth/login",
            access: .anonymous,
            summary: "Log in with a username and password",
            operation: .init(requestBody: "LoginRequest", response: "LoginResponse")
        ) { request, context, _ in
            try await self.login(request, context)
        }
        api.add(
            .post,
            "/api/v1/auth/refresh",
            access: .anonymous,
            summary: "Rotate a refresh token into a new token pair",
            operation: .init(requestBody: "RefreshRequest", response: "LoginResponse")
        ) { request, context, _ in
            try await self.refresh(request, context)
        }
        api.add(
            .post,
            "/api/v1/auth/logout",
            access: .anonymous,
            summary: "Revoke the refresh token's family and clear the session cookies",
            operation: .init(requestBody: "RefreshRequest", response: nil)
        ) { request, context, _ in
            let token = try await self.refreshToken(request, context)
            if let token { try await self.service.logout(refreshToken: token) }
            var response = APIResponse.noContent()
            self.clearCookies(&response)
            return response
        }
        api.add(
            .get,
            "/api/v1/auth/me",
            access: .role(.viewer),
            summary: "Who the credentials belong to",
            operation: .init(response: "Me")
        ) { _, _, principal in
            APIResponse.json(ResourceEncoding.me(principal!))
        }
        api.add(
            .post,
            "/api/v1/auth/password",
            access: .role(.viewer),
            action: "user.password",
            summary: "Change your own password (revokes your refresh tokens)",
            operation: .init(requestBody: "PasswordChange", response: nil)
        ) { request, context, principal in
            let body = try await decodeBody(PasswordBody.self, from: request, context: context)
            let user = principal!.user
            guard principal!.method != .apiKey else { throw APIError.forbidden("API keys cannot change passwords") }
            guard let hash = try await self.service.accounts.passwordHash(userID: user.id),
                try await self.service.verifyPassword(body.current_password, hash: hash)
            else { throw APIError(.forbidden, "invalid_credentials", "the current password is wrong") }
            if let problem = AuthService.passwordProblem(body.new_password) { throw APIError.invalidBody(problem) }
            _ = try await self.service.accounts.updateUser(
                id: user.id,
                role: nil,
                disabled: nil,
                passwordHash: try await self.service.hashPassword(body.new_password),
                now: AuthService.now()
            )
            return APIResponse.noContent()
        }
    }

    private func login(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = self.authenticator.clientAddress(request, context: context)
        let body = try await decodeBody(LoginBody.self, from: request, context: context)
        guard !body.username.isEmpty, body.username.count <= 64, body.password.utf8.count <= 1024 else {
            throw APIError.invalidBody("username (1..64 characters) and password are required")
        }
        if let session = body.session, session != "cookie" {
            throw APIError.invalidBody("session must be \"cookie\" when present")
        }
        let outcome = try await self.service.login(username: body.username, password: body.password, client: client)
        var entry = AuditEntry(
            time: AuthService.now(),
            userID: nil,
            username: String(body.username.prefix(64)),
            organisationID: nil,
            action: "login",
            target: nil,
            method: "POST",
            path: "/api/v1/auth/login",
            clientAddress: client,
            outcome: .failure,
            status: nil
        )
        switch outcome {
        case .rateLimited(let wait):
            entry.outcome = .denied
            entry.status = 429
            await self.service.record(entry)
            throw APIError(
                .tooManyRequests,
                "rate_limited",
                "too many failed logins; try again in \(wait) s",
                headers: [.retryAfter: "\(wait)"]
            )
        case .invalidCredentials:
            entry.status = 401
            await self.service.record(entry)
            throw APIError(.unauthorized, "invalid_credentials", "wrong username or password")
        case .disabled:
            entry.status = 403
            entry.outcome = .denied
            await self.service.record(entry)
            throw APIError(.forbidden, "account_disabled", "this account is disabled")
        case .success(let session):
            entry.outcome = .success
            entry.status = 200
            entry.userID = session.user.id
            entry.organisationID = session.user.organisation.id
            await self.service.record(entry)
            return self.sessionResponse(session, cookie: body.session == "cookie")
        }
    }

    private func refresh(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let fromBody = try await self.bodyRefreshToken(request, context)
        let cookie = request.cookies[RequestAuthenticator.refreshCookie]?.value
        guard let token = fromBody ?? cookie else {
            throw APIError.unauthorized("no refresh token (body refresh_token or the netmond_refresh cookie)")
        }
        guard let session = try await self.service.refresh(token) else {
            throw APIError.unauthorized("the refresh token is invalid, expired, revoked or was already used")
        }
        return self.sessionResponse(session, cookie: fromBody == nil)
    }

    private func refreshToken(_ request: Request, _ context: APIRequestContext) async throws -> String? {
        try await self.bodyRefreshToken(request, context) ?? request.cookies[RequestAuthenticator.refreshCookie]?.value
    }

    /// The body's `refresh_token`; nil for an empty body.
    private func bodyRefreshToken(_ request: Request, _ context: APIRequestContext) async throws -> String? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: APIRequestContext.maximumBodySize)
        } catch {
            throw APIError(.contentTooLarge, "payload_too_large", "the request body is larger than 256 KiB")
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard let body = try? JSONDecoder().decode(RefreshBody.self, from: Data(buffer.readableBytesView)) else {
            throw APIError.invalidBody("the body must be a JSON object with refresh_token")
        }
        return body.refresh_token
    }

    private func sessionResponse(_ session: AuthService.Session, cookie: Bool) -> Response {
        let user = ResourceEncoding.user(session.user)
        guard cookie else {
            return APIResponse.json(
                .object([
                    ("access_token", .string(session.accessToken)),
                    ("token_type", .string("Bearer")),
                    ("expires_in", .int(session.expiresIn)),
                    ("refresh_token", .string(session.refreshToken)),
                    ("user", user),
                ])
            )
        }
        let csrf = SecretMaterial.token()
        var response = APIResponse.json(.object([("user", user), ("csrf_token", .string(csrf))]))
        let refreshAge = Int(self.service.configuration.refreshTokenLifetime.components.seconds)
        response.setCookie(
            Cookie(
                name: RequestAuthenticator.accessCookie,
                value: session.accessToken,
                maxAge: Int(session.expiresIn),
                path: "/",
                secure: self.secureCookies,
                httpOnly: true,
                sameSite: .strict
            )
        )
        response.setCookie(
            Cookie(
                name: RequestAuthenticator.refreshCookie,
                value: session.refreshToken,
                maxAge: refreshAge,
                path: "/api/v1/auth",
                secure: self.secureCookies,
                httpOnly: true,
                sameSite: .strict
            )
        )
        response.setCookie(
            Cookie(
                name: RequestAuthenticator.csrfCookie,
                value: csrf,
                maxAge: refreshAge,
                path: "/",
                secure: self.secureCookies,
                httpOnly: false,
                sameSite: .strict
            )
        )
        return response
    }

    private func clearCookies(_ response: inout Response) {
        for (name, path) in [
            (RequestAuthenticator.accessCookie, "/"), (RequestAuthenticator.refreshCookie, "/api/v1/auth"),
            (RequestAuthenticator.csrfCookie, "/"),
        ] {
            response.setCookie(
                Cookie(
                    name: name,
                    value: "",
                    maxAge: 0,
                    path: path,
                    secure: self.secureCookies,
                    httpOnly: name != RequestAuthenticator.csrfCookie,
                    sameSite: .strict
                )
            )
        }
    }
}
