import Foundation
import NetmonTesting

#if canImport(Glibc)
import Glibc
#endif

/// Sends UDP datagrams from a chosen loopback source address, so a test can play several exporters.
final class UDPSender {
    private let descriptor: Int32

    /// A socket bound to `source` (any address of 127.0.0.0/8) on an ephemeral port.
    init(source: String = "127.0.0.1") throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard self.descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(self.descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EADDRNOTAVAIL)
        }
    }

    deinit {
        close(self.descriptor)
    }

    /// Sends `payloads` to 127.0.0.1:`port`; after every 100 it waits (at most 10 s) until the
    /// receiver has emptied its socket, so that nothing is lost in the kernel even on a busy machine
    /// (loss has its own benchmark; the tests that use this one test decoding).
    func send(_ payloads: [[UInt8]], to port: Int) async throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        for (index, payload) in payloads.enumerated() {
            let sent = payload.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(
                            self.descriptor,
                            bytes.baseAddress,
                            bytes.count,
                            0,
                            $0,
                            socklen_t(MemoryLayout<sockaddr_in>.size)
                        )
                    }
                }
            }
            if sent < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            if index % 100 == 99 || index == payloads.count - 1 {
                let deadline = ContinuousClock.now + .seconds(10)
                while (HTTPProbe.udpReceiveQueue(port) ?? 0) > 0 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
        }
    }
}
