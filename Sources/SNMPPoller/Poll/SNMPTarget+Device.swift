import NetmonCore

extension SNMPTarget {
    /// The target for a configured device.
    public init(device: MonitoredDevice) {
        let settings = device.settings
        let credentials: SNMPCredentials
        switch settings.version {
        case .v1:
            credentials = .v1(community: settings.community?.value ?? "")
        case .v2c:
            credentials = .v2c(community: settings.community?.value ?? "")
        case .v3:
            credentials = .v3(
                SNMPv3User(
                    userName: settings.user ?? "",
                    securityLevel: SNMPv3User.SecurityLevel(rawValue: settings.securityLevel) ?? .authPriv,
                    authProtocol: SNMPv3User.AuthProtocol(rawValue: settings.authProtocol) ?? .sha1,
                    authPassword: settings.authPassword?.value ?? "",
                    privProtocol: SNMPv3User.PrivProtocol(rawValue: settings.privProtocol) ?? .aes128,
                    privPassword: settings.privPassword?.value ?? "",
                    context: settings.context
                )
            )
        }
        self.init(
            address: device.address,
            port: settings.port,
            credentials: credentials,
            timeout: settings.timeout,
            retries: settings.retries
        )
    }
}
