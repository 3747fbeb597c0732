/// Why a compressed sample chunk could not be decoded (or encoded).
///
/// Standard library only, like the codec (see ``SampleChunkCodec``).
public enum SampleChunkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The chunk ends before the samples its header announces.
    case truncated
    /// The chunk does not start with the codec's magic byte and version.
    case unsupportedFormat(magic: UInt8, version: UInt8)
    /// The checksum of the payload does not match the header: the bytes were altered.
    case checksumMismatch
    /// The bytes are inconsistent (named in the message).
    case corrupt(String)
    /// The encoder was given timestamps that go backwards, or arrays of different lengths.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .truncated: "sample chunk truncated"
        case .unsupportedFormat(let magic, let version):
            "not a sample chunk (magic 0x\(String(magic, radix: 16)), version \(version))"
        case .checksumMismatch: "sample chunk checksum mismatch"
        case .corrupt(let what): "corrupt sample chunk: \(what)"
        case .invalidInput(let what): "cannot encode sample chunk: \(what)"
        }
    }
}
