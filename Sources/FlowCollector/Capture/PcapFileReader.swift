#if canImport(Glibc)
import Glibc
#endif

/// Reads a classic pcap file (libpcap's savefile format 2.4, either byte order, microsecond or
/// nanosecond timestamps) straight from large `read(2)` chunks: one copy from the page cache, no
/// stdio, no copy per packet, packets handed on in place. Everything else (pcapng, the old 2.3 and
/// patched formats, link types netmond does not decode) is left to libpcap: ``open(_:)`` returns nil.
///
/// It reproduces what libpcap's reader does with the same file: the same snapshot-length rules
/// (a record longer than the file's snap length is cut to it; one longer than 262,144 bytes is an
/// error), nanoseconds scaled down to microseconds, and the same errors for a cut file.
final class PcapFileReader {
    /// The largest record libpcap accepts for the link types netmond decodes (`MAXIMUM_SNAPLEN`).
    static let maximumSnapLength = 262_144
    private static let chunk = 1 << 18

    /// The framing of the packets.
    let linkType: CaptureLinkType
    /// What the reader reads, for messages: `file /tmp/x.pcap`.
    let source: String

    private let descriptor: Int32
    private let swapped: Bool
    private let nanoseconds: Bool
    private let snapLength: Int
    /// Unread bytes are `buffer[start..<end]`; `consumed` is the file offset of `buffer[0]`.
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var consumed: Int64 = 0
    private var atEndOfFile = false

    private init(
        descriptor: Int32,
        source: String,
        linkType: CaptureLinkType,
        swapped: Bool,
        nanoseconds: Bool,
        snapLength: Int
    ) {
        self.descriptor = descriptor
        self.source = source
        self.linkType = linkType
        self.swapped = swapped
        self.nanoseconds = nanoseconds
        self.snapLength = snapLength
        self.capacity = Self.chunk + Self.maximumSnapLength + 16
        self.buffer = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit {
        self.buffer.deallocate()
        close(self.descriptor)
    }

    /// Opens `path` if it is a classic pcap file this reader handles; nil when it is something else
    /// (libpcap then reads it, or says why it cannot). Throws when the file cannot be opened.
    static func open(_ path: String) throws(CaptureError) -> PcapFileReader? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CaptureError(.badFile, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        var header = [UInt8](repeating: 0, count: 24)
        let got = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 24, 0) }
        guard got == 24,
            let format = Self.format(of: header),
            let linkType = CaptureLinkType(linkType: Int(format.linkType & 0x03FF_FFFF))
        else {
            close(descriptor)
            return nil
        }
        var snapLength = Int(format.snapLength)
        if snapLength == 0 || snapLength > Self.maximumSnapLength { snapLength = Self.maximumSnapLength }
        let reader = PcapFileReader(
            descriptor: descriptor,
            source: "file \(path)",
            linkType: linkType,
            swapped: format.swapped,
            nanoseconds: format.nanoseconds,
            snapLength: snapLength
        )
        reader.consumed = 24
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
        guard lseek(descriptor, 24, SEEK_SET) == 24 else { return nil }
        return reader
    }

    /// The fields of a classic pcap file header that matter, or nil when it is not one (or an old
    /// or patched variant).
    static func format(
        of header: [UInt8]
    ) -> (swapped: Bool, nanoseconds: Bool, snapLength: UInt32, linkType: UInt32)? {
        guard header.count >= 24 else { return nil }
        func word(_ offset: Int, swapped: Bool) -> UInt32 {
            let little =
                UInt32(header[offset]) | UInt32(header[offset + 1]) << 8 | UInt32(header[offset + 2]) << 16
                | UInt32(header[offset + 3]) << 24
            return swapped ? little.byteSwapped : little
        }
        let swapped: Bool
        let nanoseconds: Bool
        switch word(0, swapped: false) {
        case 0xA1B2_C3D4: (swapped, nanoseconds) = (false, false)
        case 0xA1B2_3C4D: (swapped, nanoseconds) = (false, true)
        case 0xD4C3_B2A1: (swapped, nanoseconds) = (true, false)
        case 0x4D3C_B2A1: (swapped, nanoseconds) = (true, true)
        default: return nil
        }
        // Version 2.4 only: 2.3 and older may have the two lengths swapped, which libpcap untangles.
        let (major, minor) =
            swapped
            ? (UInt16(header[4]) << 8 | UInt16(header[5]), UInt16(header[6]) << 8 | UInt16(header[7]))
            : (UInt16(header[5]) << 8 | UInt16(header[4]), UInt16(header[7]) << 8 | UInt16(header[6]))
        guard major == 2 && minor == 4 else { return nil }
        return (swapped, nanoseconds, word(16, swapped: swapped), word(20, swapped: swapped))
    }

    /// Reads one packet and hands its capture time (µs since the epoch), wire length and captured
    /// bytes (valid only during the call) to `body`.
    @inline(__always)
    func next(
        _ body: (_ microseconds: Int64, _ wireLength: Int, _ bytes: UnsafeRawBufferPointer) -> Void
    ) throws(CaptureError) -> PcapHandle.ReadResult {
        if self.end - self.start < 16 {
            try self.fill(16)
            let available = self.end - self.start
            if available == 0 { return .end }
            if available < 16 {
                throw CaptureError(
                    .corruptFile,
                    "\(self.source): truncated dump file; tried to read 16 header bytes, only got \(available)"
                )
            }
        }
        let record = self.buffer + self.start
        var seconds = record.loadUnaligned(as: UInt32.self)
        var fraction = record.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        var captured = record.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        var wire = record.loadUnaligned(fromByteOffset: 12, as: UInt32.self)
        if self.swapped {
            seconds = seconds.byteSwapped
            fraction = fraction.byteSwapped
            captured = captured.byteSwapped
            wire = wire.byteSwapped
        }
        var length = Int(captured)
        if length > self.snapLength {
            try self.oversized(length)
            length = self.snapLength
        }
        if self.end - self.start < 16 + length {
            try self.fill(16 + length)
            let available = self.end - self.start - 16
            if available < length {
                throw CaptureError(
                    .corruptFile,
                    "\(self.source): truncated dump file; tried to read \(length) captured bytes, only got \(available)"
                )
            }
        }
        var micros = Int64(Int32(bitPattern: fraction))
        if self.nanoseconds { micros /= 1000 }
        micros += Int64(Int32(bitPattern: seconds)) * 1_000_000
        body(micros, Int(wire), UnsafeRawBufferPointer(start: self.buffer + self.start + 16, count: length))
        self.start += 16 + length
        return .packet
    }

    /// Hands the packets whose records are whole in the buffer (at most `capacity`, at least one)
    /// to `body` as one batch, valid during the call; returns how many (0 at the end of the file).
    @inline(__always)
    func nextBatch(
        into references: UnsafeMutablePointer<PacketReference>,
        capacity: Int,
        _ body: (UnsafeBufferPointer<PacketReference>) -> Void
    ) throws(CaptureError) -> Int {
        var count = 0
        while count < capacity && self.end - self.start >= 16 {
            let record = self.buffer + self.start
            var seconds = record.loadUnaligned(as: UInt32.self)
            var fraction = record.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            var captured = record.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            if self.swapped {
                seconds = seconds.byteSwapped
                fraction = fraction.byteSwapped
                captured = captured.byteSwapped
            }
            let length = Int(captured)
            // A cut or oversized record: left to ``next(_:)``, which reads on or says why not.
            guard length <= self.snapLength && self.end - self.start >= 16 + length else { break }
            var micros = Int64(Int32(bitPattern: fraction))
            if self.nanoseconds { micros /= 1000 }
            micros += Int64(Int32(bitPattern: seconds)) * 1_000_000
            references[count] = PacketReference(
                bytes: UnsafeRawBufferPointer(start: record + 16, count: length),
                microseconds: micros
            )
            count += 1
            self.start += 16 + length
        }
        if count == 0 {
            let result = try self.next { microseconds, _, bytes in
                references[0] = PacketReference(bytes: bytes, microseconds: microseconds)
            }
            guard case .packet = result else { return 0 }
            count = 1
        }
        body(UnsafeBufferPointer(start: references, count: count))
        return count
    }

    /// A record longer than the file's snap length: an error past libpcap's maximum, otherwise
    /// handed on cut to the snap length (as libpcap does), the rest skipped.
    private func oversized(_ length: Int) throws(CaptureError) {
        guard length <= Self.maximumSnapLength else {
            throw CaptureError(
                .corruptFile,
                self.snapLength < Self.maximumSnapLength
                    ? "\(self.source): invalid packet capture length \(length), bigger than snaplen of \(self.snapLength)"
                    : "\(self.source): invalid packet capture length \(length), bigger than maximum of \(Self.maximumSnapLength)"
            )
        }
        try self.fill(16 + length)
        let available = self.end - self.start - 16
        guard available >= length else {
            throw CaptureError(
                .corruptFile,
                "\(self.source): truncated dump file; tried to read \(length) captured bytes, only got \(available)"
            )
        }
        // Rewrite the record in place: captured length = snap length, the tail dropped.
        let cut = self.snapLength
        let record = self.buffer + self.start
        let tail = length - cut
        (record + 16 + tail).copyMemory(from: record + 16, byteCount: cut)
        let fields = self.swapped ? UInt32(cut).byteSwapped : UInt32(cut)
        (record + 8).storeBytes(of: fields, toByteOffset: 0, as: UInt32.self)
        (record + tail).copyMemory(from: UnsafeRawPointer(record), byteCount: 16)
        self.start += tail
    }

    /// Reads until at least `wanted` unread bytes are buffered or the file ends.
    private func fill(_ wanted: Int) throws(CaptureError) {
        if self.start > 0 {
            let unread = self.end - self.start
            if unread > 0 { self.buffer.copyMemory(from: self.buffer + self.start, byteCount: unread) }
            self.consumed += Int64(self.start)
            self.start = 0
            self.end = unread
        }
        while self.end < wanted && !self.atEndOfFile {
            let room = min(Self.chunk, self.capacity - self.end)
            let got = read(self.descriptor, self.buffer + self.end, room)
            if got < 0 {
                if errno == EINTR { continue }
                throw CaptureError(
                    .corruptFile,
                    "\(self.source): error reading dump file: \(String(cString: strerror(errno)))"
                )
            }
            if got == 0 { self.atEndOfFile = true }
            self.end += got
        }
    }

    /// Bytes of the file read so far.
    func filePosition() -> Int64? { self.consumed + Int64(self.start) }
}
