import ArgumentParser
import Foundation
import Logging
import NetmonCore
import SNMPPoller

/// `netmond probe`: discover one device, poll it twice, and show everything found.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Discover and poll one SNMP device twice, and print what netmond sees.",
        discussion: """
            For troubleshooting: shows the system data, every interface with its counters and the \
            rates computed between the two polls, the health objects, events, errors and how long \
            each poll took. Name a device from the configuration (--config, --device) or give an \
            address and credentials. Secrets can come from the environment instead of the command \
            line: NETMOND_SNMP_COMMUNITY, NETMOND_SNMP_AUTH_PASSWORD, NETMOND_SNMP_PRIV_PASSWORD.

            --format json prints one JSON document (see docs/PROBE.md for its shape).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Argument(help: "The agent's address (IPv4, IPv6 or host name); omit with --device.")
    var address: String?

    @Option(name: .shortAndLong, help: "Take the device from this configuration file (with --device).")
    var config: String?

    @Option(help: "The name of a device in the configuration file.")
    var device: String?

    @Option(help: "SNMP version: 1, 2c or 3.")
    var version: String = "2c"

    @Option(help: "UDP port of the agent.")
    var port: Int = 161

    @Option(help: "v1/v2c community (or NETMOND_SNMP_COMMUNITY).")
    var community: String?

    @Option(help: "SNMPv3 user name.")
    var user: String?

    @Option(help: "SNMPv3 security level: noAuthNoPriv, authNoPriv or authPriv.")
    var securityLevel: String = "authPriv"

    @Option(help: "SNMPv3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.")
    var authProtocol: String = "SHA"

    @Option(help: "SNMPv3 authentication password (or NETMOND_SNMP_AUTH_PASSWORD).")
    var authPassword: String?

    @Option(help: "SNMPv3 privacy protocol: DES, AES, AES-192, AES-256.")
    var privProtocol: String = "AES"

    @Option(help: "SNMPv3 privacy password (or NETMOND_SNMP_PRIV_PASSWORD).")
    var privPassword: String?

    @Option(help: "SNMPv3 context name.")
    var context: String = ""

    @Option(help: "Seconds between the two polls (rates need two).")
    var interval: Double = 5

    @Option(help: "Seconds to wait for each response.")
    var timeout: Double = 2

    @Option(help: "Retries after a timeout.")
    var retries: Int = 1

    @Option(help: "GETBULK max-repetitions.")
    var maxRepetitions: Int = 25

    @Option(help: "Output: table or json.")
    var format: Format = .table

    func run() async throws {
        let device = try self.monitoredDevice()
        let engine = SNMPEngine(logger: Logger(label: "netmond.probe"))
        defer { engine.shutdown() }
        var poller = DevicePoller(device: device)
        var outcomes: [DevicePoller.Outcome] = []
        let client = try await engine.client(for: SNMPTarget(device: device))
        defer { client.close() }
        outcomes.append(await poller.poll(client, clock: { epochMilliseconds() }))
        if outcomes[0].report.error == nil {
            if self.format == .table { print("polled once; polling again in \(self.interval) s for rates...") }
            try await Task.sleep(for: .milliseconds(Int(self.interval * 1000)))
            outcomes.append(await poller.poll(client, clock: { epochMilliseconds() }))
        }
        let report = ProbeReport(device: device, poller: poller, outcomes: outcomes)
        switch self.format {
        case .table: print(report.table())
        case .json: print(try report.json())
        }
        if outcomes.contains(where: { $0.report.error != nil }) { throw ExitCode.failure }
    }

    private func monitoredDevice() throws -> MonitoredDevice {
        if let name = self.device {
            let configuration = try NetmondConfiguration.load(path: self.config ?? defaultConfigurationPath)
            guard let found = configuration.snmp.devices.first(where: { $0.name == name }) else {
                throw ValidationError("no device named \"\(name)\" in \(self.config ?? defaultConfigurationPath)")
            }
            return MonitoredDevice(
                id: 0,
                name: found.name,
                address: found.address,
                tags: found.tags,
                settings: found.settings
            )
        }
        guard let address = self.address else {
            throw ValidationError("give an address, or --device NAME with --config FILE")
        }
        let environment = ProcessInfo.processInfo.environment
        guard let version = SNMPDeviceSettings.Version(rawValue: self.version == "2" ? "2c" : self.version) else {
            throw ValidationError("--version must be 1, 2c or 3")
        }
        var settings = SNMPDeviceSettings(
            version: version,
            port: self.port,
            securityLevel: self.securityLevel,
            authProtocol: self.authProtocol.uppercased(),
            privProtocol: self.privProtocol.uppercased(),
            context: self.context,
            timeout: .milliseconds(Int(self.timeout * 1000)),
            retries: self.retries,
            maxRepetitions: self.maxRepetitions
        )
        settings.community = (self.community ?? environment["NETMOND_SNMP_COMMUNITY"]).map(Secret.init)
        settings.user = self.user
        settings.authPassword = (self.authPassword ?? environment["NETMOND_SNMP_AUTH_PASSWORD"]).map(Secret.init)
        settings.privPassword = (self.privPassword ?? environment["NETMOND_SNMP_PRIV_PASSWORD"]).map(Secret.init)
        if version != .v3 && settings.community == nil {
            throw ValidationError("give --community (or NETMOND_SNMP_COMMUNITY) for SNMP v\(version.rawValue)")
        }
        if version == .v3 && self.user == nil {
            throw ValidationError("give --user for SNMP v3")
        }
        return MonitoredDevice(id: 0, name: address, address: address, tags: [], settings: settings)
    }
}

/// Now as UTC epoch milliseconds.
func epochMilliseconds() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1000)
}
