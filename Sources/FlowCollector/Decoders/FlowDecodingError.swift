#if canImport(NetmonCore)
import NetmonCore
#endif

/// Why a flow decoder rejected a datagram.
///
/// Decoders throw these on short or inconsistent input instead of trapping; a collector counts them
/// per exporter and drops the datagram. Problems that affect one record or set only (a data set whose
/// template is unknown, an unknown set or sample type) are counted in ``FlowDatagramStats`` instead.
public enum FlowDecodingError: Error, Sendable, Hashable {
    /// The datagram ended at `offset` while `needed` more bytes were expected.
    case truncated(offset: Int, needed: Int)
    /// The version field holds a version this decoder does not handle.
    case unsupportedVersion(UInt32)
    /// A length or count field at `offset` disagrees with the datagram's size or structure.
    case invalidLength(offset: Int)
    /// A template at `offset` is malformed: no fields, more than ``FlowTemplate/maximumFieldCount``
    /// fields, zero-length or absurd field lengths, or a record longer than a datagram can carry.
    case invalidTemplate(offset: Int, templateID: UInt16)
}
