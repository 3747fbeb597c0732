import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notification socket: binds a path or an abstract
/// name and collects what the daemon sends (`READY=1`, `STOPPING=1`, ...).
final class NotifySocket {
    let descriptor: Int32
    /// The value to pass as `NOTIFY_SOCKET` (`@name` for an abstract socket).
    let environmentValue: String

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    /// Binds `/path` or, for `@name`, the abstract socket `name`.
    init(_ value: String) throws {
        self.environmentValue = value
        self.descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard self.descriptor >= 0 else { throw SocketError(description: "socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name: [UInt8] = value.hasPrefix("@") ? [0] + Array(value.utf8.dropFirst()) : Array(value.utf8) + [0]
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name.prefix($0.count)) }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + name.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.descriptor, $0, length) }
        }
        guard bound == 0 else {
            close(self.descriptor)
            throw SocketError(description: "bind \(value): errno \(errno)")
        }
    }

    deinit {
        close(self.descriptor)
        if !self.environmentValue.hasPrefix("@") { unlink(self.environmentValue) }
    }

    /// Every message received until one contains `expected` or `timeout` passes (polled, so no
    /// thread of the cooperative pool is blocked).
    func receive(until expected: String, timeout: Duration) async -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes {
                recv(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            guard count > 0 else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let message = String(decoding: buffer[..<count], as: UTF8.self)
            messages.append(message)
            if message.contains(expected) { break }
        }
        return messages
    }
}
