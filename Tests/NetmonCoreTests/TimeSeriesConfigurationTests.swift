import Testing

@testable import NetmonCore

@Suite("timeseries configuration")
struct TimeSeriesConfigurationTests {
    private func issues(_ yaml: String) -> [ConfigurationIssue] {
        do {
            _ = try NetmondConfiguration.parse(yaml: yaml)
            return []
        } catch {
            return error.issues
        }
    }

    @Test("every key parses, forever and none included, and renders back")
    func parses() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                timeseries:
                  raw_retention: 7d
                  five_minute_retention: 90d
                  hourly_retention: 730d
                  daily_retention: 3650d
                  compress_after: 3d
                  rollup_delay: 30s
                  maintenance_interval: 5m
                  disk_budget: 2GiB
                  max_query_rows: 2000
                  capacity_threshold: 70
                """
        )
        let timeSeries = configuration.timeSeries
        #expect(timeSeries.rawRetention == .seconds(7 * 86_400))
        #expect(timeSeries.dailyRetention == .seconds(3_650 * 86_400))
        #expect(timeSeries.diskBudget == 2 << 30)
        #expect(timeSeries.capacityThreshold == 70)
        #expect(try NetmondConfiguration.parse(yaml: configuration.renderYAML()) == configuration)
        let defaults = try NetmondConfiguration.parse(
            yaml: "timeseries:\n  daily_retention: forever\n  disk_budget: none\n"
        )
        #expect(defaults.timeSeries.dailyRetention == nil)
        #expect(defaults.timeSeries.diskBudget == nil)
        #expect(defaults.timeSeries == TimeSeriesConfiguration())
    }

    @Test("bad values are named with key and line")
    func errors() {
        #expect(
            self.issues("timeseries:\n  daily_retention: always\n").first?.description
                == "timeseries.daily_retention: \"always\" is not a duration; write a number and a unit: 500ms, 10s, "
                + "5m, 1h, 7d (line 2)"
        )
        #expect(self.issues("timeseries:\n  compress_after: 1h\n").first?.path == "timeseries.compress_after")
        #expect(self.issues("timeseries:\n  disk_budget: 10KiB\n").first?.line == 2)
        #expect(self.issues("timeseries:\n  capacity_threshold: 120\n").first?.path == "timeseries.capacity_threshold")
        #expect(
            self.issues("timeseries:\n  raw_retention: 14d\n  retention: 1d\n").first?.path == "timeseries.retention"
        )
    }
}
