extension FlowStorageConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("raw_retention", into: &self.rawRetention) {
            $0.duration(in: .seconds(60)...(.seconds(366 * 24 * 3600)))
        }
        mapping.read("aggregate_retention", into: &self.aggregateRetention) {
            $0.duration(in: .seconds(60)...(.seconds(10 * 366 * 24 * 3600)))
        }
        mapping.read("top_keys_per_minute", into: &self.topKeysPerMinute) { $0.int(in: 1...1_000_000) }
        mapping.read("queue_capacity", into: &self.queueCapacity) { $0.int(in: 1_000...100_000_000) }
        mapping.read("batch_size", into: &self.batchSize) { $0.int(in: 1...1_000_000) }
        mapping.read("flush_interval", into: &self.flushInterval) {
            $0.duration(in: .milliseconds(10)...(.seconds(60)))
        }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([
            ("raw_retention", .scalar(ConfigParsers.format(self.rawRetention))),
            ("aggregate_retention", .scalar(ConfigParsers.format(self.aggregateRetention))),
            ("top_keys_per_minute", .scalar("\(self.topKeysPerMinute)")),
            ("queue_capacity", .scalar("\(self.queueCapacity)")),
            ("batch_size", .scalar("\(self.batchSize)")),
            ("flush_interval", .scalar(ConfigParsers.format(self.flushInterval))),
        ])
    }
}
