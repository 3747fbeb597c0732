import FlowCollector
import Foundation

/// Runs a blocking import on its own thread (off Swift's cooperative pool) and awaits its result.
enum ImportThread {
    /// Hands the body to the new thread; only that thread uses it from then on.
    private struct Handoff<Body>: @unchecked Sendable {
        var body: Body
    }

    static func run<T: Sendable>(_ body: @escaping () throws(CaptureError) -> T) async throws -> T {
        let handoff = Handoff(body: body)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do throws(CaptureError) {
                    continuation.resume(returning: try handoff.body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "netmond-import"
            thread.start()
        }
    }
}
