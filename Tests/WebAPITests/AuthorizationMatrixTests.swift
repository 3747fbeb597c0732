import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetmonCore
import Storage
import Testing

@testable import WebAPI

/// Every API route × every kind of caller gets exactly the expected status.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// A request of the matrix: made fresh for each caller (deletions need their own target).
    struct Row: Sendable {
        var method: HTTPRequest.Method
        var template: String
        var prepare: @Sendable (APIHarness, Int) async throws -> (path: String, body: String?)
        var expected: @Sendable (Caller) -> Int
    }

    // MARK: Expectations

    static func isKey(_ caller: Caller) -> Bool { [.keyViewer, .keyEditor, .keyAdmin].contains(caller) }

    static func role(_ caller: Caller) -> AccountRole? {
        switch caller {
        case .anonymous: nil
        case .viewer, .keyViewer: .viewer
        case .editor, .keyEditor: .editor
        case .admin, .otherAdmin, .keyAdmin, .superadmin: .admin
        }
    }

    /// 401 anonymous; 403 below `minimum`; `otherOrg` for the other organisation's admin; else `ok`.
    static func needs(_ minimum: AccountRole, ok: Int, otherOrg: Int? = nil) -> @Sendable (Caller) -> Int {
        { caller in
            guard let role = Self.role(caller) else { return 401 }
            guard role >= minimum else { return 403 }
            if caller == .otherAdmin, let otherOrg { return otherOrg }
            return ok
        }
    }

    static func superadminOnly(ok: Int) -> @Sendable (Caller) -> Int {
        { caller in caller == .anonymous ? 401 : caller == .superadmin ? ok : 403 }
    }

    static func fixed(
        _ path: String,
        _ body: String? = nil
    )
        -> @Sendable (APIHarness, Int) async throws -> (
            path: String, body: String?
        )
    {
        { _, _ in (path, body) }
    }

    static var rows: [Row] {
        [
            Row(
                method: .post,
                template: "/api/v1/auth/login",
                prepare: fixed("/api/v1/auth/login", #"{"username":"vera","password":"\#(APIHarness.password)"}"#),
                expected: { _ in 200 }
            ),
            Row(
                method: .post,
                template: "/api/v1/auth/refresh",
                prepare: { harness, _ in
                    guard
                        case .success(let session) = try await harness.auth.login(
                            username: "vera",
                            password: APIHarness.password,
                            client: "test"
                        )
                    else { throw HarnessError.setup }
                    return ("/api/v1/auth/refresh", #"{"refresh_token":"\#(session.refreshToken)"}"#)
                },
                expected: { _ in 200 }
            ),
            Row(
                method: .post,
                template: "/api/v1/auth/logout",
                prepare: fixed("/api/v1/auth/logout", #"{"refresh_token":"unknown"}"#),
                expected: { _ in 204 }
            ),
            Row(
                method: .get,
                template: "/api/v1/auth/me",
                prepare: fixed("/api/v1/auth/me"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/auth/password",
                prepare: fixed(
                    "/api/v1/auth/password",
                    #"{"current_password":"\#(APIHarness.password)","new_password":"\#(APIHarness.password)"}"#
                ),
                expected: { caller in caller == .anonymous ? 401 : isKey(caller) ? 403 : 204 }
            ),
            Row(
                method: .get,
                template: "/api/v1/users",
                prepare: fixed("/api/v1/users"),
                expected: needs(.admin, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/users",
                prepare: { _, n in
                    ("/api/v1/users", #"{"username":"new\#(n)","password":"a long enough password","role":"viewer"}"#)
                },
                expected: needs(.admin, ok: 201)
            ),
            Row(
                method: .get,
                template: "/api/v1/users/{id}",
                prepare: { h, _ in ("/api/v1/users/\(h.users[.viewer]!)", nil) },
                expected: needs(.admin, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/users/{id}",
                prepare: { h, _ in ("/api/v1/users/\(h.users[.viewer]!)", #"{"disabled":false}"#) },
                expected: needs(.admin, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .delete,
                template: "/api/v1/users/{id}",
                prepare: { h, n in
                    let user = try await AccountStore(database: h.database).createUser(
                        username: "gone\(n)",
                        passwordHash: "x",
                        organisationID: 1,
                        role: .viewer,
                        superadmin: false,
                        now: AuthService.now()
                    )
                    return ("/api/v1/users/\(user.id)", nil)
                },
                expected: needs(.admin, ok: 204, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/organisations",
                prepare: fixed("/api/v1/organisations"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/organisations",
                prepare: { _, n in ("/api/v1/organisations", #"{"name":"org\#(n)"}"#) },
                expected: superadminOnly(ok: 201)
            ),
            Row(
                method: .get,
                template: "/api/v1/organisations/{id}",
                prepare: fixed("/api/v1/organisations/1"),
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/organisations/{id}",
                prepare: { h, n in
                    let org = try await AccountStore(database: h.database).createOrganisation(name: "p\(n)", now: 0)
                    return ("/api/v1/organisations/\(org.id)", #"{"name":"renamed\#(n)"}"#)
                },
                expected: superadminOnly(ok: 200)
            ),
            Row(
                method: .delete,
                template: "/api/v1/organisations/{id}",
                prepare: { h, n in
                    let org = try await AccountStore(database: h.database).createOrganisation(name: "d\(n)", now: 0)
                    return ("/api/v1/organisations/\(org.id)", nil)
                },
                expected: superadminOnly(ok: 204)
            ),
            Row(
                method: .get,
                template: "/api/v1/api-keys",
                prepare: fixed("/api/v1/api-keys"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/api-keys",
                prepare: fixed("/api/v1/api-keys", #"{"name":"script","role":"viewer"}"#),
                expected: { caller in caller == .anonymous ? 401 : isKey(caller) ? 403 : 201 }
            ),
            Row(
                method: .delete,
                template: "/api/v1/api-keys/{id}",
                prepare: { h, n in
                    let alice = try await h.auth.accounts.user(id: h.users[.admin]!)!
                    let key = try await h.auth.createAPIKey(for: alice, name: "k\(n)", role: .viewer, expiresAt: nil).0
                    return ("/api/v1/api-keys/\(key.id)", nil)
                },
                // The owner (alice, and her keys), or an admin of her organisation, or a superadmin.
                expected: { caller in
                    switch caller {
                    case .anonymous: 401
                    case .admin, .keyViewer, .keyEditor, .keyAdmin, .superadmin: 204
                    default: 404
                    }
                }
            ),
            Row(
                method: .get,
                template: "/api/v1/audit",
                prepare: fixed("/api/v1/audit"),
                expected: needs(.admin, ok: 200)
            ),
            Row(
                method: .get,
                template: "/api/v1/devices",
                prepare: fixed("/api/v1/devices"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/devices",
                prepare: { _, n in
                    (
                        "/api/v1/devices",
                        #"{"name":"new-\#(n)","address":"host\#(n).example.net","snmp":{"version":"2c","community":"public"}}"#
                    )
                },
                expected: needs(.editor, ok: 201)
            ),
            Row(
                method: .get,
                template: "/api/v1/devices/{id}",
                prepare: { h, _ in ("/api/v1/devices/\(h.deviceID)", nil) },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/devices/{id}",
                prepare: { h, _ in ("/api/v1/devices/\(h.deviceID)", #"{"tags":["core","patched"]}"#) },
                expected: needs(.editor, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .delete,
                template: "/api/v1/devices/{id}",
                prepare: { h, n in
                    let device = try await DeviceAdminStore(database: h.database).create(
                        name: "del-\(n)",
                        address: "192.0.2.200",
                        tags: [],
                        settings: .init(community: .init("public")),
                        organisationID: 1,
                        now: AuthService.now()
                    )
                    return ("/api/v1/devices/\(device.id)", nil)
                },
                expected: needs(.editor, ok: 204, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/devices/{id}/interfaces",
                prepare: { h, _ in ("/api/v1/devices/\(h.deviceID)/interfaces", nil) },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/devices/{id}/interfaces/{ifid}/series",
                prepare: { h, _ in
                    ("/api/v1/devices/\(h.deviceID)/interfaces/\(h.interfaceID)/series?metric=traffic", nil)
                },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/series",
                prepare: { h, _ in ("/api/v1/series?ids=\(h.seriesIDs[0])", nil) },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/reports/billing",
                prepare: { h, _ in ("/api/v1/reports/billing?interfaces=\(h.interfaceID)&method=max", nil) },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/reports/capacity",
                prepare: { h, _ in ("/api/v1/reports/capacity?interfaces=\(h.interfaceID)", nil) },
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .post,
                template: "/api/v1/series/ingest",
                prepare: { h, n in
                    let ts = AuthService.now() - Int64(n)
                    return (
                        "/api/v1/series/ingest",
                        #"{"series":[{"device_id":\#(h.deviceID),"metric":"custom_matrix","samples":[[\#(ts),1.5]]}]}"#
                    )
                },
                expected: needs(.editor, ok: 202, otherOrg: 404)
            ),
            Row(
                method: .get,
                template: "/api/v1/events",
                prepare: fixed("/api/v1/events"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .get,
                template: "/api/v1/flows/top",
                prepare: fixed("/api/v1/flows/top?by=src"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .get,
                template: "/api/v1/flows/exporters",
                prepare: fixed("/api/v1/flows/exporters"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .get,
                template: "/metrics/devices",
                prepare: fixed("/metrics/devices"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .get,
                template: "/api/v1/openapi.json",
                prepare: fixed("/api/v1/openapi.json"),
                expected: { _ in 200 }
            ),
        ] + Self.savedDashboardRows + Self.alertingRows
    }

    @Test("the matrix covers every registered route")
    func coversEveryRoute() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let registered = Set(harness.catalog.entries.map { "\($0.method) \($0.path)" })
        let covered = Set(Self.rows.map { "\($0.method) \($0.template)" })
        #expect(registered == covered)
        #expect(registered.count >= 30)
    }

    @Test("every route × every caller gets the expected status")
    func matrix() async throws {
        let harness = try await APIHarness.make(maxFailures: 1000)
        defer { harness.remove() }
        var counter = 0
        var failures: [String] = []
        for row in Self.rows {
            for caller in Caller.allCases {
                counter += 1
                let (path, body) = try await row.prepare(harness, counter)
                let expected = row.expected(caller)
                let status = try await harness.test { client in
                    try await client.execute(
                        uri: path,
                        method: row.method,
                        headers: harness.headers(caller, json: body != nil),
                        body: body.map { ByteBuffer(string: $0) }
                    ) { response in response.status.code }
                }
                if status != expected {
                    failures.append("\(row.method) \(path) as \(caller): \(status), expected \(expected)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(counter >= 32 * Caller.allCases.count)
    }
}

enum HarnessError: Error {
    case setup
}
