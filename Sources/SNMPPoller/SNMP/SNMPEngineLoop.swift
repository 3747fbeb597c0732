internal import CNetSNMP
import Foundation
import Logging
import NetmonCore
import Synchronization

/// The engine thread's state and loop. Every member is used from the engine thread only.
final class SNMPEngineLoop: @unchecked Sendable {
    /// One open net-snmp session.
    final class OpenSession {
        let id: Int
        let handle: UnsafeMutableRawPointer
        let socket: Int32
        let target: SNMPTarget
        /// Tokens of the requests sent and not yet answered.
        var pending: Set<Int> = []
        /// When net-snmp's timeouts of this session are next checked (while requests are pending).
        var nextTimeoutCheck = ContinuousClock.now
        /// How often they are checked: a quarter of the request timeout, at least 10 ms.
        let timeoutCheckInterval: Duration

        init(id: Int, handle: UnsafeMutableRawPointer, socket: Int32, target: SNMPTarget) {
            self.id = id
            self.handle = handle
            self.socket = socket
            self.target = target
            self.timeoutCheckInterval = max(.milliseconds(10), target.timeout / 4)
        }
    }

    /// A request awaiting its response. net-snmp carries only its token (as the callback's
    /// `magic`), never a pointer to it, so a late or repeated callback finds nothing and does no harm.
    final class PendingRequest: @unchecked Sendable {
        let session: OpenSession
        let continuation: CheckedContinuation<SNMPResponse, any Error>
        let sentAt = ContinuousClock.now

        init(session: OpenSession, continuation: CheckedContinuation<SNMPResponse, any Error>) {
            self.session = session
            self.continuation = continuation
        }
    }

    private let wakeFD: Int32
    private let logger: Logger
    private var sessions: [Int: OpenSession] = [:]
    /// The sessions with requests in flight: the only ones polled and checked for timeouts.
    private var busy: [Int: OpenSession] = [:]
    private var nextSessionID = 1

    init(wakeFD: Int32, logger: Logger) {
        self.wakeFD = wakeFD
        self.logger = logger
    }

    /// Runs until `inbox` reports the engine stopped, then fails what is in flight and closes
    /// every session.
    func run(inbox: () -> (commands: [SNMPEngine.Command], stopped: Bool)) {
        var pollSet: [pollfd] = []
        var polled: [OpenSession] = []
        while true {
            let (commands, stopped) = inbox()
            for command in commands { self.execute(command) }
            if stopped { break }

            pollSet.removeAll(keepingCapacity: true)
            polled.removeAll(keepingCapacity: true)
            pollSet.append(pollfd(fd: self.wakeFD, events: Int16(POLLIN), revents: 0))
            var nextCheck: ContinuousClock.Instant?
            for session in self.busy.values {
                pollSet.append(pollfd(fd: session.socket, events: Int16(POLLIN), revents: 0))
                polled.append(session)
                nextCheck = min(nextCheck ?? session.nextTimeoutCheck, session.nextTimeoutCheck)
            }
            let wait = nextCheck.map(Self.pollTimeout(until:)) ?? -1
            if poll(&pollSet, nfds_t(pollSet.count), wait) > 0 {
                if pollSet[0].revents != 0 {
                    var counter: UInt64 = 0
                    _ = read(self.wakeFD, &counter, 8)
                }
                for (index, session) in polled.enumerated() where pollSet[index + 1].revents != 0 {
                    _ = netmond_sess_read_socket(session.handle, session.socket)
                }
            }
            let now = ContinuousClock.now
            for session in polled where !session.pending.isEmpty && now >= session.nextTimeoutCheck {
                snmp_sess_timeout(session.handle)
                session.nextTimeoutCheck = now + session.timeoutCheckInterval
            }
            for session in polled where session.pending.isEmpty {
                self.busy.removeValue(forKey: session.id)
            }
        }
        for session in self.sessions.values {
            self.close(session, reason: SNMPError(.engineStopped, "the SNMP engine stopped"))
        }
        self.sessions.removeAll()
        self.busy.removeAll()
    }

    /// Milliseconds from now until `instant` (rounded up, 0 when past, at most 1 s), for poll(2).
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
                self.busy.removeValue(forKey: sessionID)
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
        snmp_sess_close(session.handle)
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
        self.nextSessionID += 1
        self.sessions[id] = OpenSession(id: id, handle: handle, socket: socket, target: target)
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
        if session.pending.isEmpty {
            session.nextTimeoutCheck = ContinuousClock.now + session.timeoutCheckInterval
        }
        session.pending.insert(token)
        self.busy[session.id] = session
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
    // RESEND (6) and CONNECT/DISCONNECT are progress notes: the request is still pending.
    guard
        operation == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || operation == NETSNMP_CALLBACK_OP_TIMED_OUT
            || operation == NETSNMP_CALLBACK_OP_SEND_FAILED || operation == NETSNMP_CALLBACK_OP_SEC_ERROR
    else { return 1 }
    guard let pending = PendingRequests.remove(Int(bitPattern: magic)) else { return 1 }
    pending.session.pending.remove(Int(bitPattern: magic))
    let elapsed = ContinuousClock.now - pending.sentAt
    pending.continuation.resume(
        with: Result { () throws(SNMPError) -> SNMPResponse in
            try SNMPResponseReading.read(
                operation: operation,
                pdu: pdu,
                target: pending.session.target,
                elapsed: elapsed
            )
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

    static func remove(_ token: Int) -> SNMPEngineLoop.PendingRequest? {
        table.withLock { $0.requests.removeValue(forKey: token) }
    }
}
