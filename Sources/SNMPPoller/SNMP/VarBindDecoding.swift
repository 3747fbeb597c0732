internal import CNetSNMP

/// Copies a net-snmp variable list into Swift values. Runs inside the response callback: the PDU
/// is freed when the callback returns, so nothing may keep a pointer into it.
enum VarBindDecoding {
    /// At most this many bindings are taken from one response; more is a hostile or broken agent.
    static let maximumVarBinds = 10_000

    static func decode(_ first: UnsafeMutablePointer<netsnmp_variable_list>?) throws(SNMPError) -> [VarBind] {
        var result: [VarBind] = []
        var cursor = first
        while let variable = cursor {
            guard result.count < self.maximumVarBinds else {
                throw SNMPError(
                    .malformedResponse,
                    "more than \(self.maximumVarBinds) variable bindings in one response"
                )
            }
            result.append(
                VarBind(
                    oid: self.oid(variable.pointee.name, count: variable.pointee.name_length),
                    value: self.value(variable.pointee)
                )
            )
            cursor = variable.pointee.next_variable
        }
        return result
    }

    static func oid(_ pointer: UnsafeMutablePointer<oid>?, count: Int) -> OID {
        guard let pointer, count > 0 else { return OID([]) }
        let length = min(count, 128)
        return OID(
            [UInt32](unsafeUninitializedCapacity: length) { buffer, initialized in
                for index in 0..<length { buffer[index] = UInt32(truncatingIfNeeded: pointer[index]) }
                initialized = length
            }
        )
    }

    private static func bytes(_ variable: netsnmp_variable_list) -> [UInt8] {
        guard let pointer = variable.val.string, variable.val_len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: min(variable.val_len, 65_535)))
    }

    private static func unsigned32(_ variable: netsnmp_variable_list) -> UInt32 {
        guard let pointer = variable.val.integer else { return 0 }
        return UInt32(truncatingIfNeeded: pointer.pointee)
    }

    static func value(_ variable: netsnmp_variable_list) -> SNMPValue {
        switch variable.type {
        case 0x02:
            return .integer(Int64(variable.val.integer?.pointee ?? 0))
        case 0x04:
            return .octetString(self.bytes(variable))
        case 0x05:
            return .null
        case 0x06:
            let count = variable.val_len / MemoryLayout<oid>.size
            return .objectIdentifier(self.oid(variable.val.objid, count: count))
        case 0x40:
            let bytes = self.bytes(variable)
            guard bytes.count == 4 else { return .opaque(bytes) }
            return .ipAddress(bytes[0], bytes[1], bytes[2], bytes[3])
        case 0x41:
            return .counter32(self.unsigned32(variable))
        case 0x42:
            return .gauge32(self.unsigned32(variable))
        case 0x43:
            return .timeTicks(self.unsigned32(variable))
        case 0x46:
            guard let counter = variable.val.counter64 else { return .counter64(0) }
            let high = UInt64(truncatingIfNeeded: counter.pointee.high) & 0xFFFF_FFFF
            let low = UInt64(truncatingIfNeeded: counter.pointee.low) & 0xFFFF_FFFF
            return .counter64(high << 32 | low)
        case 0x80:
            return .noSuchObject
        case 0x81:
            return .noSuchInstance
        case 0x82:
            return .endOfMibView
        default:
            return .opaque(self.bytes(variable))
        }
    }
}
