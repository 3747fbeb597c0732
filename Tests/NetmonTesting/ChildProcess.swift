import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started by a test, with its output captured to files and a bounded wait.
///
/// Started with `posix_spawn` and a clean signal state (empty mask, default dispositions): the
/// test runner's threads block most signals, and children started with Foundation's `Process`
/// inherit that mask, so daemons they start ignore SIGTERM. Reaped with `waitpid`, polled, so a
/// wait is always bounded.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` with `arguments`; output goes to files in `directory`.
    public init(executable: String, arguments: [String], directory: URL, environment: [String: String]? = nil) throws {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let stem = directory.appendingPathComponent("\(name).\(UUID().uuidString.prefix(8))").path
        self.stdoutPath = stem + ".out"
        self.stderrPath = stem + ".err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, self.stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, self.stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let variables =
            (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in variables { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, variables)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    public var stdout: String { (try? String(contentsOfFile: self.stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? "" }

    /// True until the process has exited (and been reaped).
    public var isRunning: Bool { self.reap(blocking: false) == nil }

    /// Sends `signal` (e.g. `SIGTERM`, `SIGKILL`).
    public func send(_ signal: Int32) {
        if self.isRunning { kill(self.pid, signal) }
    }

    /// The exit status once the process has exited (128 + N when killed by signal N).
    private func reap(blocking: Bool) -> Int32? {
        self.lock.lock()
        defer { self.lock.unlock() }
        if let status = self.exitStatus { return status }
        var status: Int32 = 0
        guard waitpid(self.pid, &status, blocking ? 0 : WNOHANG) == self.pid else { return nil }
        let signal = status & 0x7F
        self.exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return self.exitStatus
    }

    /// Waits for the process to exit; returns its exit status, or nil when `timeout` passed first
    /// (the process is then killed so no test leaves an orphan).
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = self.reap(blocking: false) { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return self.killAndReap()
    }

    /// The synchronous form of `waitForExit`, for code that cannot await.
    @discardableResult
    public func waitForExitBlocking(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = self.reap(blocking: false) { return status }
            usleep(20_000)
        }
        return self.killAndReap()
    }

    private func killAndReap() -> Int32? {
        guard self.reap(blocking: false) == nil else { return nil }
        kill(self.pid, SIGKILL)
        _ = self.reap(blocking: true)
        return nil
    }

    deinit {
        if self.reap(blocking: false) == nil {
            kill(self.pid, SIGKILL)
            _ = self.reap(blocking: true)
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
