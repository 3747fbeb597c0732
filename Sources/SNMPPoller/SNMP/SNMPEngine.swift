internal import CNetSNMP
import Foundation
import Logging
import Synchronization

/// Runs every SNMP session of the process on one dedicated thread, bridged to async/await.
///
/// Debian's net-snmp is not reentrant, so every net-snmp call (opening sessions, building and
/// sending PDUs, reading responses, timeouts) happens on the engine's thread. Callers on Swift's
/// cooperative pool enqueue commands and await continuations; the thread multiplexes all sessions
/// with one epoll instance (no `FD_SETSIZE` limit, each wake-up costs what is ready, not the
/// number of sessions) and drives net-snmp's retries with `snmp_sess_timeout` from a deadline heap.
/// Nothing here blocks the cooperative pool, and there is no thread per device.
public final class SNMPEngine: Sendable {
    /// Work handed to the engine thread.
    enum Command: @unchecked Sendable {
        case open(SNMPTarget, forgetUSMUser: Bool, CheckedContinuation<Int, any Error>)
        case send(Int, SNMPRequest, CheckedContinuation<SNMPResponse, any Error>)
        case close(Int)
    }

    private struct Inbox {
        var commands: [Command] = []
        var stopped = false
    }

    /// What the callers and the engine thread share: the command inbox and the wake-up eventfd.
    private final class Shared: Sendable {
        let inbox = Mutex(Inbox())
        let wakeFD = netmond_make_wake_fd()

        /// Wakes the engine thread's `poll`. Called with the inbox lock held, never after `stopped`.
        func wake() {
            var one: UInt64 = 1
            _ = write(self.wakeFD, &one, 8)
        }
    }

    private let shared = Shared()
    let counters = SNMPEngineCounters()

    /// Starts the engine thread. Initialises net-snmp first if nobody has.
    public init(logger: Logger) {
        NetSNMPLibrary.initialize()
        let loop = SNMPEngineLoop(wakeFD: self.shared.wakeFD, counters: self.counters, logger: logger)
        let thread = Thread { [shared = self.shared] in
            loop.run(inbox: {
                shared.inbox.withLock { box in
                    defer { box.commands.removeAll(keepingCapacity: true) }
                    return (box.commands, box.stopped)
                }
            })
            // Writers only write while not stopped, under the lock: closing here is safe.
            shared.inbox.withLock { _ in _ = close(shared.wakeFD) }
        }
        thread.name = "netmond-snmp"
        thread.start()
    }

    private func enqueue(_ command: Command) -> Bool {
        self.shared.inbox.withLock { box in
            guard !box.stopped else { return false }
            // The loop takes every queued command at once: one wake-up per batch is enough.
            if box.commands.isEmpty { self.shared.wake() }
            box.commands.append(command)
            return true
        }
    }

    /// Opens a session to `target`. With `forgetCachedUSMUser`, net-snmp's process-wide USM cache
    /// entries for the v3 user are dropped first, so changed credentials take effect.
    func openSession(_ target: SNMPTarget, forgetCachedUSMUser: Bool) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            if !self.enqueue(.open(target, forgetUSMUser: forgetCachedUSMUser, continuation)) {
                continuation.resume(throwing: SNMPError(.engineStopped, "the SNMP engine is stopped"))
            }
        }
    }

    func send(_ request: SNMPRequest, session: Int) async throws -> SNMPResponse {
        try await withCheckedThrowingContinuation { continuation in
            if !self.enqueue(.send(session, request, continuation)) {
                continuation.resume(throwing: SNMPError(.engineStopped, "the SNMP engine is stopped"))
            }
        }
    }

    func closeSession(_ session: Int) {
        _ = self.enqueue(.close(session))
    }

    /// Opens a client for `target`.
    public func client(for target: SNMPTarget, forgetCachedUSMUser: Bool = false) async throws -> SNMPClient {
        let session = try await self.openSession(target, forgetCachedUSMUser: forgetCachedUSMUser)
        return SNMPClient(engine: self, session: session, target: target)
    }

    /// Stops the engine: requests in flight fail with `engineStopped`, sessions close, the thread ends.
    public func shutdown() {
        self.shared.inbox.withLock { box in
            guard !box.stopped else { return }
            box.stopped = true
            self.shared.wake()
        }
    }

    deinit {
        self.shutdown()
    }
}
