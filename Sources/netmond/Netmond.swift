import ArgumentParser
import NetmonCore

/// The `netmond` command line.
@main
struct Netmond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netmond",
        abstract: "Network monitoring daemon: SNMP polling, flow collection, storage, alerting and a REST API.",
        discussion: """
            netmond polls routers and switches over SNMP, collects NetFlow/IPFIX/sFlow, keeps what it \
            learns in a local SQLite database and serves it over HTTP. Start it with `netmond run`; \
            check a configuration file first with `netmond check-config`.

            The default configuration file is /etc/netmond/netmond.yaml; every key is documented in it.
            """,
        version: NetmondVersion.current,
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, ProbeCommand.self, ImportCommand.self, UserCommand.self,
            BillingCommand.self, CapacityCommand.self, VersionCommand.self,
        ]
    )
}

/// `netmond version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version of netmond and of the libraries it is built on."
    )

    func run() {
        print("netmond \(NetmondVersion.current)")
        print(BuildInformation.libraries.map { "\($0.name) \($0.version)" }.joined(separator: "\n"))
    }
}
