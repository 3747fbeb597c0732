import NetmonCore
import Testing

@Suite("Alerting configuration")
struct AlertingConfigurationTests {
    private func issues(_ yaml: String) -> [String] {
        do {
            _ = try NetmondConfiguration.parse(yaml: yaml)
            Issue.record("expected a configuration error")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test("seeded rules, channels, policies, parents and SMTP parse; secrets render as ***")
    func validSection() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                alerting:
                  evaluation_interval: 10s
                  allow_private_destinations: true
                  max_attempts: 3
                  device_parents:
                    - device: sw1
                      parent: rtr1
                  smtp:
                    host: mail.example.org
                    port: 465
                    security: tls
                    username: netmond
                    password: "hunter2hunter2"
                  channels:
                    - name: ops
                      type: webhook
                      url: https://hooks.example.org/netmond
                      secret: "topsecret"
                    - name: mail
                      type: email
                      to: [ops@example.org]
                  policies:
                    - name: oncall
                      steps:
                        - after: 0s
                          channels: [ops]
                        - after: 30m
                          channels: [mail]
                      repeat: 1h
                  rules:
                    - name: cpu high
                      kind: threshold
                      metric: cpu_load_percent
                      aggregate: p95
                      window: 5m
                      threshold: 90
                      clear: 80
                      for: 2m
                      severity: critical
                      tag: core
                      policy: oncall
                    - name: uplinks
                      kind: interface_down
                      interface: "ge-*"
                """
        )
        let alerting = configuration.alerting
        #expect(alerting.evaluationInterval == .seconds(10))
        #expect(alerting.allowPrivateDestinations)
        #expect(alerting.deviceParents == [DeviceParent(device: "sw1", parent: "rtr1")])
        #expect(alerting.smtp.security == .tls)
        #expect(alerting.smtp.password?.value == "hunter2hunter2")
        #expect(alerting.channels.map(\.name) == ["ops", "mail"])
        #expect(alerting.channels[0].secret?.value == "topsecret")
        #expect(alerting.policies.first?.steps.map(\.after) == [.zero, .seconds(1800)])
        #expect(alerting.rules.first?.clear == 80)
        #expect(alerting.rules.first?.forDuration == .seconds(120))
        #expect(alerting.rules.last?.interface == "ge-*")
        let rendered = configuration.renderYAML()
        #expect(!rendered.contains("hunter2"))
        #expect(!rendered.contains("topsecret"))
        #expect(try NetmondConfiguration.parse(yaml: rendered).alerting.rules == alerting.rules)
    }

    @Test("errors name the key and line")
    func errors() {
        #expect(
            self.issues("alerting:\n  evaluation_intervl: 10s\n").first?.contains("alerting.evaluation_intervl") == true
        )
        let badKind = self.issues("alerting:\n  rules:\n    - name: x\n      kind: magic\n")
        #expect(badKind.contains { $0.contains("alerting.rules[0].kind") && $0.contains("magic") })
        let noMetric = self.issues("alerting:\n  rules:\n    - name: x\n      kind: threshold\n")
        #expect(noMetric.contains { $0.contains("metric is required") })
        let unknownChannel = self.issues(
            "alerting:\n  policies:\n    - name: p\n      steps:\n        - after: 0s\n          channels: [nope]\n"
        )
        #expect(unknownChannel.contains { $0.contains("channel \"nope\" is not defined") })
        let unknownPolicy = self.issues(
            "alerting:\n  rules:\n    - name: x\n      kind: interface_down\n      policy: p\n"
        )
        #expect(unknownPolicy.contains { $0.contains("policy \"p\" is not defined") && $0.contains("line 3") })
        let badURL = self.issues("alerting:\n  channels:\n    - name: c\n      type: webhook\n      url: ftp://x\n")
        #expect(badURL.contains { $0.contains("url must be an http") })
        #expect(
            self.issues("alerting:\n  smtp:\n    security: ssl\n").first?.contains("alerting.smtp.security") == true
        )
    }
}
