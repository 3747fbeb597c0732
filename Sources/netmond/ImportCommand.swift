import ArgumentParser
import FlowCollector
import Foundation
import Logging
import NetmonCore
import ServiceLifecycle
import Storage

/// `netmond import FILE`: builds flows from the packets of a pcap/pcapng file, or decodes the
/// NetFlow/IPFIX/sFlow exports captured in it, prints a summary and optionally stores the flows.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read a pcap or pcapng file into flows and summarise them (optionally store them).",
        discussion: """
            --as packets (default) builds unidirectional flows from the packets, with the same flow \
            table and timeouts as a live capture. --as flows decodes the NetFlow v5/v9, IPFIX and sFlow \
            datagrams captured in the file (UDP to a collector port: those of --config's flows.listeners, \
            or 2055, 9995, 9996, 4739 and 6343) with the collector's decoders. A progress line is shown \
            on a terminal. --format json prints the summary as JSON (shape in docs/PCAP.md). --store \
            writes the flows into the database of --config (default /etc/netmond/netmond.yaml).
            """
    )

    @Argument(help: "The pcap or pcapng file.", completion: .file(extensions: ["pcap", "pcapng", "cap"]))
    var file: String

    @Option(name: .customLong("as"), help: "packets (build flows from packets) or flows (decode captured exports).")
    var mode: String = "packets"

    @Option(help: "Output: text or json.")
    var format: String = "text"

    @Flag(help: "Write the flows into the database named by the configuration.")
    var store = false

    @Option(name: .shortAndLong, help: "Configuration file (database path, collector ports).")
    var config: String?

    @Option(help: "Seconds after which a long flow is exported and restarted (--as packets).")
    var activeTimeout: Int = 60

    @Option(help: "Seconds of silence after which a flow is exported (--as packets).")
    var inactiveTimeout: Int = 15

    @Flag(help: "Do not export TCP flows on FIN or RST (--as packets).")
    var noTcpFinishExpiry = false

    @Option(help: "Flows held at most (--as packets).")
    var maxFlows: Int = 1_000_000

    @Option(help: "Entries in the top-talker and top-port lists.")
    var top: Int = 10

    func validate() throws {
        guard PcapImporter.Mode(rawValue: self.mode) != nil else {
            throw ValidationError("--as is packets or flows, not \(self.mode)")
        }
        guard ["text", "json"].contains(self.format) else {
            throw ValidationError("--format is text or json, not \(self.format)")
        }
        guard (1...86_400).contains(self.activeTimeout), (1...86_400).contains(self.inactiveTimeout) else {
            throw ValidationError("timeouts are 1 to 86400 seconds")
        }
        guard (1...20_000_000).contains(self.maxFlows) else { throw ValidationError("--max-flows is 1 to 20000000") }
        guard (0...1000).contains(self.top) else { throw ValidationError("--top is 0 to 1000") }
    }

    func run() async throws {
        var configuration = NetmondConfiguration()
        if self.config != nil || self.store {
            do {
                configuration = try NetmondConfiguration.load(path: self.config ?? defaultConfigurationPath)
            } catch {
                printError(error.description)
                throw ExitCode.failure
            }
        }
        var importer = PcapImporter(mode: PcapImporter.Mode(rawValue: self.mode) ?? .packets)
        importer.table = FlowTable.Configuration(
            activeTimeout: .seconds(self.activeTimeout),
            inactiveTimeout: .seconds(self.inactiveTimeout),
            maximumFlows: self.maxFlows,
            expireOnTCPFinish: !self.noTcpFinishExpiry
        )
        importer.topCount = self.top
        if self.config != nil {
            importer.collectorPorts = Dictionary(
                configuration.flows.listeners.map { (UInt16(clamping: $0.port), $0.protocol) }
            ) { first, _ in first }
        }
        if isatty(STDERR_FILENO) == 1 { importer.progress = ImportProgressLine.show }

        let summary: ImportSummary
        do {
            summary = try await self.runImport(importer, configuration: configuration)
        } catch let error as CaptureError {
            if isatty(STDERR_FILENO) == 1 { ImportProgressLine.clear() }
            printError("netmond import: \(error.message)")
            throw ExitCode.failure
        }
        if isatty(STDERR_FILENO) == 1 { ImportProgressLine.clear() }
        if self.format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(ImportSummaryText.render(summary), terminator: "")
        }
        if let fileError = summary.fileError { printError("netmond import: stopped early: \(fileError)") }
    }

    /// Runs the import on its own thread; with --store, beside a flow writer that gets the flows.
    private func runImport(_ importer: PcapImporter, configuration: NetmondConfiguration) async throws -> ImportSummary
    {
        let file = self.file
        guard self.store else {
            return try await ImportThread.run { () throws(CaptureError) in try importer.run(path: file) }
        }
        var logger = Logger(label: "netmond.import")
        logger.logLevel = .warning
        let database = try NetmonDatabase.open(configuration: configuration.storage, logger: logger)
        let writer = FlowWriter(database: database, configuration: configuration.flowStorage, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: writer)], logger: logger)
        )
        var storing = importer
        storing.sink = { records in ImportCommand.submitWaiting(records, to: writer) }
        async let running: Void = group.run()
        let summary: Result<ImportSummary, CaptureError>
        do {
            summary = .success(
                try await ImportThread.run { [storing] () throws(CaptureError) in try storing.run(path: file) }
            )
        } catch let error as CaptureError {
            summary = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await running
        return try summary.get()
    }

    /// Offers `records` to the writer, waiting (up to a minute) while its queue is full: an import
    /// should store everything, and it may wait where a live collector must not.
    static func submitWaiting(_ records: [FlowRecord], to writer: FlowWriter) -> Bool {
        for _ in 0..<60_000 {
            if writer.submit(records) { return true }
            usleep(1000)
        }
        return false
    }
}
