import ArgumentParser
import Foundation
import Logging
import NetmonCore
import Storage
import WebAPI

/// `netmond user`: manage API users from the command line (the first admin in particular).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage API users.",
        subcommands: [UserAddCommand.self]
    )
}

/// `netmond user add [--admin] NAME`: creates a user; the password is read from standard input
/// (a prompt without echo on a terminal), never from the command line.
struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a user; the password is read from standard input, never from the command line.",
        discussion: """
            With --admin the user is a superadmin and an admin of the default organisation: create the \
            first user this way. On a terminal, netmond asks for the password twice without echo; \
            otherwise it reads one line from standard input (printf '%s\\n' "$PASSWORD" | netmond user add ...).
            """
    )

    @Option(name: .shortAndLong, help: "The configuration file.", completion: .file(extensions: ["yaml", "yml"]))
    var config: String = defaultConfigurationPath

    @Flag(help: "Make the user a superadmin and an admin of the default organisation.")
    var admin = false

    @Option(help: "The role in the organisation: admin, editor or viewer (ignored with --admin).")
    var role: String = "viewer"

    @Option(help: "The organisation id (default: 1, the default organisation).")
    var organisation: Int64 = NetmonDatabase.defaultOrganisationID

    @Argument(help: "The user name.")
    var name: String

    func run() async throws {
        let configuration: NetmondConfiguration
        do {
            configuration = try NetmondConfiguration.load(path: self.config)
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        guard let role = AccountRole(rawValue: self.admin ? "admin" : self.role) else {
            printError("--role must be admin, editor or viewer")
            throw ExitCode.validationFailure
        }
        guard (1...64).contains(self.name.count), !self.name.contains(where: { $0.isNewline }) else {
            printError("the user name must have 1 to 64 characters")
            throw ExitCode.validationFailure
        }
        let password = try Self.readPassword()
        if let problem = AuthService.problem(withPassword: password) {
            printError("netmond: \(problem)")
            throw ExitCode.failure
        }
        let logger = Logger(label: "netmond")
        do {
            let database = try NetmonDatabase.open(configuration: configuration.storage, logger: logger)
            let hash = AuthService.hashPassword(password, cost: configuration.auth.bcryptCost)
            let user = try await AccountStore(database: database).createUser(
                username: self.name,
                passwordHash: hash,
                organisationID: self.organisation,
                role: role,
                superadmin: self.admin,
                now: Int64(Date().timeIntervalSince1970 * 1000)
            )
            print(
                "created user \(user.username) (id \(user.id), \(user.role.rawValue) of \(user.organisation.name)"
                    + "\(user.superadmin ? ", superadmin" : ""))"
            )
        } catch let error as StoreConflictError {
            printError("netmond: \(error.message)")
            throw ExitCode.failure
        } catch {
            printError("netmond: \(error)")
            throw ExitCode.failure
        }
    }

    /// The password: prompted twice without echo on a terminal, else one line of standard input.
    static func readPassword() throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                printError("netmond: no password on standard input")
                throw ExitCode.failure
            }
            return line
        }
        let first = Self.prompt("Password: ")
        let second = Self.prompt("Password again: ")
        guard first == second else {
            printError("netmond: the passwords differ")
            throw ExitCode.failure
        }
        return first
    }

    private static func prompt(_ text: String) -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
