import NetmonCore
import Testing

@Suite("http.tls configuration")
struct HTTPTLSConfigurationTests {
    private func issues(_ yaml: String) -> [String] {
        do {
            _ = try NetmondConfiguration.parse(yaml: yaml)
            return []
        } catch {
            return error.issues.map { "\($0.path): \($0.message)" }
        }
    }

    @Test("certificate and private_key parse, render back, and are off by default")
    func parses() throws {
        #expect(try NetmondConfiguration.parse(yaml: "http: {port: 8443}").http.tls == nil)
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                http:
                  port: 8443
                  tls:
                    certificate: /etc/netmond/tls/cert.pem
                    private_key: /etc/netmond/tls/key.pem
                """
        )
        #expect(
            configuration.http.tls
                == HTTPConfiguration.TLSFiles(
                    certificate: "/etc/netmond/tls/cert.pem",
                    privateKey: "/etc/netmond/tls/key.pem"
                )
        )
        let rendered = configuration.renderYAML()
        #expect(rendered.contains("certificate: \"/etc/netmond/tls/cert.pem\""))
        #expect(try NetmondConfiguration.parse(yaml: rendered).http == configuration.http)
    }

    @Test("a missing or empty file name and unknown keys name the key")
    func errors() {
        let missingKey = self.issues("http:\n  tls:\n    certificate: /c.pem\n")
        #expect(
            missingKey.contains { $0.hasPrefix("http.tls: needs both certificate and private_key") },
            "\(missingKey)"
        )
        let empty = self.issues("http:\n  tls:\n    certificate: \"\"\n    private_key: /k.pem\n    ciphers: all\n")
        #expect(empty.contains { $0.hasPrefix("http.tls.certificate: must name a PEM file") }, "\(empty)")
        #expect(empty.contains { $0.hasPrefix("http.tls.ciphers: unknown key") }, "\(empty)")
        let notMapping = self.issues("http:\n  tls: yes\n")
        #expect(notMapping.contains { $0.hasPrefix("http.tls:") }, "\(notMapping)")
    }
}
