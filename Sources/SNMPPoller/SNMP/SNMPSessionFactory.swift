internal import CNetSNMP
import Foundation

/// Builds a net-snmp single-API session from an `SNMPTarget`. Engine thread only.
enum SNMPSessionFactory {
    static func open(_ target: SNMPTarget) throws(SNMPError) -> UnsafeMutableRawPointer {
        var session = netsnmp_session()
        snmp_sess_init(&session)
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { for pointer in owned { free(pointer) } }
        func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
            let copy = strdup(text)!
            owned.append(copy)
            return copy
        }

        session.peername = cString(target.peerName)
        session.timeout =
            Int(target.timeout.components.seconds) * 1_000_000
            + Int(target.timeout.components.attoseconds / 1_000_000_000_000)
        session.retries = Int32(max(0, target.retries))

        switch target.credentials {
        case .v1(let community), .v2c(let community):
            if case .v1 = target.credentials {
                session.version = Int(SNMP_VERSION_1)
            } else {
                session.version = Int(SNMP_VERSION_2c)
            }
            let text = cString(community)
            session.community = UnsafeMutableRawPointer(text).assumingMemoryBound(to: UInt8.self)
            session.community_len = strlen(text)
        case .v3(let user):
            session.version = Int(SNMP_VERSION_3)
            session.securityName = cString(user.userName)
            session.securityNameLen = strlen(session.securityName)
            session.contextName = cString(user.context)
            session.contextNameLen = strlen(session.contextName)
            try self.configureUSM(&session, user: user)
        }

        guard let handle = snmp_sess_open(&session) else {
            var libraryError: Int32 = 0
            var systemError: Int32 = 0
            var message: UnsafeMutablePointer<CChar>?
            snmp_error(&session, &libraryError, &systemError, &message)
            let text = message.map { String(cString: $0) } ?? "unknown error"
            free(message)
            throw SNMPError(.sessionFailed, "cannot open an SNMP session to \(target.peerName): \(text)")
        }
        return handle
    }

    private static func configureUSM(_ session: inout netsnmp_session, user: SNMPv3User) throws(SNMPError) {
        switch user.securityLevel {
        case .noAuthNoPriv:
            session.securityLevel = Int32(SNMP_SEC_LEVEL_NOAUTH)
            return
        case .authNoPriv:
            session.securityLevel = Int32(SNMP_SEC_LEVEL_AUTHNOPRIV)
        case .authPriv:
            session.securityLevel = Int32(SNMP_SEC_LEVEL_AUTHPRIV)
        }
        var authLength = 0
        let authProtocol = netmond_usm_auth_protocol(user.authProtocol.shimNumber, &authLength)
        session.securityAuthProto = UnsafeMutablePointer(mutating: authProtocol)
        session.securityAuthProtoLen = authLength
        guard user.authPassword.utf8.count >= 8 else {
            throw SNMPError(.sessionFailed, "the v3 authentication password must have at least 8 characters")
        }
        session.securityAuthKeyLen = try self.localizableKey(
            password: user.authPassword,
            hash: authProtocol,
            hashLength: authLength,
            into: &session.securityAuthKey
        )
        guard user.securityLevel == .authPriv else { return }
        var privLength = 0
        let privProtocol = netmond_usm_priv_protocol(user.privProtocol.shimNumber, &privLength)
        session.securityPrivProto = UnsafeMutablePointer(mutating: privProtocol)
        session.securityPrivProtoLen = privLength
        guard user.privPassword.utf8.count >= 8 else {
            throw SNMPError(.sessionFailed, "the v3 privacy password must have at least 8 characters")
        }
        session.securityPrivKeyLen = try self.localizableKey(
            password: user.privPassword,
            hash: authProtocol,
            hashLength: authLength,
            into: &session.securityPrivKey
        )
    }

    /// Derives the user's key Ku from a password (RFC 3414 password-to-key) into a C array.
    private static func localizableKey<Buffer>(
        password: String,
        hash: UnsafePointer<oid>?,
        hashLength: Int,
        into buffer: inout Buffer
    ) throws(SNMPError) -> Int {
        var length = MemoryLayout<Buffer>.size
        let status = withUnsafeMutableBytes(of: &buffer) { raw in
            password.withCString { text in
                generate_Ku(
                    hash,
                    UInt32(hashLength),
                    UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self),
                    strlen(text),
                    raw.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    &length
                )
            }
        }
        guard status == SNMPERR_SUCCESS else {
            throw SNMPError(.sessionFailed, "cannot derive the v3 key from the password (net-snmp error \(status))")
        }
        return length
    }
}
