/// The value of one variable binding in an SNMP response.
public enum SNMPValue: Sendable, Hashable {
    case integer(Int64)
    case octetString([UInt8])
    case null
    case objectIdentifier(OID)
    case ipAddress(UInt8, UInt8, UInt8, UInt8)
    case counter32(UInt32)
    case gauge32(UInt32)
    case timeTicks(UInt32)
    case opaque([UInt8])
    case counter64(UInt64)
    /// The agent has no such object (v2c/v3 exception).
    case noSuchObject
    /// The object exists but has no such instance (v2c/v3 exception).
    case noSuchInstance
    /// The walk went past the agent's last object (v2c/v3 exception).
    case endOfMibView

    /// True for the three v2c/v3 exception values.
    public var isException: Bool {
        switch self {
        case .noSuchObject, .noSuchInstance, .endOfMibView: true
        default: false
        }
    }

    /// The value as an unsigned integer when it is a number (counters, gauges, ticks, integers ≥ 0).
    public var unsignedValue: UInt64? {
        switch self {
        case .counter32(let value), .gauge32(let value), .timeTicks(let value): UInt64(value)
        case .counter64(let value): value
        case .integer(let value) where value >= 0: UInt64(value)
        default: nil
        }
    }

    /// The value as a signed integer when it is one that fits.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .counter32(let value), .gauge32(let value), .timeTicks(let value): Int64(value)
        case .counter64(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        default: nil
        }
    }

    /// The value as text: octet strings decoded as UTF-8 (invalid bytes replaced), other values
    /// in their usual notation. Device-supplied text is data: callers store it, never interpret it.
    public var text: String? {
        switch self {
        case .octetString(let bytes): String(decoding: bytes, as: UTF8.self)
        case .objectIdentifier(let oid): oid.description
        case .ipAddress(let a, let b, let c, let d): "\(a).\(b).\(c).\(d)"
        case .integer, .counter32, .gauge32, .timeTicks, .counter64: self.integerValue.map(String.init)
        default: nil
        }
    }
}

/// One variable binding: an OID and its value.
public struct VarBind: Sendable, Hashable {
    public var oid: OID
    public var value: SNMPValue

    public init(oid: OID, value: SNMPValue) {
        self.oid = oid
        self.value = value
    }
}
