import Hummingbird
import HummingbirdTesting
import Storage

@testable import WebAPI

extension AuthorizationMatrixTests {
    /// Saved dashboards and the series catalog. The dashboard acted on is a shared one of eddie
    /// (an editor of the first organisation): everyone there reads it; eddie, an admin of the
    /// organisation (alice, her admin key) and the superadmin change or delete it; viewers and
    /// alice's editor key may not (403); the other organisation does not see it (404).
    static var savedDashboardRows: [Row] {
        let sharedOfEddie: @Sendable (APIHarness, Int) async throws -> (path: String, body: String?) = { h, _ in
            let dashboard = try await h.storedDashboard(owner: .editor, visibility: .shared)
            return ("/api/v1/dashboards/\(dashboard.id)", nil)
        }
        let changers: @Sendable (Caller) -> Int = { caller in
            switch caller {
            case .anonymous: 401
            case .editor, .admin, .keyAdmin, .superadmin: 200
            case .otherAdmin: 404
            case .viewer, .keyViewer, .keyEditor: 403
            }
        }
        return [
            Row(
                method: .get,
                template: "/api/v1/dashboards",
                prepare: fixed("/api/v1/dashboards"),
                expected: needs(.viewer, ok: 200)
            ),
            Row(
                method: .post,
                template: "/api/v1/dashboards",
                prepare: fixed("/api/v1/dashboards", #"{"name":"shared one","visibility":"shared"}"#),
                expected: needs(.editor, ok: 201)
            ),
            Row(
                method: .get,
                template: "/api/v1/dashboards/{id}",
                prepare: sharedOfEddie,
                expected: needs(.viewer, ok: 200, otherOrg: 404)
            ),
            Row(
                method: .patch,
                template: "/api/v1/dashboards/{id}",
                prepare: { h, n in (try await sharedOfEddie(h, n).path, #"{"name":"renamed \#(n)"}"#) },
                expected: changers
            ),
            Row(
                method: .delete,
                template: "/api/v1/dashboards/{id}",
                prepare: sharedOfEddie,
                expected: { caller in changers(caller) == 200 ? 204 : changers(caller) }
            ),
            Row(
                method: .get,
                template: "/api/v1/series/catalog",
                prepare: fixed("/api/v1/series/catalog"),
                expected: needs(.viewer, ok: 200)
            ),
        ]
    }
}
