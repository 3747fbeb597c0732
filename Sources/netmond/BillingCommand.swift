import ArgumentParser
import Foundation
import Logging
import NetmonCore
import Storage

/// `netmond billing`: the 95th-percentile bill of a port or a named group of ports, as CSV or JSON.
struct BillingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing",
        abstract: "Print the 95th-percentile bill of a port or group of ports from the 5-minute data.",
        discussion: """
            Reads the database named by the configuration (it may be in use by a running netmond). The \
            period is [--from, --to), UTC; dates are YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch milliseconds. \
            Missing 5-minute slots are counted, never filled; values are never capped at the interface speed.
            """
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = defaultConfigurationPath

    @Option(name: .customLong("interface"), help: "An interface id (repeat for a group).")
    var interfaces: [Int64] = []

    @Option(help: "The name of the port or group, for the report.")
    var name: String = "ports"

    @Option(help: "The period's start (UTC).")
    var from: String

    @Option(help: "The period's end, exclusive (UTC).")
    var to: String

    @Option(help: "in, out, max or sum.")
    var method: String = "max"

    @Option(help: "csv or json.")
    var format: String = "csv"

    func run() async throws {
        guard !self.interfaces.isEmpty else { throw ValidationError("name at least one --interface") }
        guard let method = BillingMethod(rawValue: self.method) else {
            throw ValidationError("--method must be in, out, max or sum")
        }
        guard self.format == "csv" || self.format == "json" else {
            throw ValidationError("--format must be csv or json")
        }
        let from = try Self.time(self.from, option: "--from")
        let to = try Self.time(self.to, option: "--to")
        guard from < to else { throw ValidationError("--from must be before --to") }
        let configuration = try NetmondConfiguration.load(path: self.config)
        let logger = Logger(label: "netmond.billing") { _ in SwiftLogNoOpLogHandler() }
        let database = try NetmonDatabase.open(configuration: configuration.storage, logger: logger)
        defer { try? database.close() }
        let report = try await TrafficReports(database: database, configuration: configuration.timeSeries).billing(
            subject: self.name,
            interfaceIDs: self.interfaces,
            from: from,
            to: to,
            method: method,
            now: Int64(Date().timeIntervalSince1970 * 1000)
        )
        print(self.format == "csv" ? report.renderCSV() : try report.renderJSON(), terminator: "")
        if self.format == "json" { print() }
    }

    /// Parses a UTC date, date-time or epoch milliseconds.
    static func time(_ text: String, option: String) throws -> Int64 {
        if let milliseconds = Int64(text) { return milliseconds }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        throw ValidationError("\(option) \(text) is not YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch milliseconds")
    }
}

/// `netmond capacity`: a port's daily 95th-percentile utilization trend and forecast.
struct CapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Print a port's daily p95 utilization and the days until it reaches a threshold (JSON)."
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = defaultConfigurationPath

    @Option(name: .customLong("interface"), help: "The interface id.")
    var interface: Int64

    @Option(help: "Days of history to fit.")
    var days: Int = 90

    @Option(help: "The utilization threshold, percent (default: timeseries.capacity_threshold).")
    var threshold: Double?

    func run() async throws {
        let configuration = try NetmondConfiguration.load(path: self.config)
        let logger = Logger(label: "netmond.capacity") { _ in SwiftLogNoOpLogHandler() }
        let database = try NetmonDatabase.open(configuration: configuration.storage, logger: logger)
        defer { try? database.close() }
        let forecast = try await TrafficReports(database: database, configuration: configuration.timeSeries).capacity(
            interfaceID: self.interface,
            days: self.days,
            threshold: self.threshold,
            now: Int64(Date().timeIntervalSince1970 * 1000)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(forecast), as: UTF8.self))
    }
}
