extension TimeSeriesConfiguration: ConfigRenderable {
    private static let day = 86_400

    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        let retentionRange = Duration.seconds(3600)...Duration.seconds(100 * 366 * Self.day)
        mapping.read("raw_retention", into: &self.rawRetention) { $0.duration(in: retentionRange) }
        mapping.read("five_minute_retention", into: &self.fiveMinuteRetention) { $0.duration(in: retentionRange) }
        mapping.read("hourly_retention", into: &self.hourlyRetention) { $0.duration(in: retentionRange) }
        mapping.read("daily_retention", into: &self.dailyRetention) { value -> Duration?? in
            guard let text = value.scalarText(expecting: "a duration or forever") else { return nil }
            if text == "forever" {
                return .some(nil)
            }
            return value.duration(in: retentionRange).map { .some($0) }
        }
        mapping.read("compress_after", into: &self.compressAfter) {
            $0.duration(in: .seconds(Self.day)...Duration.seconds(100 * 366 * Self.day))
        }
        mapping.read("rollup_delay", into: &self.rollupDelay) { $0.duration(in: .zero...Duration.seconds(3600)) }
        mapping.read("maintenance_interval", into: &self.maintenanceInterval) {
            $0.duration(in: .seconds(1)...Duration.seconds(3600))
        }
        mapping.read("disk_budget", into: &self.diskBudget) { value -> Int?? in
            guard let text = value.scalarText(expecting: "a size or none") else { return nil }
            if text == "none" {
                return .some(nil)
            }
            return value.byteSize(in: (1 << 20)...(1 << 50)).map { .some($0) }
        }
        mapping.read("max_query_rows", into: &self.maxQueryRows) { $0.int(in: 100...1_000_000) }
        mapping.read("capacity_threshold", into: &self.capacityThreshold) { value -> Double? in
            guard let number = value.int(in: 1...100, what: "a percentage from 1 to 100") else { return nil }
            return Double(number)
        }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([
            ("raw_retention", .scalar(ConfigParsers.format(self.rawRetention))),
            ("five_minute_retention", .scalar(ConfigParsers.format(self.fiveMinuteRetention))),
            ("hourly_retention", .scalar(ConfigParsers.format(self.hourlyRetention))),
            ("daily_retention", .scalar(self.dailyRetention.map(ConfigParsers.format) ?? "forever")),
            ("compress_after", .scalar(ConfigParsers.format(self.compressAfter))),
            ("rollup_delay", .scalar(ConfigParsers.format(self.rollupDelay))),
            ("maintenance_interval", .scalar(ConfigParsers.format(self.maintenanceInterval))),
            ("disk_budget", .scalar(self.diskBudget.map { ConfigParsers.format(bytes: $0) } ?? "none")),
            ("max_query_rows", .scalar("\(self.maxQueryRows)")),
            ("capacity_threshold", .scalar("\(Int(self.capacityThreshold))")),
        ])
    }
}
