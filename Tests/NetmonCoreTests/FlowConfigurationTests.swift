import NetmonCore
import Testing

@Suite("Configuration: flows")
struct FlowConfigurationTests {
    @Test("flows keys decode and render back")
    func decodes() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                flows:
                  listeners:
                    - {protocol: ipfix, address: "::", port: 4739}
                    - {protocol: sflow, port: 6343}
                  receive_buffer: 32MiB
                  vector_reads: 16
                  exporters:
                    - {address: 192.0.2.1, sampling_rate: 1000}
                    - {address: "2001:db8::1", device: core-1}
                  forward:
                    - {address: 198.51.100.10, port: 2055, protocols: [netflow, ipfix]}
                    - {address: "2001:db8::10", port: 9995}
                """
        )
        let expected = FlowConfiguration(
            listeners: [.init(protocol: .ipfix, address: "::", port: 4739), .init(protocol: .sflow, port: 6343)],
            receiveBuffer: 32 << 20,
            vectorReads: 16,
            exporters: [
                .init(address: "192.0.2.1", samplingRate: 1_000), .init(address: "2001:db8::1", device: "core-1"),
            ],
            forward: [
                .init(address: "198.51.100.10", port: 2055, protocols: [.netflow, .ipfix]),
                .init(address: "2001:db8::10", port: 9995),
            ]
        )
        #expect(configuration.flows == expected)
        #expect(configuration.flows.exporterDevices == ["2001:db8::1": "core-1"])
        #expect(configuration.flows.forward[0].accepts(.ipfix) && !configuration.flows.forward[0].accepts(.sflow))
        #expect(configuration.flows.forward[1].accepts(.sflow))
        #expect(try NetmondConfiguration.parse(yaml: configuration.renderYAML()) == configuration)
    }

    @Test("bad flows values name their key and line")
    func errors() {
        let error = #expect(throws: ConfigurationError.self) {
            try NetmondConfiguration.parse(
                yaml: """
                    flows:
                      listeners:
                        - {protocol: netflow9, port: 2055}
                        - {protocol: sflow}
                      exporters:
                        - {address: not-an-ip}
                      forward:
                        - {address: 198.51.100.10}
                        - {address: 198.51.100.11, port: 2055, protocols: [jflow]}
                        - {address: 198.51.100.12, port: 2055, via: x}
                    """
            )
        }
        let text = error.map { "\($0)" } ?? ""
        for expected in [
            "flows.listeners[0].protocol", "flows.listeners[1]", "flows.exporters[0].address",
            "flows.forward[0]: a forward target needs an address and a port (line 8)",
            "flows.forward[1].protocols[0]", "flows.forward[2].via",
        ] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
    }
}
