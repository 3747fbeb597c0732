extension StorageConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("path", into: &self.path) { value in
            guard let path = value.string(), !path.isEmpty else {
                value.fail("must name a file, e.g. /var/lib/netmond/netmond.db")
                return nil
            }
            return path
        }
        mapping.read("queue_capacity", into: &self.queueCapacity) { $0.int(in: 1_000...100_000_000) }
        mapping.read("batch_size", into: &self.batchSize) { $0.int(in: 1...1_000_000) }
        mapping.read("flush_interval", into: &self.flushInterval) {
            $0.duration(in: .milliseconds(10)...(.seconds(60)))
        }
        mapping.read("busy_timeout", into: &self.busyTimeout) { $0.duration(in: .milliseconds(1)...(.seconds(600))) }
        mapping.read("journal_size_limit", into: &self.journalSizeLimit) { $0.byteSize(in: 0...(1 << 40)) }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([
            ("path", .string(self.path)),
            ("queue_capacity", .scalar("\(self.queueCapacity)")),
            ("batch_size", .scalar("\(self.batchSize)")),
            ("flush_interval", .scalar(ConfigParsers.format(self.flushInterval))),
            ("busy_timeout", .scalar(ConfigParsers.format(self.busyTimeout))),
            ("journal_size_limit", .scalar(ConfigParsers.format(bytes: self.journalSizeLimit))),
        ])
    }
}
