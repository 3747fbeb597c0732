import ArgumentParser
import Foundation
import NetmonCore

/// `netmond check-config FILE`: validates a configuration file and prints the effective
/// configuration, or every error with its key path and line.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print the effective configuration.",
        discussion: """
            Exits 0 and prints the configuration with every default filled in when the file is valid; \
            exits 1 and lists every problem (key path, what is wrong, line) when it is not.
            """
    )

    @Argument(help: "The configuration file to check.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String = defaultConfigurationPath

    @Flag(name: .shortAndLong, help: "Print nothing when the file is valid.")
    var quiet = false

    func run() throws {
        do {
            let configuration = try NetmondConfiguration.load(path: self.file)
            if !self.quiet {
                print("# \(self.file) is valid. Effective configuration:")
                print(configuration.renderYAML(), terminator: "")
            }
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
    }
}

/// The configuration file netmond reads when none is named.
let defaultConfigurationPath = "/etc/netmond/netmond.yaml"

/// Writes a message to standard error.
func printError(_ message: String) {
    var text = message
    if !text.hasSuffix("\n") { text += "\n" }
    FileHandle.standardError.write(Data(text.utf8))
}
