import NetmonCore
import Testing

@Suite("FlowStorageConfiguration")
struct FlowStorageConfigurationTests {
    @Test("defaults are the documented ones")
    func defaults() {
        let configuration = FlowStorageConfiguration()
        #expect(configuration.rawRetention == .seconds(86_400))
        #expect(configuration.aggregateRetention == .seconds(30 * 86_400))
        #expect(configuration.topKeysPerMinute == 1_000)
        #expect(configuration.queueCapacity == 400_000)
        #expect(configuration.batchSize == 20_000)
        #expect(configuration.flushInterval == .seconds(1))
        #expect(NetmondConfiguration().flowStorage == configuration)
    }

    @Test("flow_storage keys decode, render back, and bad values name their key")
    func decodes() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                flow_storage:
                  raw_retention: 6h
                  aggregate_retention: 90d
                  top_keys_per_minute: 250
                  queue_capacity: 50_000
                  batch_size: 5000
                  flush_interval: 500ms
                """
        )
        let expected = FlowStorageConfiguration(
            rawRetention: .seconds(6 * 3_600),
            aggregateRetention: .seconds(90 * 86_400),
            topKeysPerMinute: 250,
            queueCapacity: 50_000,
            batchSize: 5_000,
            flushInterval: .milliseconds(500)
        )
        #expect(configuration.flowStorage == expected)
        #expect(try NetmondConfiguration.parse(yaml: configuration.renderYAML()) == configuration)
        let rendered = NetmondConfiguration().renderYAML()
        #expect(rendered.contains("flow_storage:"))
        #expect(rendered.contains("raw_retention: 1d"))

        let error = #expect(throws: ConfigurationError.self) {
            try NetmondConfiguration.parse(yaml: "flow_storage:\n  top_keys_per_minute: 0\n  raw_ttl: 1d\n")
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("flow_storage.top_keys_per_minute"))
        #expect(text.contains("flow_storage.raw_ttl"))
    }
}
