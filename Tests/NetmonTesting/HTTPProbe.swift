import Foundation

/// A minimal blocking HTTP/1.1 client for tests that talk to a netmond process over loopback.
public enum HTTPProbe {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
    }

    /// `GET path` from `host:port` with a bounded timeout; nil when nothing answers.
    public static func get(
        _ path: String,
        host: String = "127.0.0.1",
        port: Int,
        timeout: Duration = .seconds(2)
    )
        -> Response?
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return self.parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ text: String) -> Response? {
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        var body = String(text[split.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = self.dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ text: String) -> String {
        var rest = Substring(text)
        var body = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let utf8 = rest[start...].utf8
            let end = utf8.index(utf8.startIndex, offsetBy: min(size, utf8.count))
            body += String(rest[start..<end])
            rest = rest[end...].dropFirst(2)
        }
        return body
    }

    /// A port on 127.0.0.1 that was free for both TCP and UDP a moment ago, picked at random
    /// below the kernel's ephemeral range (32768–60999) and below the lab's ports (16161+): client
    /// sockets (SNMP requests, HTTP probes) never take it between this check and the bind.
    public static func freePort() -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 10_000..<16_000)
            if self.canBind(port: port, type: Int32(SOCK_STREAM.rawValue))
                && self.canBind(port: port, type: Int32(SOCK_DGRAM.rawValue))
            {
                return port
            }
        }
        return Int.random(in: 10_000..<16_000)
    }

    /// Bytes waiting unread in the receive queue of the UDP socket bound to `port` (from
    /// /proc/net/udp), or nil when no socket is bound there.
    public static func udpReceiveQueue(_ port: Int) -> Int? {
        guard let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8) else { return nil }
        let wanted = String(format: ":%04X", port)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[1].hasSuffix(wanted) else { continue }
            let queues = fields[4].split(separator: ":")
            return queues.count == 2 ? Int(queues[1], radix: 16) : nil
        }
        return nil
    }

    /// True when something is bound to UDP `port` on 127.0.0.1 (a collector that is ready).
    public static func isUDPPortBound(_ port: Int) -> Bool {
        !self.canBind(port: port, type: Int32(SOCK_DGRAM.rawValue))
    }

    private static func canBind(port: Int, type: Int32) -> Bool {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
