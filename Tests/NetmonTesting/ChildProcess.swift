import Foundation

/// A child process started by a test, with its output captured to files and a bounded wait.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    public let stdoutPath: String
    public let stderrPath: String

    /// Starts `executable` with `arguments`; output goes to files in `directory`.
    public init(executable: String, arguments: [String], directory: URL, environment: [String: String]? = nil) throws {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        self.stdoutPath = directory.appendingPathComponent("\(name).\(UUID().uuidString.prefix(8)).out").path
        self.stderrPath = self.stdoutPath.replacingOccurrences(of: ".out", with: ".err")
        FileManager.default.createFile(atPath: self.stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: self.stderrPath, contents: nil)
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        if let environment { self.process.environment = environment }
        self.process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: self.stdoutPath))
        self.process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: self.stderrPath))
        self.process.standardInput = FileHandle.nullDevice
        try self.process.run()
    }

    public var pid: Int32 { self.process.processIdentifier }

    public var stdout: String { (try? String(contentsOfFile: self.stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` (e.g. `SIGTERM`, `SIGKILL`).
    public func send(_ signal: Int32) {
        kill(self.pid, signal)
    }

    /// Waits for the process to exit; returns its exit status, or nil when `timeout` passed first
    /// (the process is then killed so no test leaves an orphan).
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning {
            if ContinuousClock.now >= deadline {
                self.send(SIGKILL)
                self.process.waitUntilExit()
                return nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return self.process.terminationStatus
    }

    deinit {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
        }
    }
}

/// Runs a command to completion and returns its exit status and output (bounded in time).
public func runCommand(
    _ executable: String,
    _ arguments: [String],
    timeout: Duration = .seconds(60)
) async throws -> (status: Int32?, stdout: String, stderr: String) {
    let directory = FileManager.default.temporaryDirectory
    let child = try ChildProcess(executable: executable, arguments: arguments, directory: directory)
    let status = await child.waitForExit(timeout: timeout)
    let result = (status, child.stdout, child.stderr)
    try? FileManager.default.removeItem(atPath: child.stdoutPath)
    try? FileManager.default.removeItem(atPath: child.stderrPath)
    return result
}
