import Foundation
import Logging
import NetmonCore
import NetmonTesting
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    /// Parses `yaml`, expecting it to fail, and returns the issues.
    private func issues(_ yaml: String) -> [ConfigurationIssue] {
        do {
            _ = try NetmondConfiguration.parse(yaml: yaml)
            Issue.record("expected a configuration error")
            return []
        } catch {
            return error.issues
        }
    }

    @Test("an empty file gives the documented defaults")
    func emptyFileGivesDefaults() throws {
        #expect(try NetmondConfiguration.parse(yaml: "") == NetmondConfiguration())
        #expect(try NetmondConfiguration.parse(yaml: "# only a comment\n") == NetmondConfiguration())
    }

    @Test("the shipped etc/netmond.yaml is valid and states the defaults")
    func shippedConfigurationIsValid() throws {
        let configuration = try NetmondConfiguration.load(path: RepositoryPaths.file("etc/netmond.yaml"))
        #expect(configuration == NetmondConfiguration())
        _ = try NetmondConfiguration.load(path: RepositoryPaths.file("etc/netmond.dev.yaml"))
    }

    @Test("a valid file sets every kind of value")
    func validFileParses() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                daemon:
                  shutdown_timeout: 30s
                log:
                  level: debug
                  format: journald
                http:
                  address: "::1"
                  port: 9090
                storage:
                  path: /tmp/x.db
                  queue_capacity: 2_000
                  batch_size: 500
                  flush_interval: 250ms
                  busy_timeout: 1m
                  journal_size_limit: 8MiB
                """
        )
        #expect(configuration.daemon.shutdownTimeout == .seconds(30))
        #expect(configuration.log.level == .debug)
        #expect(configuration.log.format == .journald)
        #expect(configuration.http == HTTPConfiguration(address: "::1", port: 9090))
        #expect(
            configuration.storage
                == StorageConfiguration(
                    path: "/tmp/x.db",
                    queueCapacity: 2000,
                    batchSize: 500,
                    flushInterval: .milliseconds(250),
                    busyTimeout: .seconds(60),
                    journalSizeLimit: 8 << 20
                )
        )
    }

    @Test("the effective configuration renders as YAML that parses back to itself")
    func renderRoundTrips() throws {
        var configuration = NetmondConfiguration()
        configuration.http.address = "::"
        configuration.storage.path = "/var/lib/netmond/a \"quoted\" name.db"
        configuration.storage.flushInterval = .milliseconds(1500)
        let rendered = configuration.renderYAML()
        #expect(try NetmondConfiguration.parse(yaml: rendered) == configuration)
        #expect(rendered.contains("flush_interval: 1500ms"))
    }

    @Test("an unknown key is named with its path and line")
    func unknownKey() {
        let found = self.issues("http:\n  port: 8080\n  prot: 8081\n")
        #expect(
            found.map(\.description) == ["http.prot: unknown key; known keys here: address, cors, port, tls (line 3)"]
        )
        let topLevel = self.issues("storge:\n  path: x\n")
        #expect(topLevel.first?.path == "storge")
        #expect(topLevel.first?.line == 1)
    }

    @Test("a wrong type is named")
    func wrongType() {
        #expect(
            self.issues("http:\n  port: [1, 2]\n").first?.description
                == "http.port: expected a port, found a list (line 2)"
        )
        #expect(self.issues("http: 8080\n").first?.description == "http: expected a mapping of keys to values (line 1)")
        #expect(
            self.issues("storage:\n  batch_size: lots\n").first?.description
                == "storage.batch_size: \"lots\" is not an integer (line 2)"
        )
    }

    @Test("a bad port is named", arguments: ["0", "70000", "-1", "http", "80.5"])
    func badPort(value: String) {
        let found = self.issues("http:\n  port: \(value)\n")
        #expect(found.count == 1)
        #expect(found.first?.path == "http.port")
        #expect(found.first?.line == 2)
        #expect(found.first?.message.contains("is not a port") == true)
    }

    @Test("a bad duration is named", arguments: ["10", "ten seconds", "5 parsecs", "-1s", ""])
    func badDuration(value: String) {
        let found = self.issues("storage:\n  flush_interval: \"\(value)\"\n")
        #expect(found.first?.path == "storage.flush_interval")
        #expect(found.first?.line == 2)
        #expect(found.first?.message.contains("is not a duration") == true)
    }

    @Test("a duration out of range is named")
    func durationOutOfRange() {
        let found = self.issues("daemon:\n  shutdown_timeout: 1h\n")
        #expect(found.first?.description == "daemon.shutdown_timeout: 1h is out of range 1s...5m (line 2)")
    }

    @Test("a bad address and a bad log level are named")
    func badWords() {
        #expect(self.issues("http:\n  address: 300.1.2.3\n").first?.path == "http.address")
        #expect(
            self.issues("log:\n  level: loud\n").first?.description
                == "log.level: \"loud\" is not one of: trace, debug, info, notice, warning, error, critical (line 2)"
        )
    }

    @Test("every error in a file is reported at once, in file order")
    func everyErrorReported() {
        let found = self.issues(
            """
            http:
              port: 70000
            storage:
              batch_size: 0
              flush_interval: soon
            extra: 1
            """
        )
        #expect(found.map(\.path) == ["http.port", "storage.batch_size", "storage.flush_interval", "extra"])
        #expect(found.map(\.line) == [2, 4, 5, 6])
    }

    @Test("invalid YAML is reported with its line")
    func invalidYAML() {
        let found = self.issues("http:\n  port: 8080\n   address: [unclosed\n")
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("invalid YAML") == true)
        #expect(found.first?.line != nil)
    }

    @Test("duplicate keys are rejected")
    func duplicateKeys() {
        let found = self.issues("http:\n  port: 1\n  port: 2\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("duplicate") == true)
    }

    @Test("a missing file says so and what to do")
    func missingFile() {
        do {
            _ = try NetmondConfiguration.load(path: "/nonexistent/netmond.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/nonexistent/netmond.yaml")
            #expect(error.description.contains("does not exist"))
        }
    }
}
