import Foundation
import Testing

@testable import Storage

@Suite("Billing, capacity and resolution choice")
struct ReportsMathTests {
    static let month: Int64 = 1_700_006_400_000  // a UTC midnight
    static let slot: Int64 = 300_000

    @Test("a port's 95th percentile: nearest rank, missing slots counted not filled, never capped")
    func singlePort() {
        // 100 slots; inbound 1...100 B/s except slot 10 missing; outbound constant 10 B/s with 2 missing.
        var inbound: [Int64: Double] = [:]
        var outbound: [Int64: Double] = [:]
        for index in 0..<100 {
            let start = Self.month + Int64(index) * Self.slot
            if index != 9 { inbound[start] = Double(index + 1) }
            if index % 50 != 0 { outbound[start] = 10 }
        }
        inbound[Self.month + 99 * Self.slot] = 1e12  // far above any interface speed: kept
        let report = BillingReport(
            subject: "port",
            from: Self.month,
            to: Self.month + 100 * Self.slot,
            method: .in,
            ports: [BillingPortData(interfaceID: 1, name: "sw1 ge-0/0/1", inbound: inbound, outbound: outbound)]
        )
        var present: [Double] = []
        for index in 0..<100 where index != 9 {
            let bytesPerSecond: Double = index == 99 ? 1e12 : Double(index + 1)
            present.append(bytesPerSecond * 8)
        }
        #expect(report.slotsInPeriod == 100)
        #expect(report.missingSamples == 3)
        #expect(report.ports[0].missingInbound == 1)
        #expect(report.ports[0].missingOutbound == 2)
        #expect(report.slotsBilled == 99)
        #expect(report.billedBitsPerSecond == PercentileTests.reference(present, percent: 95))
        #expect(report.billedBitsPerSecond == 768.0)  // rank 95 of 99 (1...9, 11...99, 1e12) is 96 B/s
        #expect(report.outboundP95BitsPerSecond == 80)
        #expect(report.inboundBytes == present.reduce(0, +) / 8 * 300)
        #expect(report.outboundBytes == 98 * 10 * 300)
    }

    @Test("a group sums its ports per slot; max and sum need both directions")
    func group() {
        let a = BillingPortData(
            interfaceID: 1,
            name: "a",
            inbound: [Self.month: 1, Self.month + Self.slot: 2],
            outbound: [Self.month: 5]
        )
        let b = BillingPortData(
            interfaceID: 2,
            name: "b \"uplink\"",
            inbound: [Self.month: 3],
            outbound: [Self.month: 1, Self.month + Self.slot: 1]
        )
        let report = BillingReport(
            subject: "customer",
            from: Self.month,
            to: Self.month + 2 * Self.slot,
            method: .max,
            ports: [a, b]
        )
        #expect(report.inboundP95BitsPerSecond == 32)  // slots: (1+3)*8, 2*8
        #expect(report.outboundP95BitsPerSecond == 48)  // (5+1)*8, 1*8
        #expect(report.maxP95BitsPerSecond == 48)  // max(32,48), max(16,8)
        #expect(report.sumP95BitsPerSecond == 80)  // 32+48, 16+8
        #expect(report.billedBitsPerSecond == 48)
        #expect(report.missingSamples == 2)
        let csv = report.renderCSV()
        #expect(csv.hasPrefix("scope,interface_id,name,"))
        #expect(csv.contains("port,2,\"b \"\"uplink\"\"\","))
        #expect(csv.contains("group,,\"customer\",\(Self.month),\(Self.month + 600_000),max,2,2,32,48,48,80,48,"))
        #expect(csv.split(separator: "\r\n").count == 4)
    }

    @Test("JSON rendering decodes back to the same report")
    func json() throws {
        let report = BillingReport(
            subject: "x",
            from: Self.month,
            to: Self.month + Self.slot,
            method: .sum,
            ports: [BillingPortData(interfaceID: 3, name: "c", inbound: [Self.month: 1.5], outbound: [:])]
        )
        let text = try report.renderJSON()
        let decoded = try JSONDecoder().decode(BillingReport.self, from: Data(text.utf8))
        #expect(decoded == report)
        #expect(report.billedBitsPerSecond == nil)  // sum needs both directions
        #expect(report.slotsBilled == 0)
    }

    @Test("capacity: a linear trend is fitted exactly and forecast; flat or falling never reaches")
    func capacity() {
        let day: Int64 = 86_400_000
        let rising = (0..<30).map {
            CapacityForecast.Day(day: Self.month + Int64($0) * day, p95Percent: 20 + Double($0))
        }
        let forecast = CapacityForecast(days: rising.shuffled(), threshold: 80)
        #expect(abs((forecast.slopePerDay ?? 0) - 1) < 1e-9)
        #expect(abs((forecast.fittedLatest ?? 0) - 49) < 1e-9)
        #expect(abs((forecast.daysUntilThreshold ?? 0) - 31) < 1e-9)
        let flat = (0..<10).map { CapacityForecast.Day(day: Self.month + Int64($0) * day, p95Percent: 50) }
        #expect(CapacityForecast(days: flat, threshold: 80).daysUntilThreshold == nil)
        #expect(CapacityForecast(days: flat, threshold: 40).daysUntilThreshold == 0)
        #expect(CapacityForecast(days: Array(flat.prefix(1)), threshold: 80).slopePerDay == nil)
    }

    @Test("resolution choice: 1 day raw, 30 days hourly, 1 year daily; percentiles need their width")
    func resolution() {
        let choice = ResolutionChoice(maxRows: 4_000)
        let day: Int64 = 86_400_000
        #expect(choice.choose(from: 0, to: day, step: 60_000, aggregations: [.avg]) == .raw)
        #expect(choice.choose(from: 0, to: day, step: 300_000, aggregations: [.avg]) == .raw)
        #expect(choice.choose(from: 0, to: 30 * day, step: 3_600_000, aggregations: [.avg, .max]) == .hour)
        #expect(choice.choose(from: 0, to: 30 * day, step: 300_000, aggregations: [.avg]) == .fiveMinutes)
        #expect(choice.choose(from: 0, to: 365 * day, step: day, aggregations: [.avg]) == .day)
        #expect(choice.choose(from: 0, to: 365 * day, step: 3_600_000, aggregations: [.avg]) == .hour)
        #expect(choice.choose(from: 0, to: 30 * day, step: 2 * 3_600_000, aggregations: [.p95]) == .raw)
        #expect(choice.choose(from: 0, to: 30 * day, step: 3_600_000, aggregations: [.p95]) == .hour)
        // Raw samples no longer retained: the 5-minute level instead.
        let old = ResolutionChoice(maxRows: 4_000, retainedSince: [.raw: 20 * day])
        #expect(old.choose(from: 0, to: day, step: 300_000, aggregations: [.avg]) == .fiveMinutes)
        #expect(!ResolutionChoice.canServe(.hour, step: 300_000, aggregations: [.avg]))
    }
}
