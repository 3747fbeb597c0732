import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the daemon is doing, over the `NOTIFY_SOCKET` datagram socket that systemd
/// passes to `Type=notify` services (the protocol of sd_notify(3), without libsystemd).
///
/// Outside systemd (`NOTIFY_SOCKET` unset) every call does nothing. Messages are newline-separated
/// `KEY=VALUE` assignments such as `READY=1`, `STOPPING=1`, `WATCHDOG=1` and `STATUS=...`.
struct SystemdNotifier: Sendable {
    /// Where systemd listens: a file-system socket or a Linux abstract socket (`@name`).
    enum Address: Equatable, Sendable {
        case path(String)
        case abstract(String)
    }

    /// A `NOTIFY_SOCKET` value netmond cannot use, or a message that could not be sent.
    struct NotifyError: Error, CustomStringConvertible {
        var description: String
    }

    /// Longest socket name `sockaddr_un.sun_path` holds (108 bytes on Linux, NUL included).
    static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// The socket to notify, or nil outside systemd.
    let address: Address?
    /// How often systemd expects `WATCHDOG=1` (half of `WatchdogSec=`), or nil without a watchdog.
    let watchdogInterval: Duration?

    init(address: Address?, watchdogInterval: Duration?) {
        self.address = address
        self.watchdogInterval = watchdogInterval
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    init(environment: [String: String], processID: Int32 = getpid()) throws(NotifyError) {
        self.address = try Self.parseAddress(environment["NOTIFY_SOCKET"])
        self.watchdogInterval =
            self.address == nil
            ? nil
            : Self.watchdogInterval(
                microseconds: environment["WATCHDOG_USEC"],
                watchdogPID: environment["WATCHDOG_PID"],
                processID: processID
            )
    }

    /// Parses a `NOTIFY_SOCKET` value: an absolute path, or `@name` for an abstract socket.
    /// Returns nil when the variable is unset or empty.
    static func parseAddress(_ value: String?) throws(NotifyError) -> Address? {
        guard let value, !value.isEmpty else { return nil }
        let address: Address
        let length: Int
        if value.hasPrefix("@") {
            let name = String(value.dropFirst())
            guard !name.isEmpty else { throw NotifyError(description: "NOTIFY_SOCKET \"@\" names no abstract socket") }
            address = .abstract(name)
            length = name.utf8.count + 1
        } else if value.hasPrefix("/") {
            address = .path(value)
            length = value.utf8.count
        } else {
            throw NotifyError(
                description: "NOTIFY_SOCKET \"\(value)\" is neither an absolute path nor an abstract socket (@name)"
            )
        }
        guard length <= Self.maximumPathLength else {
            throw NotifyError(description: "NOTIFY_SOCKET is longer than \(Self.maximumPathLength) bytes")
        }
        return address
    }

    /// Half the watchdog period from `WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises; nil when
    /// the variable is missing or not a positive number, or when `WATCHDOG_PID` names another process.
    static func watchdogInterval(microseconds: String?, watchdogPID: String?, processID: Int32) -> Duration? {
        guard let microseconds, let usec = UInt64(microseconds), usec > 0 else { return nil }
        if let watchdogPID, Int32(watchdogPID) != processID { return nil }
        return .microseconds(usec / 2)
    }

    /// Sends `state` (one or more `KEY=VALUE` lines); does nothing outside systemd.
    func notify(_ state: String) throws(NotifyError) {
        guard let address = self.address else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NotifyError(description: "socket(AF_UNIX): \(Self.lastError)") }
        defer { close(descriptor) }

        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        let name: [UInt8]
        switch address {
        case .path(let path): name = Array(path.utf8) + [0]
        case .abstract(let abstractName): name = [0] + Array(abstractName.utf8)
        }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { bytes in
            bytes.copyBytes(from: name.prefix(bytes.count))
        }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + name.count)

        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketPointer in
                message.withUnsafeBytes { bytes in
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), socketPointer, length)
                }
            }
        }
        guard sent == message.count else {
            throw NotifyError(description: "cannot notify systemd at \(address): \(Self.lastError)")
        }
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}
