import NetmonCore
import Testing

@Suite("capture: configuration")
struct CaptureConfigurationTests {
    private func issues(_ yaml: String) -> [ConfigurationIssue] {
        do {
            _ = try NetmondConfiguration.parse(yaml: yaml)
            Issue.record("expected a configuration error")
            return []
        } catch {
            return error.issues
        }
    }

    @Test("Default: no captures; a full entry sets every key")
    func parses() throws {
        #expect(try NetmondConfiguration.parse(yaml: "").capture.captures.isEmpty)
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                capture:
                  - interface: eth1
                  - interface: any
                    filter: "not port 22"
                    snaplen: 256
                    promiscuous: false
                    buffer_size: 64MiB
                    buffer_timeout: 50ms
                    active_timeout: 2m
                    inactive_timeout: 30s
                    max_flows: 50000
                    tcp_finish_expiry: false
                """
        )
        #expect(configuration.capture.captures.count == 2)
        #expect(configuration.capture.captures[0] == .init(interface: "eth1"))
        #expect(
            configuration.capture.captures[1]
                == .init(
                    interface: "any",
                    filter: "not port 22",
                    snapLength: 256,
                    promiscuous: false,
                    bufferSize: 64 << 20,
                    bufferTimeout: .milliseconds(50),
                    activeTimeout: .seconds(120),
                    inactiveTimeout: .seconds(30),
                    maximumFlows: 50_000,
                    tcpFinishExpiry: false
                )
        )
        // The rendered configuration reads back to the same value.
        #expect(try NetmondConfiguration.parse(yaml: configuration.renderYAML()) == configuration)
    }

    @Test("Errors name the key and line")
    func errors() {
        let missing = self.issues("capture:\n  - filter: tcp\n")
        #expect(missing.first?.path == "capture[0]")
        #expect(missing.first?.message.contains("needs an interface") == true)
        let snap = self.issues("capture:\n  - interface: eth0\n    snaplen: 10\n")
        #expect(snap.first?.path == "capture[0].snaplen" && snap.first?.line == 3)
        #expect(self.issues("capture:\n  - interface: eth0\n    max_flow: 5\n").first?.path == "capture[0].max_flow")
        #expect(self.issues("capture:\n  - interface: \"a/b\"\n").first?.path == "capture[0].interface")
        #expect(self.issues("capture:\n  interface: eth0\n").first?.path == "capture")
        let timeout = self.issues("capture:\n  - interface: eth0\n    inactive_timeout: 0s\n")
        #expect(timeout.first?.path == "capture[0].inactive_timeout")
    }
}
