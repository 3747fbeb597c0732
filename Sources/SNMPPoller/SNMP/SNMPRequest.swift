/// One SNMP request PDU.
public enum SNMPRequest: Sendable, Hashable {
    case get([OID])
    case getNext([OID])
    case getBulk(nonRepeaters: Int, maxRepetitions: Int, [OID])

    var oids: [OID] {
        switch self {
        case .get(let oids), .getNext(let oids), .getBulk(_, _, let oids): oids
        }
    }
}

/// The answer to one request: the variable bindings, how long the round trip took (from the
/// first send), and how often net-snmp retransmitted the request before this answer came.
public struct SNMPResponse: Sendable, Hashable {
    public var varBinds: [VarBind]
    public var elapsed: Duration
    /// More than 0: the answer came only after a retransmission (a late answer).
    public var retransmissions = 0
}
