import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: the daemon's own metrics in the Prometheus text exposition format.
struct MetricsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<APIRequestContext>) {
        router.get("/metrics") { _, _ -> Response in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16 * 1024)
            self.registry.emit(into: &bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }
}
