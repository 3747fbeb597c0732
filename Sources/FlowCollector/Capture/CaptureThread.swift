import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking capture loops on their own detached POSIX threads, off Swift's cooperative pool.
enum CaptureThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new detached thread.
    static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread,
            nil,
            { context in
                guard let context else { return nil }
                let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
                body.run()
                return nil
            },
            context
        )
        guard status == 0 else {
            // No thread: run on the caller's rather than lose the capture.
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return
        }
        pthread_detach(thread)
    }
}

/// A flag one thread sets and another polls.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Asks the loop to stop.
    func set() { self.value.store(true, ordering: .releasing) }

    /// Whether ``set()`` was called.
    var isSet: Bool { self.value.load(ordering: .acquiring) }
}
