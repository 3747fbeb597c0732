internal import CNetSNMP

/// Turns what net-snmp hands the response callback into an `SNMPResponse` or an `SNMPError`.
enum SNMPResponseReading {
    /// USM statistics OIDs an agent reports on a failed v3 request (RFC 3414), with what to do.
    private static let usmReports: [(oid: OID, message: String)] = [
        ("1.3.6.1.6.3.15.1.1.1.0", "unsupported security level for this user (check the security level)"),
        ("1.3.6.1.6.3.15.1.1.2.0", "not in time window (the agent's engine boots/time changed; retry)"),
        ("1.3.6.1.6.3.15.1.1.3.0", "unknown user name (check the v3 user)"),
        ("1.3.6.1.6.3.15.1.1.4.0", "unknown engine ID"),
        ("1.3.6.1.6.3.15.1.1.5.0", "wrong digest (check the v3 authentication password and protocol)"),
        ("1.3.6.1.6.3.15.1.1.6.0", "decryption error (check the v3 privacy password and protocol)"),
    ]

    static func read(
        operation: Int32,
        pdu: UnsafeMutablePointer<netsnmp_pdu>?,
        target: SNMPTarget,
        elapsed: Duration
    ) throws(SNMPError) -> SNMPResponse {
        switch operation {
        case NETSNMP_CALLBACK_OP_TIMED_OUT:
            let tries = target.retries + 1
            throw SNMPError(
                .timeout,
                "no response from \(target.address):\(target.port) after \(tries) tries of "
                    + "\(target.timeout) each (check the address, port, community or v3 credentials)"
            )
        case NETSNMP_CALLBACK_OP_SEND_FAILED:
            throw SNMPError(.sendFailed, "sending to \(target.address):\(target.port) failed")
        case NETSNMP_CALLBACK_OP_SEC_ERROR:
            let reported = pdu.flatMap { try? VarBindDecoding.decode($0.pointee.variables).first?.oid }
            throw SNMPError(
                .authenticationFailed,
                self.usmReports.first { $0.oid == reported }?.message
                    ?? "SNMPv3 security error (check the v3 user, passwords and protocols)"
            )
        default:
            break
        }
        guard let pdu else { throw SNMPError(.malformedResponse, "a response without a PDU") }
        let varBinds = try VarBindDecoding.decode(pdu.pointee.variables)
        if pdu.pointee.command == 0xA8 {  // SNMP_MSG_REPORT
            let reported = varBinds.first?.oid
            let known = self.usmReports.first { $0.oid == reported }
            throw SNMPError(
                .authenticationFailed,
                known?.message ?? "the agent sent a report (\(reported?.description ?? "empty"))"
            )
        }
        let status = Int(pdu.pointee.errstat)
        if status != 0 {
            let index = Int(pdu.pointee.errindex)
            let culprit = index > 0 && index <= varBinds.count ? " at \(varBinds[index - 1].oid)" : ""
            throw SNMPError(
                .agentError,
                "the agent answered \(SNMPError.statusName(status))\(culprit)",
                errorStatus: status
            )
        }
        return SNMPResponse(varBinds: varBinds, elapsed: elapsed)
    }
}
