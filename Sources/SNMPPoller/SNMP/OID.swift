/// An SNMP object identifier, e.g. `1.3.6.1.2.1.1.3.0`.
public struct OID: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The sub-identifiers.
    public var components: [UInt32]

    public init(_ components: [UInt32]) {
        self.components = components
    }

    /// Parses dotted decimal notation (a leading dot is allowed); nil for anything else.
    public init?(parsing text: String) {
        let trimmed = text.hasPrefix(".") ? text.dropFirst() : Substring(text)
        var components: [UInt32] = []
        for part in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
            guard let value = UInt32(part) else { return nil }
            components.append(value)
        }
        guard components.count >= 2, components.count <= 128 else { return nil }
        self.components = components
    }

    public init(stringLiteral value: String) {
        guard let oid = OID(parsing: value) else { preconditionFailure("invalid OID literal \(value)") }
        self = oid
    }

    public var description: String {
        self.components.map(String.init).joined(separator: ".")
    }

    /// True when `self` lies strictly below `prefix` in the OID tree.
    public func isDescendant(of prefix: OID) -> Bool {
        self.components.count > prefix.components.count && self.components.starts(with: prefix.components)
    }

    /// The sub-identifiers after `prefix` (the table index of a column instance).
    public func suffix(after prefix: OID) -> [UInt32] {
        Array(self.components.dropFirst(prefix.components.count))
    }

    /// `self` followed by more sub-identifiers.
    public func appending(_ more: UInt32...) -> OID {
        OID(self.components + more)
    }

    /// Lexicographic order of the OID tree (as GETNEXT walks it).
    public static func < (lhs: OID, rhs: OID) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }
}
