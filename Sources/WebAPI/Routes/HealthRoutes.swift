import Foundation
import Hummingbird
import Logging
import NetmonCore

/// `GET /healthz`: 200 with version and uptime while the daemon can do its work, 503 while the
/// database is unusable. Unauthenticated, so it says what is wrong but never why in detail (the
/// log has the detail).
struct HealthRoutes: Sendable {
    let dependencies: WebAPIServer.Dependencies
    let logger: Logger

    struct Health: ResponseEncodable {
        var status: String
        var version: String
        var uptimeSeconds: Int
        var database: String

        enum CodingKeys: String, CodingKey {
            case status, version, database
            case uptimeSeconds = "uptime_seconds"
        }
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/healthz") { _, _ -> EditedResponse<Health> in
            await self.health()
        }
    }

    func health() async -> EditedResponse<Health> {
        let uptime = ContinuousClock.now - self.dependencies.startedAt
        var health = Health(
            status: "ok",
            version: NetmondVersion.current,
            uptimeSeconds: Int(uptime.components.seconds),
            database: "ok"
        )
        do {
            try await self.dependencies.checkDatabase()
            return EditedResponse(status: .ok, headers: [.cacheControl: "no-store"], response: health)
        } catch {
            self.logger.error("health check: database unusable", metadata: ["error": "\(error)"])
            health.status = "unavailable"
            health.database = "unusable"
            return EditedResponse(status: .serviceUnavailable, headers: [.cacheControl: "no-store"], response: health)
        }
    }
}
