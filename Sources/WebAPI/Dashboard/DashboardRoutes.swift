import HTTPTypes
import Hummingbird

/// The HTML dashboard: `/` redirects to `/ui/`, `/ui/assets/NAME` serves a compiled-in asset, and
/// every other `/ui/...` path serves the single page whose script draws the view that path names.
/// The page reads everything through the public `/api/v1` (no private back door).
struct DashboardRoutes: Sendable {
    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/") { _, _ -> Response in
            Response(status: .found, headers: [.location: "/ui/", .cacheControl: "no-store"])
        }
        let asset: @Sendable (Request, Context) -> Response = { request, context in
            guard let name = context.parameters.get("name"), name != DashboardAssets.shellName,
                let asset = DashboardAssets.asset(named: name)
            else {
                return DashboardResponder.notFound()
            }
            return DashboardResponder.response(for: asset, request: request)
        }
        let shell: @Sendable (Request, Context) -> Response = { request, _ in
            guard let page = DashboardAssets.shell else { return DashboardResponder.notFound() }
            return DashboardResponder.response(for: page, request: request)
        }
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/ui/assets/:name", method: method, use: asset)
            router.on("/ui", method: method, use: shell)
            router.on("/ui/**", method: method, use: shell)
        }
    }
}
