import Foundation

/// The lab of real peers (scripts/lab/), started once per test process and shared by the suites.
public enum Lab {
    /// The private snmpd's endpoint and lab-only credentials (see scripts/lab/snmpd.sh).
    public static let snmpdPort = Int(ProcessInfo.processInfo.environment["NETMOND_LAB_SNMPD_PORT"] ?? "") ?? 16161
    public static let community = ProcessInfo.processInfo.environment["NETMOND_LAB_COMMUNITY"] ?? "netmond-lab"

    /// A v3 user of the lab snmpd: name, auth protocol and password, priv protocol and password.
    public struct V3User: Sendable, CustomStringConvertible {
        public var name: String
        public var authProtocol: String
        public var authPassword: String
        public var privProtocol: String
        public var privPassword: String
        public var level: String

        public var description: String { "\(self.name) \(self.authProtocol)/\(self.privProtocol)" }
    }

    /// Every v3 user the lab snmpd has, as `scripts/lab/snmpd.sh users` lists them.
    public static func snmpdUsers() throws -> [V3User] {
        let output = try self.script("snmpd.sh", "users")
        return output.split(separator: "\n").map { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return V3User(
                name: fields[0],
                authProtocol: fields[1],
                authPassword: fields[2],
                privProtocol: fields[3],
                privPassword: fields[4],
                level: fields[5]
            )
        }
    }

    /// One snmpsim agent serving a recording of a real device.
    public struct SimulatedAgent: Sendable {
        public var name: String
        public var port: Int
        public var community: String
        public var recording: String
    }

    private static let snmpdStarted = Result { try Lab.script("snmpd.sh", "start") }
    private static let snmpsimStarted = Result { try Lab.script("snmpsim.sh", "start") }

    /// Starts the lab snmpd (once per process; it stays up for other suites).
    public static func startSNMPD() throws {
        _ = try self.snmpdStarted.get()
    }

    /// Starts the snmpsim agents (once per process) and returns them from the manifest.
    public static func startSNMPSim() throws -> [SimulatedAgent] {
        _ = try self.snmpsimStarted.get()
        let manifest = try String(contentsOfFile: self.directory + "/snmpsim/agents.tsv", encoding: .utf8)
        return manifest.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return SimulatedAgent(name: fields[0], port: Int(fields[1])!, community: fields[2], recording: fields[3])
        }
    }

    /// The lab's state directory.
    public static var directory: String {
        ProcessInfo.processInfo.environment["NETMOND_LAB_DIR"] ?? RepositoryPaths.file(".lab")
    }

    /// Runs `scripts/lab/NAME ARGS` to completion and returns its standard output.
    @discardableResult
    public static func script(_ name: String, _ arguments: String...) throws -> String {
        try self.run(RepositoryPaths.file("scripts/lab/\(name)"), arguments)
    }

    /// Runs a command synchronously with a bounded time; throws with its output on failure.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws -> String {
        let child = try ChildProcess(
            executable: executable,
            arguments: arguments,
            directory: FileManager.default.temporaryDirectory
        )
        defer {
            try? FileManager.default.removeItem(atPath: child.stdoutPath)
            try? FileManager.default.removeItem(atPath: child.stderrPath)
        }
        let status = child.waitForExitBlocking(timeout: .milliseconds(Int64(timeout * 1000)))
        let text = child.stdout + child.stderr
        guard status == 0 else {
            let outcome = status.map { "exited \($0)" } ?? "did not finish within \(Int(timeout)) s"
            throw LabError(message: "\(executable) \(arguments.joined(separator: " ")) \(outcome):\n\(text)")
        }
        return text
    }

    public struct LabError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { self.message }
    }
}

/// The lab's SNMP agents beyond snmpd: the controllable agent, the hostile agent and the
/// 2,000-interface agent (scripts/lab/ctl-agent.sh, hostile-agent.sh, big-agent.sh).
extension Lab {
    public static let ctlPort = Int(ProcessInfo.processInfo.environment["NETMOND_LAB_CTL_PORT"] ?? "") ?? 16162
    public static let ctlCommunity = "netmond-ctl"
    public static let hostilePort = Int(ProcessInfo.processInfo.environment["NETMOND_LAB_HOSTILE_PORT"] ?? "") ?? 16163
    public static let bigPort = Int(ProcessInfo.processInfo.environment["NETMOND_LAB_BIG_PORT"] ?? "") ?? 16164
    public static let bigCommunity = "big-2000"

    private static let ctlStarted = Result { try Lab.script("ctl-agent.sh", "start") }
    private static let hostileStarted = Result { try Lab.script("hostile-agent.sh", "start") }
    private static let bigStarted = Result { try Lab.script("big-agent.sh", "start") }

    /// Starts the controllable agent (once per process).
    public static func startControllableAgent() throws { _ = try self.ctlStarted.get() }
    /// Starts the hostile agent (once per process).
    public static func startHostileAgent() throws { _ = try self.hostileStarted.get() }
    /// Starts the 2,000-interface agent (once per process).
    public static func startBigAgent() throws { _ = try self.bigStarted.get() }

    /// Replaces the controllable agent's whole state (see docs/LAB.md for the JSON shape).
    public static func setControllableState(_ json: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID()).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try self.run("/bin/sh", ["-c", "'\(RepositoryPaths.file("scripts/lab/ctl-agent.sh"))' set-json < '\(path)'"])
    }
}
