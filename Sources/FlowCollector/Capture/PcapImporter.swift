#if canImport(Glibc)
import Glibc
#endif
#if canImport(NetmonCore)
import NetmonCore
#endif

/// Reads a pcap or pcapng file in one pass, in bounded memory, and either builds flows from its
/// packets (``Mode/packets``) or decodes the NetFlow/IPFIX/sFlow exports captured in it
/// (``Mode/flows``: UDP datagrams to a collector port), summarising the flows and handing them to a
/// sink in batches.
public struct PcapImporter {
    /// How packets become flows.
    public enum Mode: String, Sendable, CaseIterable {
        /// Packets → flows through a ``FlowTable``.
        case packets
        /// Captured export datagrams → records through the collector's decoders.
        case flows
    }

    /// Where the reading is, for a progress display.
    public struct Progress: Sendable {
        public var packets: UInt64
        /// Bytes of the file read so far, and its size (0 when unknown).
        public var position: Int64
        public var fileBytes: Int64
        public var elapsedSeconds: Double
    }

    public var mode: Mode = .packets
    /// Timeouts and bounds of the flow table (``Mode/packets``).
    public var table = FlowTable.Configuration()
    /// UDP destination ports whose datagrams are exports, and their decoders (``Mode/flows``).
    public var collectorPorts: [UInt16: FlowConfiguration.ListenerProtocol] = [
        2055: .netflow, 9995: .netflow, 9996: .netflow, 4739: .ipfix, 6343: .sflow,
    ]
    /// Entries of the top-talker and top-port lists.
    public var topCount = 10
    /// Called about every 100,000 packets.
    public var progress: ((Progress) -> Void)?
    /// Receives the flows in batches (e.g. the flow writer); returns false when it dropped them.
    public var sink: (([FlowRecord]) -> Bool)?

    public init(mode: Mode = .packets) {
        self.mode = mode
    }

    /// Reads the file. Throws only when the file cannot be opened or is not a capture; a file that
    /// ends mid-packet or has an impossible record header stops the reading, and the summary says
    /// why in ``ImportSummary/fileError``.
    public func run(path: String) throws(CaptureError) -> ImportSummary {
        // Classic pcap files through netmond's own reader; pcapng and the rest through libpcap.
        if let reader = try PcapFileReader.open(path) { return self.run(reader, path: path) }
        return self.run(try PcapHandle.openFile(path), path: path)
    }

    private func run<Source: OfflinePacketSource>(_ handle: Source, path: String) -> ImportSummary {
        let started = Self.monotonicSeconds()
        var accumulator = ImportAccumulator(topLimit: 20_000)
        accumulator.summary.file = path
        accumulator.summary.mode = self.mode.rawValue
        accumulator.summary.fileBytes = Self.fileSize(path)
        switch self.mode {
        case .packets: self.buildFlows(handle, into: &accumulator, started: started)
        case .flows: self.decodeExports(handle, into: &accumulator, started: started)
        }
        accumulator.finish(top: self.topCount)
        accumulator.summary.elapsedSeconds = Self.monotonicSeconds() - started
        return accumulator.summary
    }

    private func buildFlows<Source: OfflinePacketSource>(
        _ handle: Source,
        into accumulator: inout ImportAccumulator,
        started: Double
    ) {
        // Without a sink the flows are only added up: the table keeps them as entries, and no
        // record is built.
        let table = FlowTable(configuration: self.table, exporter: .v4(0x7F00_0001), keepsRecords: self.sink != nil)
        let builder = PacketFlowBuilder(table: table, linkType: handle.linkType)
        var packets: UInt64 = 0
        var nextReport: UInt64 = 100_000
        let references = UnsafeMutablePointer<PacketReference>.allocate(capacity: 256)
        defer { references.deallocate() }
        while true {
            do {
                let count = try handle.nextBatch(into: references, capacity: 256) { batch in
                    builder.add(batch: batch)
                }
                guard count > 0 else { break }
                packets += UInt64(count)
            } catch {
                accumulator.summary.fileError = error.message
                break
            }
            if table.pendingExpired >= 4096 { self.handOn(table, into: &accumulator) }
            if packets >= nextReport {
                self.report(handle, packets: packets, started: started, accumulator)
                nextReport += 100_000
            }
        }
        self.handOn(table, into: &accumulator)
        while table.count > 0 {
            table.drain(maximum: 4096)
            self.handOn(table, into: &accumulator)
        }
        let counters = builder.counters
        accumulator.summary.packetsRead = packets
        accumulator.summary.laterFragments = counters.laterFragments
        accumulator.summary.drops.notIP = counters.notIP
        accumulator.summary.drops.truncated = counters.truncated
        accumulator.summary.drops.malformed = counters.malformed
        accumulator.summary.drops.evictedFlows = table.statistics.evicted
    }

    private func decodeExports<Source: OfflinePacketSource>(
        _ handle: Source,
        into accumulator: inout ImportAccumulator,
        started: Double
    ) {
        var processors: [FlowConfiguration.ListenerProtocol: FlowDatagramProcessor] = [:]
        var packet = CapturedPacket()
        var packets: UInt64 = 0
        while true {
            var records: [FlowRecord] = []
            do {
                let result = try handle.next { microseconds, _, bytes in
                    let status = CapturedPacketDecoder.decode(bytes, linkType: handle.linkType, into: &packet)
                    guard status == .decoded, packet.key.ipProtocol == 17, packet.payloadEnd > packet.payloadStart,
                        let listener = self.collectorPorts[packet.key.destinationPort]
                    else {
                        accumulator.summary.drops.notExport += 1
                        return
                    }
                    let payload = Array(bytes[packet.payloadStart..<packet.payloadEnd])
                    var processor = processors[listener] ?? FlowDatagramProcessor(protocol: listener)
                    let decoded = processor.process(
                        payload,
                        from: packet.key.sourceAddress,
                        now: microseconds / 1000
                    )
                    processors[listener] = processor
                    if decoded.error != nil { accumulator.summary.drops.undecodableDatagrams += 1 }
                    records = decoded.records
                }
                guard case .packet = result else { break }
            } catch {
                accumulator.summary.fileError = error.message
                break
            }
            packets += 1
            if !records.isEmpty { self.handOn(records, into: &accumulator) }
            if packets % 100_000 == 0 { self.report(handle, packets: packets, started: started, accumulator) }
        }
        accumulator.summary.packetsRead = packets
    }

    /// Hands on what `table` exported: its records, or (a table without records) its entries to the
    /// summary alone.
    private func handOn(_ table: FlowTable, into accumulator: inout ImportAccumulator) {
        if table.keepsRecords {
            self.handOn(table.takeExpired(), into: &accumulator)
        } else {
            table.takeExpiredEntries { accumulator.add($0) }
        }
    }

    private func handOn(_ records: [FlowRecord], into accumulator: inout ImportAccumulator) {
        guard !records.isEmpty else { return }
        accumulator.add(records)
        if let sink = self.sink {
            if sink(records) {
                accumulator.summary.stored += UInt64(records.count)
            } else {
                accumulator.summary.storeDropped += UInt64(records.count)
            }
        }
    }

    private func report<Source: OfflinePacketSource>(
        _ handle: Source,
        packets: UInt64,
        started: Double,
        _ accumulator: ImportAccumulator
    ) {
        guard let progress = self.progress else { return }
        progress(
            Progress(
                packets: packets,
                position: handle.filePosition() ?? 0,
                fileBytes: accumulator.summary.fileBytes,
                elapsedSeconds: Self.monotonicSeconds() - started
            )
        )
    }

    private static let epoch = ContinuousClock.now

    static func monotonicSeconds() -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - Self.epoch).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}

/// Where an import reads packets from: libpcap (``PcapHandle``) or the classic-pcap reader
/// (``PcapFileReader``). The importer is generic over it, so each gets its own specialised loop.
protocol OfflinePacketSource: AnyObject {
    /// The framing of the packets.
    var linkType: CaptureLinkType { get }
    /// Reads one packet and hands its capture time (µs since the epoch), wire length and captured
    /// bytes (valid only during the call) to `body`.
    func next(
        _ body: (_ microseconds: Int64, _ wireLength: Int, _ bytes: UnsafeRawBufferPointer) -> Void
    ) throws(CaptureError) -> PcapHandle.ReadResult
    /// Hands on at least one and at most `capacity` packets as one batch (valid during the call);
    /// returns how many, 0 at the end.
    func nextBatch(
        into references: UnsafeMutablePointer<PacketReference>,
        capacity: Int,
        _ body: (UnsafeBufferPointer<PacketReference>) -> Void
    ) throws(CaptureError) -> Int
    /// Bytes of the file read so far.
    func filePosition() -> Int64?
}

extension PcapHandle: OfflinePacketSource {
    /// libpcap hands on one packet at a time: batches of one.
    func nextBatch(
        into references: UnsafeMutablePointer<PacketReference>,
        capacity: Int,
        _ body: (UnsafeBufferPointer<PacketReference>) -> Void
    ) throws(CaptureError) -> Int {
        var count = 0
        _ = try self.next { microseconds, _, bytes in
            references[0] = PacketReference(bytes: bytes, microseconds: microseconds)
            body(UnsafeBufferPointer(start: references, count: 1))
            count = 1
        }
        return count
    }
}
extension PcapFileReader: OfflinePacketSource {}
