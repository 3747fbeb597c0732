internal import CNetSNMP
import Foundation
import Logging
import NetmonCore
import Synchronization

/// The engine thread's state and loop. Every member is used from the engine thread only.
///
/// Each session's socket is registered with one epoll instance when it opens, so a wake-up costs
/// O(ready sockets), not O(sessions); net-snmp's retries and timeouts are driven by a deadline
/// heap holding each busy session's next expiry (asked of net-snmp, `snmp_sess_select_info2`),
/// so no loop scans the sessions.
final class SNMPEngineLoop: @unchecked Sendable {
    /// One open net-snmp session.
    final class OpenSession {
        let id: Int
        let handle: UnsafeMutableRawPointer
        let socket: Int32
        let target: SNMPTarget
        let counters: SNMPEngineCounters
        /// Tokens of the requests sent and not yet answered.
        var pending: Set<Int> = []
        /// When `snmp_sess_timeout` is next due for this session; matches its one live heap entry.
        var deadline: ContinuousClock.Instant?

        init(
            id: Int,
            handle: UnsafeMutableRawPointer,
            socket: Int32,
            target: SNMPTarget,
            counters: SNMPEngineCounters
        ) {
            self.id = id
            self.handle = handle
            self.socket = socket
            self.target = target
            self.counters = counters
        }
    }

    /// A request awaiting its response. net-snmp carries only its token (as the callback's
    /// `magic`), never a pointer to it, so a late or repeated callback finds nothing and does no harm.
    final class PendingRequest: @unchecked Sendable {
        let session: OpenSession
        let continuation: CheckedContinuation<SNMPResponse, any Error>
        let sentAt = ContinuousClock.now
        /// RESEND notifications so far; touched on the engine thread only.
        var retransmissions = 0

        init(session: OpenSession, continuation: CheckedContinuation<SNMPResponse, any Error>) {
            self.session = session
            self.continuation = continuation
        }
    }

    /// The epoll token of the wake-up eventfd (session ids start at 1).
    private static let wakeToken: UInt64 = 0
    /// Ready descriptors taken per `epoll_wait`.
    private static let readyCapacity = 256

    private let wakeFD: Int32
    private let epollFD: Int32
    /// net-snmp's read and select-info calls take an fd set: one, allocated once.
    private let fdSet: UnsafeMutableRawPointer
    private let logger: Logger
    private let counters: SNMPEngineCounters
    private var sessions: [Int: OpenSession] = [:]
    private var deadlines = DeadlineHeap<ContinuousClock.Instant, Int>()
    private var nextSessionID = 1

    init(wakeFD: Int32, counters: SNMPEngineCounters, logger: Logger) {
        self.wakeFD = wakeFD
        self.counters = counters
        self.logger = logger
        self.epollFD = netmond_epoll_create()
        guard self.epollFD >= 0, let fdSet = netmond_fdset_create() else {
            fatalError("snmp: cannot create the engine's epoll instance or fd set (errno \(errno))")
        }
        self.fdSet = fdSet
        if netmond_epoll_add(self.epollFD, wakeFD, Self.wakeToken) != 0 {
            fatalError("snmp: cannot watch the engine's wake-up descriptor (errno \(errno))")
        }
    }

    deinit {
        _ = Glibc.close(self.epollFD)
        netmond_fdset_destroy(self.fdSet)
    }

    /// Runs until `inbox` reports the engine stopped, then fails what is in flight and closes
    /// every session.
    func run(inbox: () -> (commands: [SNMPEngine.Command], stopped: Bool)) {
        var ready = [UInt64](repeating: 0, count: Self.readyCapacity)
        while true {
            let (commands, stopped) = inbox()
            for command in commands { self.execute(command) }
            if stopped { break }

            let wait = self.deadlines.first.map { Self.pollTimeout(until: $0.deadline) } ?? -1
            let count = ready.withUnsafeMutableBufferPointer { buffer in
                netmond_epoll_wait(self.epollFD, buffer.baseAddress, Int32(buffer.count), wait)
            }
            for index in 0..<max(0, Int(count)) {
                let token = ready[index]
                if token == Self.wakeToken {
                    var counter: UInt64 = 0
                    _ = read(self.wakeFD, &counter, 8)
                } else if let session = self.sessions[Int(truncatingIfNeeded: token)] {
                    // One datagram; a socket with more stays ready for the next wait.
                    _ = netmond_sess_read_socket(session.handle, session.socket, self.fdSet)
                }
            }
            self.fireDueDeadlines()
        }
        for session in self.sessions.values {
            self.close(session, reason: SNMPError(.engineStopped, "the SNMP engine stopped"))
        }
        self.sessions.removeAll()
        self.deadlines.removeAll()
    }

    /// Runs net-snmp's retries and timeouts of every session whose deadline has come.
    private func fireDueDeadlines() {
        guard let first = self.deadlines.first, first.deadline <= ContinuousClock.now else { return }
        let now = ContinuousClock.now
        while let entry = self.deadlines.first, entry.deadline <= now {
            self.deadlines.popFirst()
            guard let session = self.sessions[entry.key], session.deadline == entry.deadline else { continue }
            session.deadline = nil
            guard !session.pending.isEmpty else { continue }
            snmp_sess_timeout(session.handle)  // resends or fails (callback) what has expired
            self.scheduleDeadline(session)
        }
    }

    /// Gives a session with requests in flight a deadline: its earliest request's expiry, as
    /// net-snmp reports it (plus a millisecond, so the call finds it expired). Keeps an existing
    /// one: a new request of the session expires after it, and an early deadline only leads to a
    /// check that reschedules.
    private func scheduleDeadline(_ session: OpenSession) {
        guard session.deadline == nil, !session.pending.isEmpty else { return }
        let microseconds = netmond_sess_next_timeout_us(session.handle, session.socket, self.fdSet)
        // -1 (net-snmp holds no request, e.g. one failed while sending): check again in a while.
        let delay: Duration =
            microseconds >= 0
            ? .microseconds(microseconds) + .milliseconds(1)
            : max(.milliseconds(10), session.target.timeout / 4)
        let deadline = ContinuousClock.now + delay
        session.deadline = deadline
        self.deadlines.push(deadline, session.id)
    }

    /// Milliseconds from now until `instant` (rounded up, 0 when past, at most 1 s), for epoll_wait.
    private static func pollTimeout(until instant: ContinuousClock.Instant) -> Int32 {
        let remaining = instant - ContinuousClock.now
        guard remaining > .zero else { return 0 }
        let milliseconds = remaining.wholeMilliseconds
        return Int32(min(1000, milliseconds + 1))
    }

    private func execute(_ command: SNMPEngine.Command) {
        switch command {
        case .open(let target, let forget, let continuation):
            do {
                continuation.resume(returning: try self.open(target, forgetUSMUser: forget))
            } catch {
                continuation.resume(throwing: error)
            }
        case .send(let sessionID, let request, let continuation):
            guard let session = self.sessions[sessionID] else {
                continuation.resume(throwing: SNMPError(.sessionFailed, "the session is closed"))
                return
            }
            self.send(request, on: session, continuation: continuation)
        case .close(let sessionID):
            if let session = self.sessions.removeValue(forKey: sessionID) {
                self.close(session, reason: SNMPError(.sessionFailed, "the session was closed"))
            }
        }
    }

    /// Closes a session and fails whatever net-snmp did not call back while closing it.
    private func close(_ session: OpenSession, reason: SNMPError) {
        if !session.pending.isEmpty {
            self.logger.debug(
                "snmp: closing a session with \(session.pending.count) requests in flight",
                metadata: ["snmp.peer": "\(session.target.address):\(session.target.port)"]
            )
        }
        _ = netmond_epoll_remove(self.epollFD, session.socket)
        snmp_sess_close(session.handle)
        session.deadline = nil
        for token in session.pending {
            PendingRequests.remove(token)?.continuation.resume(throwing: reason)
        }
        session.pending.removeAll()
    }

    private func open(_ target: SNMPTarget, forgetUSMUser: Bool) throws(SNMPError) -> Int {
        if forgetUSMUser, case .v3(let user) = target.credentials {
            _ = netmond_usm_forget_user(user.userName)
        }
        let handle = try SNMPSessionFactory.open(target)
        let socket = netmond_sess_socket(handle)
        guard socket >= 0 else {
            snmp_sess_close(handle)
            throw SNMPError(.sessionFailed, "net-snmp opened a session without a socket")
        }
        let id = self.nextSessionID
        guard netmond_epoll_add(self.epollFD, socket, UInt64(id)) == 0 else {
            let code = errno
            snmp_sess_close(handle)
            throw SNMPError(.sessionFailed, "cannot watch the session's socket (errno \(code))")
        }
        self.nextSessionID += 1
        self.sessions[id] = OpenSession(
            id: id,
            handle: handle,
            socket: socket,
            target: target,
            counters: self.counters
        )
        return id
    }

    private func send(
        _ request: SNMPRequest,
        on session: OpenSession,
        continuation: CheckedContinuation<SNMPResponse, any Error>
    ) {
        let pdu: UnsafeMutablePointer<netsnmp_pdu>
        switch request {
        case .get:
            pdu = snmp_pdu_create(netmond_snmp_msg_get())
        case .getNext:
            pdu = snmp_pdu_create(netmond_snmp_msg_getnext())
        case .getBulk(let nonRepeaters, let maxRepetitions, _):
            pdu = snmp_pdu_create(netmond_snmp_msg_getbulk())
            pdu.pointee.errstat = max(0, nonRepeaters)  // non_repeaters
            pdu.pointee.errindex = max(0, maxRepetitions)  // max_repetitions
        }
        for oid in request.oids {
            var components = oid.components.map { CNetSNMP.oid($0) }
            snmp_add_null_var(pdu, &components, components.count)
        }
        let token = PendingRequests.add(PendingRequest(session: session, continuation: continuation))
        session.pending.insert(token)
        if snmp_sess_async_send(session.handle, pdu, snmpResponseCallback, UnsafeMutableRawPointer(bitPattern: token))
            == 0
        {
            snmp_free_pdu(pdu)
            session.pending.remove(token)
            guard PendingRequests.remove(token) != nil else { return }  // already answered by a callback
            var libraryError: Int32 = 0
            var systemError: Int32 = 0
            var message: UnsafeMutablePointer<CChar>?
            snmp_sess_error(session.handle, &libraryError, &systemError, &message)
            let reason = message.map { String(cString: $0) } ?? "unknown error"
            free(message)
            continuation.resume(throwing: SNMPError(.sendFailed, "net-snmp could not send the request: \(reason)"))
            return
        }
        self.counters.requests.add(1, ordering: .relaxed)
        self.scheduleDeadline(session)
    }
}

/// net-snmp's response callback: copies the answer out (the PDU is freed after it returns) and
/// resumes the waiting task.
private func snmpResponseCallback(
    operation: Int32,
    session: UnsafeMutablePointer<netsnmp_session>?,
    requestID: Int32,
    pdu: UnsafeMutablePointer<netsnmp_pdu>?,
    magic: UnsafeMutableRawPointer?
) -> Int32 {
    guard let magic else { return 1 }
    if operation == NETSNMP_CALLBACK_OP_RESEND {
        if let pending = PendingRequests.peek(Int(bitPattern: magic)) {
            pending.retransmissions += 1
            pending.session.counters.retransmissions.add(1, ordering: .relaxed)
        }
        return 1
    }
    // CONNECT/DISCONNECT are progress notes: the request is still pending.
    guard
        operation == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || operation == NETSNMP_CALLBACK_OP_TIMED_OUT
            || operation == NETSNMP_CALLBACK_OP_SEND_FAILED || operation == NETSNMP_CALLBACK_OP_SEC_ERROR
    else { return 1 }
    guard let pending = PendingRequests.remove(Int(bitPattern: magic)) else { return 1 }
    pending.session.pending.remove(Int(bitPattern: magic))
    let elapsed = ContinuousClock.now - pending.sentAt
    let counters = pending.session.counters
    if operation == NETSNMP_CALLBACK_OP_TIMED_OUT {
        counters.timeouts.add(1, ordering: .relaxed)
    } else if operation == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, pending.retransmissions > 0 {
        counters.lateAnswers.add(1, ordering: .relaxed)
    }
    pending.continuation.resume(
        with: Result { () throws(SNMPError) -> SNMPResponse in
            var response = try SNMPResponseReading.read(
                operation: operation,
                pdu: pdu,
                target: pending.session.target,
                elapsed: elapsed
            )
            response.retransmissions = pending.retransmissions
            return response
        }
    )
    return 1
}

/// Every request in flight in the process, by token. Tokens are never reused, so a callback for a
/// request that already completed (net-snmp may report a security error and later a timeout for
/// the same request) is recognised and ignored.
enum PendingRequests {
    private static let table = Mutex<(next: Int, requests: [Int: SNMPEngineLoop.PendingRequest])>((1, [:]))

    static func add(_ request: SNMPEngineLoop.PendingRequest) -> Int {
        table.withLock { state in
            let token = state.next
            state.next += 1
            state.requests[token] = request
            return token
        }
    }

    static func peek(_ token: Int) -> SNMPEngineLoop.PendingRequest? {
        table.withLock { $0.requests[token] }
    }

    static func remove(_ token: Int) -> SNMPEngineLoop.PendingRequest? {
        table.withLock { $0.requests.removeValue(forKey: token) }
    }
}
