import NetmonCore
import Testing

@Suite("Configuration: snmp")
struct SNMPConfigurationTests {
    private func issues(_ yaml: String) -> [ConfigurationIssue] {
        do {
            _ = try NetmondConfiguration.parse(yaml: yaml)
            return []
        } catch {
            return error.issues
        }
    }

    @Test("devices inherit snmp.defaults and override them")
    func inheritance() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                snmp:
                  defaults:
                    community: lab-secret
                    timeout: 500ms
                    poll_interval: 30s
                  devices:
                    - address: 127.0.0.1
                      port: 16161
                    - name: core
                      address: core.example.net
                      poll_interval: 10s
                      tags: [core, dc1]
                    - name: v3-switch
                      address: "::1"
                      version: 3
                      user: netmon
                      auth_protocol: sha-256
                      auth_password: authpass123
                      priv_protocol: AES-256
                      priv_password: privpass123
                """
        )
        let devices = configuration.snmp.devices
        #expect(devices.map(\.name) == ["127.0.0.1", "core", "v3-switch"])
        #expect(devices[0].settings.port == 16161)
        #expect(devices[0].settings.community?.value == "lab-secret")
        #expect(devices[0].settings.timeout == .milliseconds(500))
        #expect(devices[1].settings.pollInterval == .seconds(10))
        #expect(devices[1].tags == ["core", "dc1"])
        #expect(devices[2].settings.version == .v3)
        #expect(devices[2].settings.authProtocol == "SHA-256")
        #expect(devices[2].settings.privPassword?.value == "privpass123")
    }

    @Test("secrets never appear in the effective configuration")
    func secretsHidden() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: "snmp:\n  devices:\n    - address: 10.0.0.1\n      community: s3cr3t-community\n"
        )
        let rendered = configuration.renderYAML()
        #expect(!rendered.contains("s3cr3t"))
        #expect(rendered.contains("community: \"***\""))
        #expect("\(configuration.snmp.devices[0].settings.community!)" == "***")
    }

    @Test("missing credentials are named per device")
    func missingCredentials() {
        let found = self.issues(
            """
            snmp:
              devices:
                - address: 10.0.0.1
                - address: 10.0.0.2
                  version: 3
                  user: u
                  auth_password: short
            """
        )
        #expect(found.map(\.path) == ["snmp.devices[0]", "snmp.devices[1].auth_password", "snmp.devices[1]"])
        #expect(found[0].message.contains("community is required for SNMP v2c"))
        #expect(found[1].message.contains("at least 8 characters"))
        #expect(found[2].message.contains("priv_password is required"))
    }

    @Test("bad values are named with their path and line")
    func badValues() {
        let found = self.issues(
            """
            snmp:
              defaults:
                community: x
              devices:
                - address: 10.0.0.1
                  poll_interval: 5s
                - address: "not an address"
                - address: 10.0.0.3
                  version: 4
                - address: 10.0.0.1
              collectors:
                - name: Temperature
                  oid: 1.3.6.x
            """
        )
        let described = found.map(\.description)
        #expect(described.contains("snmp.devices[0].poll_interval: 5s is out of range 10s...1d (line 6)"))
        #expect(described.contains { $0.hasPrefix("snmp.devices[1].address: \"not an address\" is neither") })
        #expect(described.contains { $0.hasPrefix("snmp.devices[2].version: \"4\" is not one of") })
        #expect(described.contains { $0.hasPrefix("snmp.devices[3]: a device named \"10.0.0.1\" is already defined") })
        #expect(described.contains { $0.hasPrefix("snmp.collectors[0].name: \"Temperature\" is not a metric name") })
        #expect(described.contains { $0.hasPrefix("snmp.collectors[0].oid: \"1.3.6.x\" is not a numeric OID") })
    }

    @Test("the poll window's floor: default 4, capped by a smaller ceiling, and never above it")
    func pollWindowFloor() throws {
        #expect(try NetmondConfiguration.parse(yaml: "snmp: {}\n").snmp.minConcurrentPolls == 4)
        let small = try NetmondConfiguration.parse(yaml: "snmp:\n  max_concurrent_polls: 2\n").snmp
        #expect(small.maxConcurrentPolls == 2)
        #expect(small.minConcurrentPolls == 2)
        let fixed = try NetmondConfiguration.parse(
            yaml: "snmp:\n  max_concurrent_polls: 50\n  min_concurrent_polls: 50\n"
        ).snmp
        #expect(fixed.minConcurrentPolls == 50)
        let described = self.issues("snmp:\n  max_concurrent_polls: 20\n  min_concurrent_polls: 30\n")
            .map(\.description)
        #expect(described == ["snmp.min_concurrent_polls: must be at most max_concurrent_polls (20) (line 3)"])
        #expect(
            self.issues("snmp:\n  min_concurrent_polls: 0\n").map(\.description).first?
                .hasPrefix("snmp.min_concurrent_polls: 0 is out of range") == true
        )
    }
}
