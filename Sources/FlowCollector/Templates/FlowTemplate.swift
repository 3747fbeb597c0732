#if canImport(NetmonCore)
import NetmonCore
#endif

/// One field specifier of a NetFlow v9 or IPFIX template.
public struct FlowTemplateField: Sendable, Hashable {
    /// The length value meaning "variable length" in IPFIX (RFC 7011 section 7).
    public static let variableLength: UInt16 = 0xFFFF

    /// The information element id (without the IPFIX enterprise bit).
    public var elementID: UInt16
    /// The field length in bytes, or ``variableLength``.
    public var length: UInt16
    /// The IPFIX private enterprise number; 0 for IANA elements (and always for NetFlow v9).
    public var enterpriseNumber: UInt32

    /// Makes a field specifier.
    public init(elementID: UInt16, length: UInt16, enterpriseNumber: UInt32 = 0) {
        self.elementID = elementID
        self.length = length
        self.enterpriseNumber = enterpriseNumber
    }

    /// Whether the field's length is given per record.
    public var isVariableLength: Bool { self.length == Self.variableLength }
}

/// A NetFlow v9 or IPFIX (options) template: the layout of the data records of one template id.
public struct FlowTemplate: Sendable, Hashable {
    /// The most fields a template may have; longer templates are rejected as absurd.
    public static let maximumFieldCount = 128

    /// The template id (256 and above).
    public var id: UInt16
    /// The fields in record order, scope fields first for an options template.
    public var fields: [FlowTemplateField]
    /// How many leading fields are scope fields (0 for a data template).
    public var scopeFieldCount: Int
    /// Whether this is an options template (its records describe the exporter, not flows).
    public var isOptions: Bool

    /// Makes a template; an options template is one with `isOptions` true.
    public init(id: UInt16, fields: [FlowTemplateField], scopeFieldCount: Int = 0, isOptions: Bool = false) {
        self.id = id
        self.fields = fields
        self.scopeFieldCount = scopeFieldCount
        self.isOptions = isOptions || scopeFieldCount > 0
    }

    /// The shortest possible record: fixed lengths plus one length byte per variable-length field.
    public var minimumRecordLength: Int {
        self.fields.reduce(0) { $0 + ($1.isVariableLength ? 1 : Int($1.length)) }
    }

    /// Whether any field has a variable length.
    public var hasVariableLengthFields: Bool { self.fields.contains { $0.isVariableLength } }

    /// An estimate of the memory the template holds, used for the cache's byte budget.
    public var approximateByteCount: Int { 32 + 8 * self.fields.count }
}
