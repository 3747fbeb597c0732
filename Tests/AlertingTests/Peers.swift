import Foundation
import Logging
import NetmonCore
import NetmonTesting
import Storage

/// A fresh directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        self.path = NSTemporaryDirectory() + "netmond-alerting-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: false)
    }

    var url: URL { URL(fileURLWithPath: self.path) }

    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}

let quietLogger = Logger(label: "alerting-tests") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` with a migrated database in a fresh directory, removed afterwards.
func withTemporaryDatabase<Result>(
    _ body: (NetmonDatabase, TemporaryDirectory) async throws -> Result
) async throws -> Result {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let database = try NetmonDatabase.open(
        configuration: StorageConfiguration(path: directory.path + "/netmond.db"),
        logger: quietLogger
    )
    defer { try? database.close() }
    return try await body(database, directory)
}

/// Waits until a TCP connection to 127.0.0.1:`port` succeeds (bounded).
func waitForListener(port: Int, timeout: Duration = .seconds(20)) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        close(fd)
        if connected == 0 { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw PeerError(message: "nothing listens on 127.0.0.1:\(port)")
}

struct PeerError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}

/// A Python peer started by a test (scripts/lab/*.py), logging what it receives as JSON lines.
final class PythonPeer: Sendable {
    let process: ChildProcess
    let logPath: String
    let port: Int

    /// Starts `script` with `arguments` plus `--port` and `--log`; waits until it listens.
    init(
        script: String,
        python: String = "/usr/bin/python3",
        port: Int,
        directory: TemporaryDirectory,
        arguments: [String]
    )
        async throws
    {
        self.port = port
        self.logPath = directory.path + "/\(script)-\(port).log"
        self.process = try ChildProcess(
            executable: python,
            arguments: [RepositoryPaths.file("scripts/lab/\(script)"), "--port", "\(port)", "--log", self.logPath]
                + arguments,
            directory: directory.url
        )
        do {
            try await waitForListener(port: port)
        } catch {
            throw PeerError(message: "\(script) did not start: \(self.process.stderr)")
        }
    }

    /// The logged entries, in arrival order.
    var entries: [[String: Any]] {
        guard let text = try? String(contentsOfFile: self.logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func stop() async {
        self.process.send(SIGTERM)
        _ = await self.process.waitForExit(timeout: .seconds(5))
    }

    /// The Python of the test venv (NETMOND_VENV, else the repository's .venv), for aiosmtpd.
    static var venvPython: String {
        let venv = ProcessInfo.processInfo.environment["NETMOND_VENV"] ?? RepositoryPaths.file(".venv")
        return venv + "/bin/python"
    }
}
