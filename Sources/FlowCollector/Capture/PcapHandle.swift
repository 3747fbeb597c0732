internal import CPcap

#if canImport(Glibc)
import Glibc
#endif

/// One open libpcap handle (a live interface or a pcap/pcapng file). The only place C types live:
/// everything it returns is Swift. Used from one thread at a time; ``breakLoop()`` may be called
/// from any thread.
final class PcapHandle: @unchecked Sendable {
    /// Where a read ended.
    enum ReadResult {
        /// A packet was handed to the body.
        case packet
        /// A live capture's buffer timeout passed without packets.
        case timeout
        /// The end of a file, or ``breakLoop()`` was called.
        case end
    }

    private let handle: OpaquePointer
    /// A live capture's pollable descriptor (the capture is non-blocking); -1 for files.
    private var descriptor: Int32 = -1
    /// The framing of the packets.
    let linkType: CaptureLinkType
    /// What the handle reads, for messages: `interface eth0` or `file /tmp/x.pcap`.
    let source: String

    private init(handle: OpaquePointer, source: String) throws(CaptureError) {
        self.handle = handle
        self.source = source
        let dlt = Int(pcap_datalink(handle))
        guard let linkType = CaptureLinkType(linkType: dlt) else {
            pcap_close(handle)
            let name = pcap_datalink_val_to_name(Int32(dlt)).map { String(cString: $0) } ?? "\(dlt)"
            throw CaptureError(
                .unsupportedLinkType,
                "\(source): link type \(name) (\(dlt)) is not supported; netmond decodes Ethernet, Linux cooked (SLL, SLL2), BSD loopback and raw IP"
            )
        }
        self.linkType = linkType
    }

    deinit { pcap_close(self.handle) }

    /// Opens a pcap or pcapng file (microsecond timestamps).
    static func openFile(_ path: String) throws(CaptureError) -> PcapHandle {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard
            let handle = pcap_open_offline_with_tstamp_precision(
                path,
                UInt32(PCAP_TSTAMP_PRECISION_MICRO),
                &errorBuffer
            )
        else {
            throw CaptureError(.badFile, "cannot read \(path): \(Self.text(errorBuffer))")
        }
        return try PcapHandle(handle: handle, source: "file \(path)")
    }

    /// Opens and activates a live capture. A buffer timeout, not immediate mode, so the kernel keeps
    /// TPACKET_V3 block delivery.
    static func openInterface(
        _ interface: String,
        snapLength: Int,
        promiscuous: Bool,
        bufferSize: Int,
        bufferTimeout: Duration,
        filter: String
    ) throws(CaptureError) -> PcapHandle {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let raw = pcap_create(interface, &errorBuffer) else {
            throw CaptureError(.failed, "cannot capture on interface \(interface): \(Self.text(errorBuffer))")
        }
        _ = pcap_set_snaplen(raw, Int32(clamping: snapLength))
        _ = pcap_set_promisc(raw, promiscuous ? 1 : 0)
        _ = pcap_set_buffer_size(raw, Int32(clamping: bufferSize))
        let (seconds, attoseconds) = bufferTimeout.components
        _ = pcap_set_timeout(raw, Int32(clamping: max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)))
        _ = pcap_set_immediate_mode(raw, 0)
        let status = pcap_activate(raw)
        if status < 0 {
            let detail = String(cString: pcap_geterr(raw))
            pcap_close(raw)
            throw Self.activationError(status, interface: interface, detail: detail)
        }
        let handle = try PcapHandle(handle: raw, source: "interface \(interface)")
        if !filter.isEmpty { try handle.setFilter(filter) }
        // Non-blocking, polled by ``waitForPackets(milliseconds:)``: with TPACKET_V3 libpcap's own
        // poll waits without a timeout, and an idle interface would never let the loop expire flows.
        guard pcap_setnonblock(raw, 1, &errorBuffer) == 0 else {
            throw CaptureError(.failed, "cannot capture on interface \(interface): \(Self.text(errorBuffer))")
        }
        handle.descriptor = pcap_get_selectable_fd(raw)
        return handle
    }

    private static func activationError(_ status: Int32, interface: String, detail: String) -> CaptureError {
        switch status {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            return CaptureError(
                .noSuchDevice,
                "cannot capture on interface \(interface): no such device (\(detail)); check the name with `ip link` and capture[].interface"
            )
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
            return CaptureError(
                .permissionDenied,
                "cannot capture on interface \(interface): permission denied (\(detail)); run netmond with CAP_NET_RAW and CAP_NET_ADMIN (systemd AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN, or `setcap cap_net_raw,cap_net_admin+ep /usr/bin/netmond`)"
            )
        case PCAP_ERROR_IFACE_NOT_UP:
            return CaptureError(
                .interfaceDown,
                "cannot capture on interface \(interface): it is down; bring it up (`ip link set \(interface) up`)"
            )
        default:
            return CaptureError(
                .failed,
                "cannot capture on interface \(interface): \(detail) (libpcap error \(status))"
            )
        }
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Installs a BPF filter.
    func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(self.handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(
                .badFilter,
                "\(self.source): filter \"\(expression)\" does not compile: \(String(cString: pcap_geterr(self.handle)))"
            )
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(self.handle, &program) == 0 else {
            throw CaptureError(
                .badFilter,
                "\(self.source): cannot install filter: \(String(cString: pcap_geterr(self.handle)))"
            )
        }
    }

    /// Reads one packet and hands its capture time (µs since the epoch), wire length and captured
    /// bytes (valid only during the call) to `body`.
    @inline(__always)
    func next(
        _ body: (_ microseconds: Int64, _ wireLength: Int, _ bytes: UnsafeRawBufferPointer) -> Void
    ) throws(CaptureError) -> ReadResult {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let status = pcap_next_ex(self.handle, &header, &data)
        switch status {
        case 1:
            guard let header, let data else { return .timeout }
            let meta = header.pointee
            let micros = Int64(meta.ts.tv_sec) * 1_000_000 + Int64(meta.ts.tv_usec)
            body(micros, Int(meta.len), UnsafeRawBufferPointer(start: data, count: Int(meta.caplen)))
            return .packet
        case 0:
            return .timeout
        case PCAP_ERROR_BREAK:
            return .end
        default:
            let detail = String(cString: pcap_geterr(self.handle))
            throw CaptureError(.corruptFile, "\(self.source): \(detail)")
        }
    }

    /// Waits up to `milliseconds` for a live capture to have packets (returns at once for files).
    func waitForPackets(milliseconds: Int32) {
        guard self.descriptor >= 0 else { return }
        var entry = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, milliseconds)
    }

    /// Makes a blocked ``next(_:)`` return ``ReadResult/end`` (any thread).
    func breakLoop() { pcap_breakloop(self.handle) }

    /// Kernel statistics of a live capture; `nil` for files.
    func statistics() -> CaptureKernelStatistics? {
        var stats = pcap_stat()
        guard pcap_stats(self.handle, &stats) == 0 else { return nil }
        return CaptureKernelStatistics(
            received: UInt64(stats.ps_recv),
            droppedByKernel: UInt64(stats.ps_drop),
            droppedByInterface: UInt64(stats.ps_ifdrop)
        )
    }

    /// The read position in a file, bytes; `nil` for live captures.
    func filePosition() -> Int64? {
        guard let file = pcap_file(self.handle) else { return nil }
        let position = ftello(file)
        return position >= 0 ? Int64(position) : nil
    }
}

/// libpcap's counters of a live capture (`pcap_stats`), cumulative since it started.
public struct CaptureKernelStatistics: Sendable, Hashable {
    /// Packets the capture received.
    public var received: UInt64
    /// Packets dropped because the capture buffer was full.
    public var droppedByKernel: UInt64
    /// Packets the interface or its driver dropped.
    public var droppedByInterface: UInt64
}
