import Foundation
import NetmonCore

/// The SNMP settings of a device created through the API, as kept in `devices.snmp_settings`
/// (JSON). Secrets are stored because the poller needs them; the API never returns them.
struct StoredSNMPSettings: Codable, Sendable {
    var version: String
    var port: Int
    var community: String?
    var user: String?
    var securityLevel: String
    var authProtocol: String
    var authPassword: String?
    var privProtocol: String
    var privPassword: String?
    var context: String
    var timeoutMilliseconds: Int64
    var retries: Int
    var pollIntervalSeconds: Int64
    var maxRepetitions: Int

    init(_ settings: SNMPDeviceSettings) {
        self.version = settings.version.rawValue
        self.port = settings.port
        self.community = settings.community?.value
        self.user = settings.user
        self.securityLevel = settings.securityLevel
        self.authProtocol = settings.authProtocol
        self.authPassword = settings.authPassword?.value
        self.privProtocol = settings.privProtocol
        self.privPassword = settings.privPassword?.value
        self.context = settings.context
        self.timeoutMilliseconds = settings.timeout.wholeMilliseconds
        self.retries = settings.retries
        self.pollIntervalSeconds = settings.pollInterval.components.seconds
        self.maxRepetitions = settings.maxRepetitions
    }

    var settings: SNMPDeviceSettings {
        SNMPDeviceSettings(
            version: SNMPDeviceSettings.Version(rawValue: self.version) ?? .v2c,
            port: self.port,
            community: self.community.map(Secret.init),
            user: self.user,
            securityLevel: self.securityLevel,
            authProtocol: self.authProtocol,
            authPassword: self.authPassword.map(Secret.init),
            privProtocol: self.privProtocol,
            privPassword: self.privPassword.map(Secret.init),
            context: self.context,
            timeout: .milliseconds(self.timeoutMilliseconds),
            retries: self.retries,
            pollInterval: .seconds(self.pollIntervalSeconds),
            maxRepetitions: self.maxRepetitions
        )
    }

    static func encode(_ settings: SNMPDeviceSettings) throws -> String {
        String(decoding: try JSONEncoder().encode(StoredSNMPSettings(settings)), as: UTF8.self)
    }

    static func decode(_ text: String?) -> SNMPDeviceSettings? {
        guard let text, let stored = try? JSONDecoder().decode(StoredSNMPSettings.self, from: Data(text.utf8)) else {
            return nil
        }
        return stored.settings
    }
}
