/// Why a capture could not start or stopped, with a message that names the interface or file and
/// says what to do.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The interface does not exist.
        public static let noSuchDevice = Code(rawValue: "no-such-device")
        /// Capturing needs privileges this process lacks.
        public static let permissionDenied = Code(rawValue: "permission-denied")
        /// The interface is down.
        public static let interfaceDown = Code(rawValue: "interface-down")
        /// The BPF filter does not compile.
        public static let badFilter = Code(rawValue: "bad-filter")
        /// The file cannot be opened or is not a pcap/pcapng file.
        public static let badFile = Code(rawValue: "bad-file")
        /// The file ends in the middle of a packet, or a packet header is impossible.
        public static let corruptFile = Code(rawValue: "corrupt-file")
        /// The capture's link type is not one netmond decodes.
        public static let unsupportedLinkType = Code(rawValue: "unsupported-link-type")
        /// Any other libpcap failure.
        public static let failed = Code(rawValue: "failed")
    }

    public var code: Code
    /// The whole explanation, naming the interface or file.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }
}
